package io.crossinterest.jobs;

import io.crossinterest.bench.EncoderBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cross-interest bench encoder --output DIR}: users/s encoded at batch 1, 32 and 256 on the configured ND4J
 * backend (CPU by default), and seconds per encoder pre-training epoch on the source block of the largest Amazon pair
 * (electronic → cloth), in {@code DIR/encoder-bench.json}.
 */
@Command(name = "encoder", mixinStandardHelpOptions = true,
        description = "Encoder throughput (users/s at batch 1/32/256) and training seconds per epoch.")
public class BenchEncoderCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--output", required = true, description = "Directory for encoder-bench.json.")
    Path output;

    @Option(names = "--pair-source", description = "Source-block folder with train.txt for the training epoch "
            + "(default: ../shared/data/amazon-cdr-disencdr/electronic_cloth, the largest pair).")
    Path pairSource;

    @Option(names = "--no-training", description = "Skip the training-epoch measurement.")
    boolean noTraining;

    @Option(names = "--min-seconds", defaultValue = "3", description = "Timed seconds per batch size (default 3).")
    double minSeconds;

    @Override
    public Integer call() throws Exception {
        if (minSeconds <= 0) {
            throw new UsageError("--min-seconds must be > 0, got " + minSeconds);
        }
        Path pair = null;
        if (!noTraining) {
            pair = pairSource != null ? pairSource
                    : Path.of("..", "shared", "data", "amazon-cdr-disencdr", "electronic_cloth");
            if (!Files.isRegularFile(pair.resolve("train.txt"))) {
                throw new UsageError("--pair-source: no train.txt in " + pair + " (or pass --no-training)");
            }
        }
        Path out = EncoderBench.run(output, pair, minSeconds, line -> spec.commandLine().getOut().println(line));
        spec.commandLine().getOut().println("wrote " + out);
        return CrossInterest.EXIT_OK;
    }
}

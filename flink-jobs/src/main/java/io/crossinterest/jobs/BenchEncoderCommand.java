package io.crossinterest.jobs;

import io.crossinterest.bench.EncoderBench;
import io.crossinterest.report.RunInfo;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code cross-interest bench encoder --output DIR}: users/s encoded at batch 1, 32 and 256 on the
 * configured ND4J backend (CPU by default) by the DL4J graph and by the product's projected
 * encoder, next to the same network in PyTorch when a Python with torch is installed, and seconds
 * per encoder pre-training epoch on the source block of the largest Amazon pair (electronic →
 * cloth), in {@code DIR/encoder-bench.json} ({@link EncoderBench}).
 */
@Command(
        name = "encoder",
        mixinStandardHelpOptions = true,
        description =
                "Encoder throughput (users/s at batch 1/32/256, DL4J and PyTorch side by side) and training "
                        + "seconds per epoch.")
public class BenchEncoderCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--output", required = true, description = "Directory for encoder-bench.json.")
    Path output;

    @Option(
            names = "--pair-source",
            description =
                    "Source-block folder with train.txt for the training epoch "
                            + "(default: ../shared/data/amazon-cdr-disencdr/electronic_cloth, the largest pair).")
    Path pairSource;

    @Option(names = "--no-training", description = "Skip the training-epoch measurement.")
    boolean noTraining;

    @Option(
            names = "--min-seconds",
            defaultValue = "2",
            description = "Timed seconds per measurement (default 2).")
    double minSeconds;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description =
                    "Times the whole set is measured in turn; the best of the rounds is kept (default 3).")
    int rounds;

    @Option(
            names = "--python",
            description =
                    "Python with torch for the PyTorch side (default: the first of python3 "
                            + "and /usr/bin/python3 that imports torch).")
    String python;

    @Option(
            names = "--no-pytorch",
            description = "Do not run PyTorch (the figures of issue 16 stand in).")
    boolean noPytorch;

    @Override
    public Integer call() throws Exception {
        if (minSeconds <= 0) {
            throw new UsageError("--min-seconds must be > 0, got " + minSeconds);
        }
        if (rounds < 1) {
            throw new UsageError("--rounds must be >= 1, got " + rounds);
        }
        if (python != null && !noPytorch && !EncoderBench.importsTorch(python)) {
            throw new UsageError("--python: " + python + " does not run or cannot import torch");
        }
        Path pair = null;
        if (!noTraining) {
            pair =
                    pairSource != null
                            ? pairSource
                            : Path.of(
                                    "..",
                                    "shared",
                                    "data",
                                    "amazon-cdr-disencdr",
                                    "electronic_cloth");
            if (!Files.isRegularFile(pair.resolve("train.txt"))) {
                throw new UsageError(
                        "--pair-source: no train.txt in " + pair + " (or pass --no-training)");
            }
        }
        RunInfo run =
                RunInfo.capture(
                        String.join(" ", spec.commandLine().getParseResult().originalArgs()),
                        Path.of(System.getProperty("cross-interest.home", ".")));
        EncoderBench.Options o =
                new EncoderBench.Options(
                        output, pair, minSeconds, rounds, noPytorch ? "" : python, run);
        Path out = EncoderBench.run(o, line -> spec.commandLine().getOut().println(line));
        spec.commandLine().getOut().println("wrote " + out);
        return CrossInterest.EXIT_OK;
    }
}

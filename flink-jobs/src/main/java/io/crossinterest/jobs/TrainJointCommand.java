package io.crossinterest.jobs;

import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.EvalDatasets;
import io.crossinterest.eval.ModelSettings;
import io.crossinterest.joint.JointBundle;
import io.crossinterest.joint.JointModel;
import io.crossinterest.joint.JointModelProvider;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cross-interest train-joint --format F --source S --target T --output BUNDLE}: fits the joint model (the same
 * configuration {@code evaluate} runs) and writes a versioned model bundle that the stream job and {@code explain}
 * load. A share {@code --valid-beta} of the users active in both blocks is held out of the target block for early
 * stopping (their target rows are not trained on).
 */
@Command(name = "train-joint", mixinStandardHelpOptions = true,
        description = "Train the joint transfer model and write a model bundle.")
public class TrainJointCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--format", required = true, description = "amazon-pair, douban, movielens or split")
    String format;

    @Option(names = "--source", required = true, description = "source block (as for evaluate)")
    Path source;

    @Option(names = "--target", description = "target block (as for evaluate)")
    Path target;

    @Option(names = "--target-genres", split = ",", description = "movielens: the genres of the target block")
    List<String> targetGenres;

    @Option(names = "--output", required = true, description = "bundle directory to write")
    Path output;

    @Option(names = "--model-version", description = "version string written into the bundle and every output "
            + "(default: joint-<dataset>-s<seed>-<epoch millis>)")
    String modelVersion;

    @Option(names = "--valid-beta", defaultValue = "0.05",
            description = "share of overlapping users held out for early stopping (default ${DEFAULT-VALUE})")
    double validBeta;

    @Option(names = "--seed", defaultValue = "1", description = "seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--rank", defaultValue = "32", description = "CF rank (default ${DEFAULT-VALUE})")
    int rank;

    @Option(names = "--max-epochs", defaultValue = "20", description = "most joint epochs (default ${DEFAULT-VALUE})")
    int maxEpochs;

    @Override
    public Integer call() throws Exception {
        if (!(validBeta > 0 && validBeta < 1)) {
            throw new UsageError("--valid-beta must be in (0, 1), got " + validBeta);
        }
        if (rank < 1 || maxEpochs < 1) {
            throw new UsageError("--rank and --max-epochs must be >= 1");
        }
        EvalDatasets.Loaded data = EvalDatasets.load(format, source, target,
                targetGenres == null ? null : new HashSet<>(targetGenres));
        spec.commandLine().getOut().println("train-joint: read " + data.summary());
        // all held-out users validate (validFraction close to 1 leaves one "test" user, which is not used)
        CrossDomainSplit split = data.split(validBeta, 0.99, seed);
        ModelSettings settings = new ModelSettings(seed, rank, 10, maxEpochs,
                Runtime.getRuntime().availableProcessors());
        JointModel model = (JointModel) new JointModelProvider().create(settings);
        long t0 = System.nanoTime();
        model.fit(split);
        String version = modelVersion != null ? modelVersion
                : "joint-" + split.dataset.replaceAll("[^A-Za-z0-9_.-]+", "_") + "-s" + seed + "-"
                        + System.currentTimeMillis();
        JointBundle.Metadata md = JointBundle.save(model, output, version);
        spec.commandLine().getOut().printf("train-joint: fitted in %.0f s (best epoch %d of %d); wrote bundle %s "
                + "version %s%n", (System.nanoTime() - t0) / 1e9, model.bestEpoch() + 1, model.history().size(),
                output, md.modelVersion());
        return CrossInterest.EXIT_OK;
    }
}

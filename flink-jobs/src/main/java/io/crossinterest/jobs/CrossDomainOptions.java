package io.crossinterest.jobs;

import io.crossinterest.data.TwinListings;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.EvalDatasets;
import io.crossinterest.eval.ModelSettings;
import io.crossinterest.ingest.InputFormats;
import io.crossinterest.ingest.InputSpecException;

import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * The data set, cold-start split and model-effort options shared by {@code evaluate} and {@code
 * train} (a picocli mixin), with their checks: a mistake is a {@link
 * CommandLine.ParameterException} naming the option (exit 2).
 */
public class CrossDomainOptions {
    @Option(
            names = "--format",
            required = true,
            description = "amazon-pair, douban, movielens or split")
    String format;

    @Option(
            names = "--source",
            required = true,
            description =
                    "source block: amazon-pair folder A_B, douban ratings file, movielens folder, split block folder")
    Path source;

    @Option(
            names = "--target",
            description =
                    "target block: amazon-pair folder B_A, douban file, split block folder"
                            + " (not for movielens)")
    Path target;

    @Option(
            names = "--target-genres",
            split = ",",
            description =
                    "movielens: the genres forming the target block, e.g. Comedy,Drama,Action")
    List<String> targetGenres;

    @Option(
            names = "--beta",
            defaultValue = "0.2",
            description =
                    "fraction of the users active in both blocks made cold (default ${DEFAULT-VALUE}; not for split)")
    double beta;

    @Option(
            names = "--valid-fraction",
            defaultValue = "0.1",
            description =
                    "fraction of the cold users used for validation (default ${DEFAULT-VALUE})")
    double validFraction;

    @Option(
            names = "--rank",
            defaultValue = "32",
            description = "factor rank (default ${DEFAULT-VALUE})")
    int rank;

    @Option(
            names = "--als-iterations",
            defaultValue = "10",
            description = "ALS iterations (default ${DEFAULT-VALUE})")
    int alsIterations;

    @Option(
            names = "--max-epochs",
            defaultValue = "50",
            description =
                    "most training epochs of the neural models; early stopping on validation (default ${DEFAULT-VALUE})")
    int maxEpochs;

    @Option(names = "--threads", description = "worker threads (default: all cores)")
    Integer threads;

    /**
     * What the protocol and the products do with twins (one product listed in both blocks under two
     * ids).
     */
    enum Twins {
        remove,
        keep
    }

    @Option(
            names = "--twins",
            defaultValue = "remove",
            description =
                    "remove: a target item that is the twin of one of the user's own source items is a seen"
                            + " item (never recommended, neither a candidate nor a hidden positive); keep: the protocol before"
                            + " twins were known (default ${DEFAULT-VALUE})")
    Twins twins;

    @Option(
            names = "--twin-jaccard",
            defaultValue = "0.8",
            description =
                    "twins: least Jaccard index of the two listings' user sets on the training rows"
                            + " (default ${DEFAULT-VALUE})")
    double twinJaccard;

    @Option(
            names = "--twin-min-users",
            defaultValue = "2",
            description =
                    "twins: least number of training users of each listing (default ${DEFAULT-VALUE})")
    int twinMinUsers;

    @Option(
            names = "--parallelism",
            defaultValue = "1",
            paramLabel = "N",
            description =
                    "ALS factorisations: 1 in this JVM, N > 1 as a Flink job at parallelism N (the distributed "
                            + "ALS; the same factors for the same seed) (default ${DEFAULT-VALUE})")
    int parallelism;

    /** The format, lower case, after checking it and the options it needs. */
    String checkedFormat(CommandLine cl) {
        String fmt = format.trim().toLowerCase(Locale.ROOT);
        if (!EvalDatasets.FORMATS.contains(fmt)) {
            throw new CommandLine.ParameterException(
                    cl,
                    "--format: '"
                            + format
                            + "' is not one of "
                            + String.join(", ", EvalDatasets.FORMATS));
        }
        if (fmt.equals(InputFormats.MOVIELENS)) {
            if (target != null) {
                throw new CommandLine.ParameterException(
                        cl, "--target: movielens takes --target-genres instead");
            }
            if (targetGenres == null || targetGenres.isEmpty()) {
                throw new CommandLine.ParameterException(
                        cl, "--target-genres is required for movielens");
            }
        } else if (target == null) {
            throw new CommandLine.ParameterException(cl, "--target is required for " + fmt);
        }
        if (!(beta > 0 && beta < 1)) {
            throw new CommandLine.ParameterException(cl, "--beta: must be in (0, 1), got " + beta);
        }
        if (!(validFraction > 0 && validFraction < 1)) {
            throw new CommandLine.ParameterException(
                    cl, "--valid-fraction: must be in (0, 1), got " + validFraction);
        }
        return fmt;
    }

    /** The model settings for {@code seed}. */
    ModelSettings settings(CommandLine cl, long seed) {
        try {
            if (parallelism < 1) {
                throw new CommandLine.ParameterException(
                        cl, "--parallelism: must be >= 1, got " + parallelism);
            }
            return new ModelSettings(
                    seed,
                    rank,
                    alsIterations,
                    maxEpochs,
                    threads == null ? Runtime.getRuntime().availableProcessors() : threads,
                    parallelism);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    /**
     * Reads the two blocks through the ingest parsers; a missing path or bad layout is a usage
     * error.
     */
    EvalDatasets.Loaded load(String fmt) {
        try {
            return EvalDatasets.load(
                    fmt,
                    source,
                    target,
                    targetGenres == null ? null : new LinkedHashSet<>(targetGenres));
        } catch (InputSpecException e) {
            throw new UsageError(e.getMessage());
        }
    }

    boolean twinsKept() {
        return twins == Twins.keep;
    }

    /**
     * The twin rule of --twin-jaccard and --twin-min-users; a bad value is a usage error naming the
     * option.
     */
    TwinListings.Rule twinRule() {
        if (!(twinJaccard > 0 && twinJaccard <= 1)) {
            throw new UsageError("--twin-jaccard: must be in (0, 1], got " + twinJaccard);
        }
        if (twinMinUsers < 1) {
            throw new UsageError("--twin-min-users: must be at least 1, got " + twinMinUsers);
        }
        return new TwinListings.Rule(twinJaccard, twinMinUsers);
    }

    /**
     * The cold-start split of {@code data} for {@code seed} (the given one for the split layout).
     */
    CrossDomainSplit split(EvalDatasets.Loaded data, long seed) {
        try {
            CrossDomainSplit split =
                    data.split(beta, validFraction, seed); // twins by the default rule
            TwinListings.Rule rule = twinRule();
            return twins == Twins.keep
                    ? split.withTwins(TwinListings.none())
                    : rule.equals(TwinListings.Rule.DEFAULT) ? split : split.withTwins(rule);
        } catch (IllegalArgumentException e) {
            throw new UsageError(data.dataset + ": " + e.getMessage());
        }
    }
}

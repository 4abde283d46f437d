package io.crossinterest.jobs;

import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.EvalDatasets;
import io.crossinterest.eval.EvaluationReport;
import io.crossinterest.eval.EvaluationResult;
import io.crossinterest.eval.EvaluationRun;
import io.crossinterest.eval.ModelRegistry;
import io.crossinterest.eval.ModelSettings;
import io.crossinterest.event.DeadLetter;
import io.crossinterest.ingest.DeadLetterJson;
import io.crossinterest.ingest.InputFormats;
import io.crossinterest.ingest.InputSpecException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code cross-interest evaluate}: the cold-start protocol of DESIGN §5 on a real data set, every requested model side
 * by side, several seeds. Writes {@code metrics.json}, {@code report.md}, {@code full-ranking.png},
 * {@code sampled.png} (and with {@code --dump-rankings} {@code rankings-<model>.tsv}) to {@code --output}, and
 * {@code dead-letters.jsonl} when some input records were malformed.
 *
 * <pre>
 * evaluate --format amazon-pair --source DATA/amazon-cdr-disencdr/sport_phone --target DATA/amazon-cdr-disencdr/phone_sport \
 *          --beta 0.2 --seeds 1,2,3 --output out/eval
 * evaluate --format split --source DIR/book --target DIR/music --output out/eval
 * evaluate --format movielens --source DATA/movielens-100k --target-genres Comedy,Drama,Action --output out/eval
 * </pre>
 * Models run in process (no Flink job); progress goes to stderr.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Cold-start evaluation (DESIGN §5): baselines and the joint model on a cross-domain data set.")
public class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--format", required = true, description = "amazon-pair, douban, movielens or split")
    String format;

    @Option(names = "--source", required = true,
            description = "source block: amazon-pair folder A_B, douban ratings file, movielens folder, split block folder")
    Path source;

    @Option(names = "--target", description = "target block: amazon-pair folder B_A, douban file, split block folder"
            + " (not for movielens)")
    Path target;

    @Option(names = "--target-genres", split = ",",
            description = "movielens: the genres forming the target block, e.g. Comedy,Drama,Action")
    List<String> targetGenres;

    @Option(names = "--beta", defaultValue = "0.2",
            description = "fraction of the users active in both blocks made cold (default ${DEFAULT-VALUE}; not for split)")
    double beta;

    @Option(names = "--valid-fraction", defaultValue = "0.1",
            description = "fraction of the cold users used for validation (default ${DEFAULT-VALUE})")
    double validFraction;

    @Option(names = "--seeds", split = ",", defaultValue = "1,2,3", description = "seeds (default ${DEFAULT-VALUE})")
    List<Long> seeds;

    @Option(names = "--models", split = ",", description = "models to run (default: all registered)")
    List<String> models;

    @Option(names = "--output", required = true, description = "output folder")
    Path output;

    @Option(names = "--dump-rankings", description = "write rankings-<model>.tsv (top 100 per test user, first seed)")
    boolean dumpRankings;

    @Option(names = "--rank", defaultValue = "32", description = "factor rank (default ${DEFAULT-VALUE})")
    int rank;

    @Option(names = "--als-iterations", defaultValue = "10", description = "ALS iterations (default ${DEFAULT-VALUE})")
    int alsIterations;

    @Option(names = "--max-epochs", defaultValue = "50",
            description = "most training epochs of the neural models; early stopping on validation (default ${DEFAULT-VALUE})")
    int maxEpochs;

    @Option(names = "--threads", description = "worker threads (default: all cores)")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        String fmt = format.trim().toLowerCase(Locale.ROOT);
        if (!EvalDatasets.FORMATS.contains(fmt)) {
            throw new CommandLine.ParameterException(cl, "--format: '" + format + "' is not one of "
                    + String.join(", ", EvalDatasets.FORMATS));
        }
        if (fmt.equals(InputFormats.MOVIELENS)) {
            if (target != null) {
                throw new CommandLine.ParameterException(cl, "--target: movielens takes --target-genres instead");
            }
            if (targetGenres == null || targetGenres.isEmpty()) {
                throw new CommandLine.ParameterException(cl, "--target-genres is required for movielens");
            }
        } else if (target == null) {
            throw new CommandLine.ParameterException(cl, "--target is required for " + fmt);
        }
        if (!(beta > 0 && beta < 1)) {
            throw new CommandLine.ParameterException(cl, "--beta: must be in (0, 1), got " + beta);
        }
        if (!(validFraction > 0 && validFraction < 1)) {
            throw new CommandLine.ParameterException(cl, "--valid-fraction: must be in (0, 1), got " + validFraction);
        }
        if (seeds.isEmpty() || new LinkedHashSet<>(seeds).size() != seeds.size()) {
            throw new CommandLine.ParameterException(cl, "--seeds: give distinct seeds, got " + seeds);
        }
        ModelSettings settings;
        try {
            settings = new ModelSettings(seeds.get(0), rank, alsIterations, maxEpochs,
                    threads == null ? Runtime.getRuntime().availableProcessors() : threads);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        ModelRegistry registry = ModelRegistry.fromClassPath();
        List<String> run = models == null || models.isEmpty() ? registry.names() : models;
        for (String m : run) {
            if (!registry.contains(m)) {
                throw new CommandLine.ParameterException(cl, "--models: unknown model '" + m + "' (known: "
                        + String.join(", ", registry.names()) + ")");
            }
        }
        try {
            Files.createDirectories(output);
        } catch (java.io.IOException e) {
            throw new UsageError("--output: cannot create " + output + ": " + e.getMessage());
        }
        PrintWriter err = cl.getErr();
        java.util.function.Consumer<String> progress = msg -> {
            err.println("evaluate: " + msg);
            err.flush();
        };
        System.setProperty("java.awt.headless", "true");

        EvalDatasets.Loaded data;
        try {
            data = EvalDatasets.load(fmt, source, target,
                    targetGenres == null ? null : new LinkedHashSet<>(targetGenres));
        } catch (InputSpecException e) {
            throw new UsageError(e.getMessage());
        }
        progress.accept("read " + data.summary());
        if (!data.deadLetters.isEmpty()) {
            writeDeadLetters(data.deadLetters, output.resolve("dead-letters.jsonl"));
            progress.accept(data.deadLetters.size() + " malformed records written to "
                    + output.resolve("dead-letters.jsonl") + "; first: " + data.deadLetters.get(0).reason);
        }
        double reportedBeta = data.givenSplit() ? Double.NaN : beta;
        if (data.givenSplit() && cl.getParseResult().hasMatchedOption("--beta")) {
            progress.accept("--beta is ignored: the split layout gives the split");
        }
        java.util.function.LongFunction<CrossDomainSplit> splits = seed -> {
            try {
                return data.split(beta, validFraction, seed);
            } catch (IllegalArgumentException e) {
                throw new UsageError(data.dataset + ": " + e.getMessage());
            }
        };
        EvaluationResult result = EvaluationRun.run(data.dataset, reportedBeta, seeds, splits, run, registry, settings,
                dumpRankings ? output : null, progress);
        List<String> command = new ArrayList<>(cl.getParseResult().originalArgs()); // starts with "evaluate"
        EvaluationReport.write(result, output, String.join(" ", command));
        progress.accept("wrote " + output.resolve("metrics.json") + ", report.md, full-ranking.png, sampled.png"
                + (dumpRankings ? ", rankings-<model>.tsv" : ""));
        cl.getOut().print(Files.readString(output.resolve("report.md"), StandardCharsets.UTF_8));
        cl.getOut().flush();
        return CrossInterest.EXIT_OK;
    }

    private static void writeDeadLetters(List<DeadLetter> dead, Path file) throws java.io.IOException {
        DeadLetterJson json = new DeadLetterJson();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (DeadLetter d : dead) {
                w.write(json.toJson(d));
                w.write('\n');
            }
        }
    }
}

package io.crossinterest.jobs;

import io.crossinterest.data.TwinListings;
import io.crossinterest.eval.CandidateLists;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.EvalDatasets;
import io.crossinterest.eval.EvaluationReport;
import io.crossinterest.eval.EvaluationResult;
import io.crossinterest.eval.EvaluationRun;
import io.crossinterest.eval.ModelRegistry;
import io.crossinterest.eval.ModelSettings;
import io.crossinterest.event.DeadLetter;
import io.crossinterest.ingest.DeadLetterJson;
import io.crossinterest.ingest.InputSpecException;
import io.crossinterest.report.RunInfo;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * {@code cross-interest evaluate}: the cold-start protocol of docs/architecture.md §5 on a real
 * data set, every requested model side by side, several seeds. Writes {@code metrics.json}, {@code
 * report.md}, {@code full-ranking.png}, {@code sampled.png} (and with {@code --dump-rankings}
 * {@code rankings-<model>.tsv}) to {@code --output}, and {@code dead-letters.jsonl} when some input
 * records were malformed.
 *
 * <pre>
 * evaluate --format amazon-pair --source DATA/amazon-cdr-disencdr/sport_phone --target DATA/amazon-cdr-disencdr/phone_sport \
 *          --beta 0.2 --seeds 1,2,3 --output out/eval
 * evaluate --format split --source DIR/book --target DIR/music --output out/eval
 * evaluate --format movielens --source DATA/movielens-100k --target-genres Comedy,Drama,Action --output out/eval
 * </pre>
 *
 * Models run in process (no Flink job); progress goes to stderr.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description =
                "Cold-start evaluation (DESIGN §5): baselines and the joint model on a cross-domain data set.")
public class EvaluateCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin CrossDomainOptions data;

    @Option(
            names = "--seeds",
            split = ",",
            defaultValue = "1,2,3",
            description = "seeds (default ${DEFAULT-VALUE})")
    List<Long> seeds;

    @Option(
            names = "--models",
            split = ",",
            description =
                    "models to run (default: every registered model but the ablations, which run when named: "
                            + "joint-category-tokens)")
    List<String> models;

    @Option(names = "--output", required = true, description = "output folder")
    Path output;

    @Option(
            names = "--dump-rankings",
            description =
                    "write rankings-<model>.tsv (top 100 per test user) and truth.tsv"
                            + " (the hidden items counted as relevant), every seed")
    boolean dumpRankings;

    @Option(
            names = "--candidates",
            paramLabel = "FILE",
            description =
                    "also rank exactly these candidate lists: 'user"
                            + " item item ...' per line, the user's held-out positive among them (a paper's sampled protocol on its own"
                            + " negatives); metrics candidates.*")
    Path candidates;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        String fmt = data.checkedFormat(cl);
        if (seeds.isEmpty() || new LinkedHashSet<>(seeds).size() != seeds.size()) {
            throw new CommandLine.ParameterException(
                    cl, "--seeds: give distinct seeds, got " + seeds);
        }
        ModelSettings settings = data.settings(cl, seeds.get(0));
        ModelRegistry registry = ModelRegistry.fromClassPath();
        List<String> run = models == null || models.isEmpty() ? registry.defaultNames() : models;
        for (String m : run) {
            if (!registry.contains(m)) {
                throw new CommandLine.ParameterException(
                        cl,
                        "--models: unknown model '"
                                + m
                                + "' (known: "
                                + String.join(", ", registry.names())
                                + ")");
            }
        }
        try {
            Files.createDirectories(output);
        } catch (IOException e) {
            throw new UsageError("--output: cannot create " + output + ": " + e.getMessage());
        }
        PrintWriter err = cl.getErr();
        Consumer<String> progress =
                msg -> {
                    err.println("evaluate: " + msg);
                    err.flush();
                };
        System.setProperty("java.awt.headless", "true");

        CandidateLists candidateLists = null;
        if (candidates != null) {
            try {
                candidateLists = CandidateLists.read(candidates);
            } catch (InputSpecException e) {
                throw new UsageError(e.getMessage());
            }
        }
        TwinListings.Rule twinRule = data.twinRule();
        RunInfo runInfo =
                RunInfo.capture(
                        String.join(" ", cl.getParseResult().originalArgs()),
                        Path.of(System.getProperty("cross-interest.home", ".")));

        EvalDatasets.Loaded loaded = data.load(fmt);
        progress.accept("read " + loaded.summary());
        if (!loaded.deadLetters.isEmpty()) {
            writeDeadLetters(loaded.deadLetters, output.resolve("dead-letters.jsonl"));
            progress.accept(
                    loaded.deadLetters.size()
                            + " malformed records written to "
                            + output.resolve("dead-letters.jsonl")
                            + "; first: "
                            + loaded.deadLetters.get(0).reason);
        }
        double reportedBeta = loaded.givenSplit() ? Double.NaN : data.beta;
        if (loaded.givenSplit() && cl.getParseResult().hasMatchedOption("--beta")) {
            progress.accept("--beta is ignored: the split layout gives the split");
        }
        LongFunction<CrossDomainSplit> splits = seed -> data.split(loaded, seed);
        EvaluationResult result;
        try {
            result =
                    EvaluationRun.run(
                            loaded.dataset,
                            reportedBeta,
                            seeds,
                            splits,
                            run,
                            registry,
                            settings,
                            dumpRankings ? output : null,
                            candidateLists,
                            progress);
        } catch (InputSpecException e) {
            throw new UsageError(e.getMessage());
        }
        result.twinsProtocol =
                data.twinsKept()
                        ? "keep"
                        : String.format(
                                Locale.ROOT,
                                "remove (Jaccard >= %s of the training users, >= %d users each)",
                                twinRule.minJaccard(),
                                twinRule.minUsers());
        EvaluationReport.write(result, output, runInfo);
        progress.accept(
                "wrote "
                        + output.resolve("metrics.json")
                        + ", report.md, full-ranking.png, sampled.png"
                        + (dumpRankings ? ", rankings-<model>.tsv, truth.tsv" : ""));
        cl.getOut().print(Files.readString(output.resolve("report.md"), StandardCharsets.UTF_8));
        cl.getOut().flush();
        return CrossInterest.EXIT_OK;
    }

    private static void writeDeadLetters(List<DeadLetter> dead, Path file) throws IOException {
        DeadLetterJson json = new DeadLetterJson();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (DeadLetter d : dead) {
                w.write(json.toJson(d));
                w.write('\n');
            }
        }
    }
}

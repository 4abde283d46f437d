package io.crossinterest.jobs;

import io.crossinterest.eval.ColdStartEvaluator;
import io.crossinterest.eval.ColdStartModel;
import io.crossinterest.eval.ColdStartModelProvider;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.EvalDatasets;
import io.crossinterest.eval.EvaluationReport;
import io.crossinterest.eval.EvaluationResult;
import io.crossinterest.eval.EvaluationRun;
import io.crossinterest.eval.ModelRegistry;
import io.crossinterest.eval.ModelSettings;
import io.crossinterest.eval.SelectionReport;
import io.crossinterest.eval.joint.JointColdStartModel;
import io.crossinterest.eval.joint.JointModelProvider;
import io.crossinterest.report.RunInfo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.OperatingSystemMXBean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

/**
 * {@code cross-interest demo}: the whole pipeline on the bundled Amazon sport–phone pair, the same
 * code paths as the product's commands:
 *
 * <ol>
 *   <li>{@code backfill}: the Flink job graph in BATCH mode over both domains' files: parse (dead
 *       letters), per-user aggregation into keyed state, profiles (a row of the user × category
 *       matrix O and the recent tokens);
 *   <li>as {@code train}: target-block ALS, the CNN encoder pre-trained on the source block, the
 *       joint model; a versioned bundle; interests and top-N for held-out cold users;
 *   <li>{@code explain}: which source items drove one cold user's recommendations;
 *   <li>as {@code evaluate}: the cold-start comparison table of the joint model (the one of step 2,
 *       on the same split; with its deep path alone, "joint-deep") and baselines, on one seed.
 * </ol>
 *
 * <p>By default a fast run that respects a newcomer's time (at most about 2 minutes after the build
 * on 2 cores): every stage runs, with a smaller budget where the time goes (measured: the CNN
 * encoder's pre-training and the joint model's epochs, whose Conv1D backward pass dominates, done
 * once per CF family). The joint model trains in the separate CF spaces only (not also in the
 * collective one), pre-trains the encoder {@value #FAST_PRETRAIN_EPOCHS} epoch (evaluate: 3), reads
 * the last {@value #FAST_SEQ_LEN} source items (evaluate: 100) and trains at most {@value
 * #FAST_MAX_EPOCHS} epochs (evaluate: 50; early stopping still applies); the baselines keep
 * evaluate's settings and the comparison has popularity, EMCDR, source-knn and source-items ({@link
 * #FAST_MODELS}). What was reduced is said on screen. {@code --full} runs today's complete table:
 * every model of evaluate with evaluate's settings (rank 32, 10 ALS iterations, at most 50 epochs;
 * the joint model of {@code train}). {@code --quick} (3 ALS iterations, at most 3 epochs, a smoke
 * run) applies to either. A progress line closes each stage with its elapsed seconds and the JVM's
 * CPU time so far. The models' defaults used by {@code train} and {@code evaluate} are not changed:
 * the demo only passes a smaller budget ({@link JointModelProvider#create(ModelSettings, int, int,
 * boolean)}).
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "The whole pipeline on the bundled Amazon sport-phone pair: backfill, train, explain, evaluate.")
public class DemoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--data",
            description =
                    "the bundled pair folder (default: data/amazon-sport-phone of the repository)")
    Path data;

    @Option(
            names = "--output",
            defaultValue = "demo-output",
            description = "output folder (default ${DEFAULT-VALUE})")
    Path output;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "seed of the split and the models (default ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--beta",
            defaultValue = "0.2",
            description = "fraction of users made cold (default ${DEFAULT-VALUE})")
    double beta;

    @Option(
            names = "--full",
            description =
                    "the complete run: every model of evaluate with evaluate's settings (rank 32,"
                            + " 10 ALS iterations, at most 50 epochs; the joint model in both CF families, 3 encoder pre-training epochs);"
                            + " about 7-9 minutes on 2 cores")
    boolean full;

    @Option(
            names = "--quick",
            description =
                    "3 ALS iterations and at most 3 epochs: a smoke run, not for the numbers"
                            + " (with --full: the complete table at that budget)")
    boolean quick;

    /**
     * The default (fast) demo's comparison: cheap baselines, one factor baseline, the joint model.
     */
    static final List<String> FAST_MODELS =
            List.of("popularity", "emcdr", "source-knn", "source-items", "joint");

    /**
     * The default demo's bound on the joint model's epochs (early stopping still applies; evaluate:
     * 50).
     */
    static final int FAST_MAX_EPOCHS = 3;

    /**
     * The default demo's encoder pre-training epochs (evaluate: 3; the design work's harness: 1).
     */
    static final int FAST_PRETRAIN_EPOCHS = 1;

    /**
     * The default demo's encoder window L, the last L source tokens (evaluate: 100). 97 % of the
     * bundled pair's users have at most 32 source interactions, so the larger window is mostly
     * padding, and the Conv1D's backward pass, the largest cost of pre-training and of every epoch,
     * grows with L.
     */
    static final int FAST_SEQ_LEN = 32;

    @Override
    public Integer call() throws Exception {
        Path pair = data != null ? data : home().resolve("data").resolve("amazon-sport-phone");
        Path sourceDomain = pair.resolve("sport_phone");
        Path targetDomain = pair.resolve("phone_sport");
        if (!Files.isRegularFile(sourceDomain.resolve("train.txt"))
                || !Files.isRegularFile(targetDomain.resolve("train.txt"))) {
            throw new UsageError(
                    "--data: "
                            + pair
                            + " does not hold sport_phone/train.txt and phone_sport/train.txt");
        }
        PrintWriter out = spec.commandLine().getOut();
        String b = String.format(Locale.ROOT, "%s", beta);
        String s = Long.toString(seed);
        Path backfill = output.resolve("backfill");
        Path model = output.resolve("model");
        Path eval = output.resolve("evaluation");

        long start = System.nanoTime();
        // the baselines get evaluate's settings (--quick: fewer); the fast demo bounds the joint
        // model's epochs only
        ModelSettings settings =
                new ModelSettings(
                        seed,
                        32,
                        quick ? 3 : 10,
                        quick ? 3 : 50,
                        Runtime.getRuntime().availableProcessors());
        ModelSettings jointSettings =
                full
                        ? settings
                        : new ModelSettings(
                                seed,
                                settings.rank,
                                settings.alsIterations,
                                Math.min(settings.maxEpochs, FAST_MAX_EPOCHS),
                                settings.threads);
        if (!full) {
            out.println(
                    "Fast demo (at most about 2 minutes after the build on 2 cores): the whole pipeline with a"
                            + " smaller budget. Reduced: the joint model trains in the separate CF spaces only (not also in the"
                            + " collective one), at most "
                            + jointSettings.maxEpochs
                            + " epochs (evaluate: 50), "
                            + FAST_PRETRAIN_EPOCHS
                            + " encoder pre-training epoch (evaluate: 3), an encoder window of the last "
                            + FAST_SEQ_LEN
                            + " source items (evaluate: 100); compared with "
                            + String.join(", ", FAST_MODELS.subList(0, FAST_MODELS.size() - 1))
                            + " only, on one seed."
                            + " `demo --full` runs the complete table (every baseline, evaluate's settings; 7-9 minutes).");
            out.flush();
        }

        long t =
                step(
                        out,
                        1,
                        "backfill: the Flink job graph (BATCH) over both domains' files -> per-user profiles");
        run(
                "backfill",
                "--input",
                sourceDomain.toString(),
                "--format",
                "amazon-pair",
                "--output",
                backfill.toString());
        done(out, 1, "backfill", t, start);

        t =
                step(
                        out,
                        2,
                        "train: target-block ALS + CNN encoder on the source block + joint model; cold users' interests");
        PrintWriter err = spec.commandLine().getErr();
        EvalDatasets.Loaded pairData = EvalDatasets.amazonPair(sourceDomain, targetDomain);
        CrossDomainSplit split = pairData.split(beta, 0.1, seed);
        err.printf(
                Locale.ROOT,
                "train: %s; %d warm users train, %d cold users held out%n",
                pairData.summary(),
                split.warmUsers.length,
                split.validColdUsers.length + split.testColdUsers.length);
        // --full: the model of train and evaluate; the default: the same model with the smaller
        // budget above; its version, as train's by default, the UTC time
        long version = TrainCommand.defaultVersion();
        JointColdStartModel joint =
                full
                        ? TrainCommand.trainJoint(
                                split,
                                settings,
                                version,
                                model.resolve("bundle"),
                                model.resolve("cold-users.jsonl"),
                                10,
                                err,
                                "train")
                        : TrainCommand.trainJoint(
                                JointModelProvider.create(
                                        jointSettings, FAST_PRETRAIN_EPOCHS, FAST_SEQ_LEN, false),
                                split,
                                jointSettings,
                                version,
                                model.resolve("bundle"),
                                model.resolve("cold-users.jsonl"),
                                10,
                                err,
                                "train");
        String user = firstColdUser(model.resolve("cold-users.jsonl"));
        out.println(
                "  first cold users' recommendations (" + model.resolve("cold-users.jsonl") + "):");
        try (var lines = Files.lines(model.resolve("cold-users.jsonl"))) {
            lines.limit(3).forEach(l -> out.println("  " + abbreviate(l, 300)));
        }
        done(out, 2, "train", t, start);

        t =
                step(
                        out,
                        3,
                        "explain: which sport items drove cold user "
                                + user
                                + "'s phone recommendations");
        run(
                "explain",
                "--model",
                model.resolve("bundle").toString(),
                "--history",
                sourceDomain.resolve("train.txt").toString(),
                "--format",
                "amazon-pair",
                "--user",
                user,
                "--top",
                "3");
        done(out, 3, "explain", t, start);

        t =
                step(
                        out,
                        4,
                        "evaluate: the joint model next to "
                                + (full
                                        ? "the five baselines, source-knn and source-items"
                                        : "popularity, EMCDR, source-knn and source-items")
                                + " on held-out cold users (beta "
                                + b
                                + ", seed "
                                + s
                                + ")");
        // the baselines are fitted here; the joint model is the one fitted in step 2 on this very
        // split
        ModelRegistry registry = new ModelRegistry();
        for (ColdStartModelProvider p : ServiceLoader.load(ColdStartModelProvider.class)) {
            if (!p.name().equals(joint.name())) {
                registry.register(p);
            }
        }
        registry.register(new AlreadyFitted(joint, split));
        List<String> models = full ? registry.defaultNames() : FAST_MODELS;
        Files.createDirectories(eval);
        EvaluationResult result =
                EvaluationRun.run(
                        pairData.dataset,
                        beta,
                        List.of(seed),
                        x -> split,
                        models,
                        registry,
                        settings,
                        null,
                        msg -> {
                            err.println("evaluate: " + msg);
                            err.flush();
                        });
        EvaluationReport.write(
                result,
                eval,
                RunInfo.capture(
                        "demo --seed "
                                + s
                                + " --beta "
                                + b
                                + (full ? " --full" : "")
                                + (quick ? " --quick" : ""),
                        Path.of(System.getProperty("cross-interest.home", "."))));
        out.print(Files.readString(eval.resolve("report.md")));
        done(out, 4, "evaluate", t, start);

        out.println();
        if (!full) {
            out.println(
                    "This was the fast demo (reduced: the joint model in the separate CF spaces only, at most "
                            + jointSettings.maxEpochs
                            + " epochs, "
                            + FAST_PRETRAIN_EPOCHS
                            + " encoder pre-training epoch, a"
                            + " window of "
                            + FAST_SEQ_LEN
                            + " source items; four baselines). `demo --full` gives the complete"
                            + " table: every baseline, evaluate's settings.");
        }
        out.println("Done. Everything is under " + output.toAbsolutePath() + ":");
        out.println(
                "  " + backfill + "/      profiles (JSON lines) and dead letters of the backfill");
        out.println("  " + model + "/         the model bundle and cold-users.jsonl");
        out.println("  " + eval + "/    metrics.json, report.md and plots");
        out.flush();
        return CrossInterest.EXIT_OK;
    }

    /**
     * Runs one of the product's commands with this command's streams; a failure stops the demo with
     * its code.
     */
    private void run(String... args) {
        CommandLine root = CrossInterest.commandLine();
        root.setOut(spec.commandLine().getOut());
        root.setErr(spec.commandLine().getErr());
        int code = root.execute(args);
        if (code != CrossInterest.EXIT_OK) {
            throw new DemoStepFailed(args[0], code);
        }
    }

    /** The header of stage {@code n}; returns its start (System.nanoTime). */
    private static long step(PrintWriter out, int n, String what) {
        out.println();
        out.println("== [" + n + "/4] " + what);
        out.flush();
        return System.nanoTime();
    }

    /**
     * The progress line closing stage {@code n}: its elapsed seconds, the demo's so far, and the
     * CPU time of the JVM so far (on a shared machine the elapsed time depends on the load, the CPU
     * time much less).
     */
    private static void done(
            PrintWriter out, int n, String stage, long stageStart, long demoStart) {
        long now = System.nanoTime();
        out.println(
                String.format(
                        Locale.ROOT,
                        "== [%d/4] %s done in %.1f s (%.1f s since the start; JVM CPU %s)",
                        n,
                        stage,
                        (now - stageStart) / 1e9,
                        (now - demoStart) / 1e9,
                        cpuSeconds()));
        out.flush();
    }

    private static String cpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                && os.getProcessCpuTime() >= 0) {
            return String.format(Locale.ROOT, "%.1f s", os.getProcessCpuTime() / 1e9);
        }
        return "n/a";
    }

    /** The repository root: set by bin/cross-interest, else the working directory. */
    private static Path home() {
        String h = System.getProperty("cross-interest.home");
        return Path.of(h != null ? h : ".");
    }

    private static String firstColdUser(Path coldUsers) throws IOException {
        try (var lines = Files.lines(coldUsers)) {
            String first =
                    lines.findFirst()
                            .orElseThrow(
                                    () ->
                                            new IllegalStateException(
                                                    "no cold users in " + coldUsers));
            return new ObjectMapper().readTree(first).get("user").asText();
        }
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + " ...";
    }

    /**
     * The joint model fitted in step 2, offered to the evaluation under its own name: fitting it
     * again on the same split would give the same model (seeded) at the cost of minutes. Refuses
     * any other split.
     */
    static final class AlreadyFitted
            implements ColdStartModelProvider, ColdStartModel, SelectionReport {
        private final JointColdStartModel model;
        private final CrossDomainSplit fittedOn;

        AlreadyFitted(JointColdStartModel model, CrossDomainSplit fittedOn) {
            this.model = model;
            this.fittedOn = fittedOn;
        }

        @Override
        public String name() {
            return model.name();
        }

        @Override
        public ColdStartModel create(ModelSettings settings) {
            return this;
        }

        @Override
        public void fit(CrossDomainSplit split) {
            if (!split.dataset.equals(fittedOn.dataset)
                    || split.seed != fittedOn.seed
                    || !Arrays.equals(split.testColdUsers, fittedOn.testColdUsers)) {
                throw new IllegalArgumentException("the joint model was fitted on another split");
            }
        }

        @Override
        public void scoreItems(int user, double[] out) {
            model.scoreItems(user, out);
        }

        @Override
        public double[] categoryInterest(int user) {
            return model.categoryInterest(user);
        }

        @Override
        public Map<String, ColdStartEvaluator.UserScorer> parts() {
            return model.parts(); // "joint-deep": its deep path alone, from the same fit
        }

        @Override
        public String selection() {
            return model.selection();
        }
    }

    /** A step of the demo failed; its own message is already on stderr. */
    static final class DemoStepFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DemoStepFailed(String step, int code) {
            super("step '" + step + "' exited with " + code, null, false, false);
        }
    }
}

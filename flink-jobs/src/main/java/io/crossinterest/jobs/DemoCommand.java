package io.crossinterest.jobs;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code cross-interest demo}: the whole pipeline on the bundled Amazon sport–phone pair, by running the product's
 * own commands one after the other, as a user would:
 *
 * <ol>
 *   <li>{@code backfill}: the Flink job graph in BATCH mode over both domains' files: parse (dead letters), per-user
 *       aggregation into keyed state, profiles (a row of the user × category matrix O and the recent tokens);
 *   <li>{@code train}: target-block ALS, the CNN encoder pre-trained on the source block, the joint model; a versioned
 *       bundle; interests and top-N for held-out cold users;
 *   <li>{@code explain}: which source items drove one cold user's recommendations;
 *   <li>{@code evaluate}: the cold-start comparison table of the joint model and the five baselines.
 * </ol>
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The whole pipeline on the bundled Amazon sport-phone pair: backfill, train, explain, evaluate.")
public class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", description = "the bundled pair folder (default: data/amazon-sport-phone of the repository)")
    Path data;

    @Option(names = "--output", defaultValue = "demo-output", description = "output folder (default ${DEFAULT-VALUE})")
    Path output;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the split and the models (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--beta", defaultValue = "0.2", description = "fraction of users made cold (default ${DEFAULT-VALUE})")
    double beta;

    @Option(names = "--quick", description = "fewer iterations and epochs (a smoke run, not for the numbers)")
    boolean quick;

    @Override
    public Integer call() throws Exception {
        Path pair = data != null ? data : home().resolve("data").resolve("amazon-sport-phone");
        Path sourceDomain = pair.resolve("sport_phone");
        Path targetDomain = pair.resolve("phone_sport");
        if (!Files.isRegularFile(sourceDomain.resolve("train.txt")) || !Files.isRegularFile(targetDomain.resolve("train.txt"))) {
            throw new UsageError("--data: " + pair + " does not hold sport_phone/train.txt and phone_sport/train.txt");
        }
        PrintWriter out = spec.commandLine().getOut();
        String b = String.format(Locale.ROOT, "%s", beta);
        String s = Long.toString(seed);
        List<String> effort = quick ? List.of("--als-iterations", "3", "--max-epochs", "3")
                : List.of();
        Path backfill = output.resolve("backfill");
        Path model = output.resolve("model");
        Path eval = output.resolve("evaluation");

        step(out, 1, "backfill: the Flink job graph (BATCH) over both domains' files -> per-user profiles");
        run("backfill", "--input", sourceDomain.toString(), "--format", "amazon-pair", "--output", backfill.toString());

        step(out, 2, "train: target-block ALS + CNN encoder on the source block + joint model; cold users' interests");
        List<String> train = new ArrayList<>(List.of("train", "--format", "amazon-pair", "--source",
                sourceDomain.toString(), "--target", targetDomain.toString(), "--beta", b, "--seed", s,
                "--model-version", "demo-" + s, "--output", model.toString()));
        train.addAll(effort);
        run(train.toArray(String[]::new));
        String user = firstColdUser(model.resolve("cold-users.jsonl"));
        out.println("  first cold users' recommendations (" + model.resolve("cold-users.jsonl") + "):");
        try (var lines = Files.lines(model.resolve("cold-users.jsonl"))) {
            lines.limit(3).forEach(l -> out.println("  " + abbreviate(l, 300)));
        }

        step(out, 3, "explain: which sport items drove cold user " + user + "'s phone recommendations");
        run("explain", "--model", model.resolve("bundle").toString(), "--history",
                sourceDomain.resolve("train.txt").toString(), "--user", rawUserId(user), "--top", "3");

        step(out, 4, "evaluate: the joint model next to five baselines on held-out cold users (beta " + b + ", seed " + s + ")");
        List<String> evaluate = new ArrayList<>(List.of("evaluate", "--format", "amazon-pair", "--source",
                sourceDomain.toString(), "--target", targetDomain.toString(), "--beta", b, "--seeds", s,
                "--output", eval.toString()));
        evaluate.addAll(effort);
        run(evaluate.toArray(String[]::new));

        out.println();
        out.println("Done. Everything is under " + output.toAbsolutePath() + ":");
        out.println("  " + backfill + "/      profiles (JSON lines) and dead letters of the backfill");
        out.println("  " + model + "/         the model bundle and cold-users.jsonl");
        out.println("  " + eval + "/    metrics.json, report.md and plots");
        out.flush();
        return CrossInterest.EXIT_OK;
    }

    /** Runs one of the product's commands with this command's streams; a failure stops the demo with its code. */
    private void run(String... args) {
        CommandLine root = CrossInterest.commandLine();
        root.setOut(spec.commandLine().getOut());
        root.setErr(spec.commandLine().getErr());
        int code = root.execute(args);
        if (code != CrossInterest.EXIT_OK) {
            throw new DemoStepFailed(args[0], code);
        }
    }

    private static void step(PrintWriter out, int n, String what) {
        out.println();
        out.println("== [" + n + "/4] " + what);
        out.flush();
    }

    /** The repository root: set by bin/cross-interest, else the working directory. */
    private static Path home() {
        String h = System.getProperty("cross-interest.home");
        return Path.of(h != null ? h : ".");
    }

    private static String firstColdUser(Path coldUsers) throws java.io.IOException {
        try (var lines = Files.lines(coldUsers)) {
            String first = lines.findFirst().orElseThrow(() -> new IllegalStateException("no cold users in " + coldUsers));
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(first).get("user").asText();
        }
    }

    /** The id as it stands in the pair's train.txt (the adapter prefixes it with the pair name, "phone-sport:17"). */
    private static String rawUserId(String user) {
        int colon = user.lastIndexOf(':');
        return colon < 0 ? user : user.substring(colon + 1);
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + " ...";
    }

    /** A step of the demo failed; its own message is already on stderr. */
    static final class DemoStepFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DemoStepFailed(String step, int code) {
            super("step '" + step + "' exited with " + code, null, false, false);
        }
    }
}

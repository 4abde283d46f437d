package io.crossinterest.jobs;

import io.crossinterest.data.Ranking;
import io.crossinterest.eval.ColdStartModel;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.EvalDatasets;
import io.crossinterest.eval.ModelRegistry;
import io.crossinterest.eval.ModelSettings;
import io.crossinterest.eval.joint.JointColdStartModel;
import io.crossinterest.eval.joint.JointModelProvider;
import io.crossinterest.joint.JointBundle;
import io.crossinterest.joint.JointFitReport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code cross-interest train}: fits the joint transfer model (target-block ALS, the CNN encoder
 * pre-trained on the source block, the joint layers) on a cross-domain data set, saves it as a
 * versioned model bundle that the stream job and {@code explain} load, and maps the cold users: for
 * each held-out cold user, the interest over the target categories (I_u) and the top-N target items
 * (C_u), from their source behaviour alone.
 *
 * <p>The cold users are drawn as in {@code evaluate} (β of the users active in both blocks,
 * seeded), so the written recommendations can be checked against the target rows that were hidden
 * from training ({@code heldOut}, {@code hits}).
 *
 * <pre>
 * train --format amazon-pair --source data/amazon-sport-phone/sport_phone --target data/amazon-sport-phone/phone_sport \
 *       --beta 0.2 --seed 1 --output out/model
 * </pre>
 *
 * Writes {@code OUTPUT/bundle/} (the model bundle) and {@code OUTPUT/cold-users.jsonl}.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description =
                "Fit the joint transfer model, save a versioned bundle, and map cold users' interests.")
public class TrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin CrossDomainOptions data;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "seed of the split and the model (default ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--top-n",
            defaultValue = "10",
            description = "items per cold user (default ${DEFAULT-VALUE})")
    int topN;

    @Option(
            names = "--model-version",
            paramLabel = "N",
            description =
                    "the model's version, a whole number >= 0, written into the bundle; every output of the "
                            + "model names it and a stream job swaps only to a greater one (default: the UTC time "
                            + "as yyyyMMddHHmmss, so a later training gets a greater version)")
    Long modelVersion;

    @Option(
            names = "--output",
            required = true,
            description = "output folder (bundle/ and cold-users.jsonl)")
    Path output;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        String fmt = data.checkedFormat(cl);
        if (topN < 1) {
            throw new CommandLine.ParameterException(cl, "--top-n: must be >= 1, got " + topN);
        }
        if (modelVersion != null && modelVersion < 0) {
            throw new CommandLine.ParameterException(
                    cl, "--model-version: must be >= 0, got " + modelVersion);
        }
        ModelSettings settings = data.settings(cl, seed);
        long version = modelVersion != null ? modelVersion : defaultVersion();
        PrintWriter err = cl.getErr();

        EvalDatasets.Loaded loaded = data.load(fmt);
        progress(err, "read " + loaded.summary());
        CrossDomainSplit split = data.split(loaded, seed);
        progress(
                err,
                String.format(
                        Locale.ROOT,
                        "%d warm users train the model; %d cold users are held out "
                                + "(%d for early stopping)",
                        split.warmUsers.length,
                        split.testColdUsers.length + split.validColdUsers.length,
                        split.validColdUsers.length));

        Path bundleDir = output.resolve("bundle");
        trainJoint(
                split,
                settings,
                version,
                bundleDir,
                output.resolve("cold-users.jsonl"),
                topN,
                err,
                "train");
        cl.getOut().println(bundleDir);
        return CrossInterest.EXIT_OK;
    }

    /**
     * The version of a model trained now when none is given: the UTC time as the number
     * yyyyMMddHHmmss (e.g. 20250114093000), so a later training gets a greater version.
     */
    static long defaultVersion() {
        return Long.parseLong(
                ZonedDateTime.now(ZoneOffset.UTC)
                        .format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss")));
    }

    /**
     * Fits the joint model on {@code split} without its test rows, saves the bundle of model
     * version {@code version} to {@code bundleDir} and writes the test cold users' interests and
     * top-N to {@code coldUsersFile}; returns the fitted model.
     */
    static JointColdStartModel trainJoint(
            CrossDomainSplit split,
            ModelSettings settings,
            long version,
            Path bundleDir,
            Path coldUsersFile,
            int topN,
            PrintWriter err,
            String who)
            throws IOException {
        ColdStartModel m = ModelRegistry.fromClassPath().create(JointModelProvider.NAME, settings);
        if (!(m instanceof JointColdStartModel)) {
            throw new IllegalStateException(
                    "the model registered as 'joint' is " + m.getClass().getName());
        }
        return trainJoint(
                (JointColdStartModel) m,
                split,
                settings,
                version,
                bundleDir,
                coldUsersFile,
                topN,
                err,
                who);
    }

    /**
     * As above with a joint model created by the caller (not yet fitted), e.g. the demo's with a
     * smaller budget.
     */
    static JointColdStartModel trainJoint(
            JointColdStartModel joint,
            CrossDomainSplit split,
            ModelSettings settings,
            long version,
            Path bundleDir,
            Path coldUsersFile,
            int topN,
            PrintWriter err,
            String who)
            throws IOException {
        long t0 = System.nanoTime();
        joint.fit(split.withoutTest());
        JointFitReport report = joint.model().report();
        progress(
                err,
                who,
                String.format(
                        Locale.ROOT,
                        "fitted in %.1f s (best epoch %d of %d)",
                        (System.nanoTime() - t0) / 1e9,
                        report.bestEpoch(),
                        report.history().size()));
        JointBundle.save(joint.model(), bundleDir, version);
        progress(err, who, "saved model version " + version + " to " + bundleDir);
        ColdUserSummary s =
                writeColdUsers(joint, split, version, coldUsersFile, topN, settings.seed);
        progress(
                err,
                who,
                String.format(
                        Locale.ROOT,
                        "mapped %d cold users to %s: %d of them (%.1f%%) have a held-out target item in their top %d",
                        s.users,
                        coldUsersFile,
                        s.usersWithHit,
                        100.0 * s.usersWithHit / Math.max(1, s.users),
                        topN));
        return joint;
    }

    /** How many cold users were written, and how many have a held-out item among their top N. */
    record ColdUserSummary(int users, int usersWithHit) {}

    /**
     * One JSON line per test cold user: {@code user, modelVersion, interests} (I_u over the target
     * categories, when the model has them), {@code top} (C_u's best N target items with scores),
     * {@code heldOut} (the target items hidden from training) and {@code hits} (how many of those
     * are in {@code top}).
     */
    private static ColdUserSummary writeColdUsers(
            JointColdStartModel joint,
            CrossDomainSplit split,
            long version,
            Path file,
            int topN,
            long seed)
            throws IOException {
        Files.createDirectories(file.getParent());
        ObjectMapper json = new ObjectMapper();
        double[] scores = new double[split.numTargetItems()];
        boolean[] seen = new boolean[split.numTargetItems()];
        int withHit = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int u : split.testColdUsers) {
                joint.scoreItems(u, scores);
                split.markSeen(
                        u, seen, true, false); // its training row (none for a cold user) and twins
                int[] top = Ranking.topK(scores, seen, topN, seed);
                split.markSeen(u, seen, false, false);
                ObjectNode o = json.createObjectNode();
                o.put("user", split.users.id(u));
                o.put("modelVersion", version);
                double[] interest = joint.categoryInterest(u);
                if (interest != null) {
                    ObjectNode in = o.putObject("interests");
                    for (int c = 0; c < interest.length; c++) {
                        in.put(split.targetCategories.id(c), interest[c]);
                    }
                }
                ArrayNode items = o.putArray("top");
                for (int i : top) {
                    items.addObject().put("item", split.targetItems.id(i)).put("score", scores[i]);
                }
                ArrayNode held = o.putArray("heldOut");
                int hits = 0;
                for (int k = split.targetTest.rowStart(u); k < split.targetTest.rowEnd(u); k++) {
                    int item = split.targetTest.col(k);
                    held.add(split.targetItems.id(item));
                    for (int t : top) {
                        hits += t == item ? 1 : 0;
                    }
                }
                o.put("hits", hits);
                withHit += hits > 0 ? 1 : 0;
                w.write(json.writeValueAsString(o));
                w.write('\n');
            }
        }
        return new ColdUserSummary(split.testColdUsers.length, withHit);
    }

    private static void progress(PrintWriter err, String msg) {
        progress(err, "train", msg);
    }

    private static void progress(PrintWriter err, String who, String msg) {
        err.println(who + ": " + msg);
        err.flush();
    }
}

package io.crossinterest.serving;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.cf.als.AlsResult;
import io.crossinterest.cf.als.ImplicitAls;
import io.crossinterest.data.CrossDomainData;
import io.crossinterest.data.IdIndex;
import io.crossinterest.data.InteractionMatrix;
import io.crossinterest.encoder.EncoderConfig;
import io.crossinterest.encoder.TokenScheme;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.ingest.EventJson;
import io.crossinterest.joint.CfFactors;
import io.crossinterest.joint.CfSpace;
import io.crossinterest.joint.JointBundle;
import io.crossinterest.joint.JointEstimator;
import io.crossinterest.joint.JointModel;
import io.crossinterest.joint.JointParams;
import io.crossinterest.joint.JointScorer;
import io.crossinterest.joint.JointScoringFunction;
import io.crossinterest.joint.SourceHistory;
import io.crossinterest.joint.UserScores;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two small joint-model bundles trained on planted data, shared by the serving tests (trained once
 * per test JVM, a few seconds each), and the helpers that check a stream output against the bundle
 * it names.
 *
 * <p>Planted data: 4 taste groups; the source block is one category ({@code books}, items s0..s39,
 * 10 per group), the target block two ({@code music}: items of groups 0 and 1, {@code movies}:
 * groups 2 and 3, t0..t39). A user of group g reads 5 of the group's source items and uses 4 of its
 * target items. Version 1 and version 2 (their bundles' model versions) are the same recipe with
 * different seeds, so their scores differ.
 */
public final class PlantedModels {
    public static final String SOURCE = "books";
    public static final List<String> TARGET = List.of("music", "movies");
    static final int GROUPS = 4;
    static final int PER_GROUP = 10;

    /**
     * Event time of the planted streams: 2023-11-14, well inside the JSON parser's accepted range.
     */
    public static final long T0 = 1_700_000_000_000L;

    private static Path v1;
    private static Path v2;

    private PlantedModels() {}

    /** The bundle of model version 1 (seed 1). */
    public static synchronized Path v1() throws IOException {
        train();
        return v1;
    }

    /** The bundle of model version 2 (seed 2). */
    public static synchronized Path v2() throws IOException {
        train();
        return v2;
    }

    private static void train() throws IOException {
        if (v1 != null) {
            return;
        }
        Path root = Files.createTempDirectory("planted-bundles");
        CrossDomainSplit split = split(5L);
        v1 = root.resolve("v1");
        v2 = root.resolve("v2");
        save(split, 1L, v1, 1L);
        save(split, 2L, v2, 2L);
    }

    private static void save(CrossDomainSplit split, long seed, Path dir, long version)
            throws IOException {
        EncoderConfig enc =
                new EncoderConfig(
                        TokenScheme.ITEMS, 64, 20, 16, 8, 5, 4, 16, 5e-3, 32, 1, 0.2, seed);
        JointParams params =
                JointParams.revisedFormulation()
                        .withEncoder(enc)
                        .withTraining(5e-3, 32, 2, 1)
                        .withSeed(seed);
        JointModel m =
                new JointEstimator(params, CfSpace.given(s -> als(s, seed), null, null))
                        .fit(split.withoutTest());
        JointBundle.save(m, dir, version);
    }

    private static CfFactors als(CrossDomainData s, long seed) {
        AlsConfig c =
                new AlsConfig(
                        8,
                        8,
                        0.1,
                        10.0,
                        AlsConfig.Regularization.L2,
                        AlsConfig.Solver.CHOLESKY,
                        3,
                        seed,
                        1);
        AlsResult r = new ImplicitAls(c).fit(s.targetTrain);
        return new CfFactors(
                8,
                s.targetTrain.numRows(),
                s.targetTrain.numCols(),
                r.users.data(),
                r.items.data());
    }

    /** 120 users: 90 warm, 10 validation cold, 20 test cold. */
    static CrossDomainSplit split(long seed) {
        int users = 120;
        Random rnd = new Random(seed);
        IdIndex u = new IdIndex();
        IdIndex si = new IdIndex();
        IdIndex ti = new IdIndex();
        IdIndex sc = new IdIndex();
        sc.add(SOURCE);
        IdIndex tc = new IdIndex();
        TARGET.forEach(tc::add);
        int n = GROUPS * PER_GROUP;
        int[][] sic = new int[n][];
        int[][] tic = new int[n][];
        for (int i = 0; i < n; i++) {
            si.add("s" + i);
            ti.add("t" + i);
            sic[i] = new int[] {0};
            tic[i] = new int[] {i / PER_GROUP < 2 ? 0 : 1};
        }
        InteractionMatrix.Builder s = new InteractionMatrix.Builder(users, n);
        InteractionMatrix.Builder tr = new InteractionMatrix.Builder(users, n);
        InteractionMatrix.Builder va = new InteractionMatrix.Builder(users, n);
        InteractionMatrix.Builder te = new InteractionMatrix.Builder(users, n);
        int[] role = new int[users];
        for (int x = 0; x < users; x++) {
            u.add("u" + x);
            int g = x % GROUPS;
            role[x] = x < 90 ? 0 : x < 100 ? 1 : 2;
            for (int v : distinct(rnd, 5)) {
                s.add(x, g * PER_GROUP + v, 1.0);
            }
            InteractionMatrix.Builder t = role[x] == 0 ? tr : role[x] == 1 ? va : te;
            for (int v : distinct(rnd, 4)) {
                t.add(x, g * PER_GROUP + v, 1.0);
            }
        }
        int[] warm = IntStream.range(0, users).filter(x -> role[x] == 0).toArray();
        int[] valid = IntStream.range(0, users).filter(x -> role[x] == 1).toArray();
        int[] test = IntStream.range(0, users).filter(x -> role[x] == 2).toArray();
        return new CrossDomainSplit(
                "planted-serving",
                u,
                si,
                ti,
                s.build(),
                tr.build(),
                va.build(),
                te.build(),
                warm,
                valid,
                test,
                sc,
                tc,
                sic,
                tic,
                seed);
    }

    private static int[] distinct(Random rnd, int k) {
        int[] perm = IntStream.range(0, PER_GROUP).toArray();
        for (int i = 0; i < k; i++) {
            int j = i + rnd.nextInt(PER_GROUP - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return Arrays.copyOf(perm, k);
    }

    /**
     * {@code count} source-block events (books) of a stream user of group {@code g}, at t, t+1 s,
     * ...
     */
    public static List<BehaviorEvent> sourceEvents(
            String user, int g, int count, long t, Random rnd) {
        List<BehaviorEvent> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String item = "s" + (g * PER_GROUP + rnd.nextInt(PER_GROUP));
            out.add(
                    new BehaviorEvent(
                            user,
                            item,
                            SOURCE,
                            i % 3 == 0 ? Behavior.BUY : Behavior.PV,
                            1.0,
                            t + i * 1000L));
        }
        return out;
    }

    /** One target-block event (a music or movies item): not part of the encoder's input. */
    public static BehaviorEvent targetEvent(String user, int item, long t) {
        return new BehaviorEvent(
                user, "t" + item, TARGET.get(item / PER_GROUP < 2 ? 0 : 1), Behavior.PV, 1.0, t);
    }

    public static List<String> jsonLines(List<BehaviorEvent> events) {
        EventJson json = new EventJson();
        return events.stream().map(json::toJson).toList();
    }

    /**
     * A user's source-block history (books items, oldest first) after {@code events}, as the scorer
     * sees it.
     */
    public static SourceHistory history(String user, List<BehaviorEvent> events) {
        List<BehaviorEvent> mine =
                events.stream()
                        .filter(e -> e.user.equals(user) && SOURCE.equals(e.category))
                        .sorted((a, b) -> Long.compare(a.timestamp, b.timestamp))
                        .toList();
        return new SourceHistory(
                user,
                mine.stream().map(e -> e.item).toArray(String[]::new),
                mine.stream().map(e -> e.category).toArray(String[]::new));
    }

    /** Reference scorers by model version, loaded outside Flink. */
    public static final class Reference {
        private final Map<Long, JointScoringFunction> byVersion = new HashMap<>();

        public Reference(Path... bundles) throws Exception {
            for (Path b : bundles) {
                JointScoringFunction fn = new JointScoringFunction(b.toString(), 5);
                fn.open();
                byVersion.put(fn.bundle().modelVersion(), fn);
            }
        }

        /** All target-item scores of {@code h} under the model of {@code version}. */
        double[] allScores(long version, SourceHistory h) {
            JointScoringFunction fn = byVersion.get(version);
            assertNotNull(fn, "an output names an unknown model " + version);
            JointBundle b = fn.bundle();
            JointScorer.Encoded enc = b.scorer().encode(List.of(JointScoringFunction.tokens(b, h)));
            double[] scores = new double[b.scorer().numItems()];
            b.scorer()
                    .itemScores(
                            enc.phat()[0],
                            enc.interest() == null ? null : enc.interest()[0],
                            scores);
            return scores;
        }

        /**
         * Asserts that {@code out} is exactly what the model it names computes for {@code h}: every
         * listed item has the model's score for it, the list is that model's top-N, and the
         * interests are its softmax(I_u). An output mixing two models (e.g. items of one, scores or
         * interests of another) fails.
         */
        public void assertMadeBy(UserScores out, SourceHistory h) {
            JointBundle b =
                    byVersion.get(out.modelVersion) == null
                            ? null
                            : byVersion.get(out.modelVersion).bundle();
            assertNotNull(b, "an output names an unknown model " + out.modelVersion);
            double[] all = allScores(out.modelVersion, h);
            List<String> ids = b.targetItemIds();
            double kth = Double.POSITIVE_INFINITY;
            for (int i = 0; i < out.topItems.length; i++) {
                double want = all[ids.indexOf(out.topItems[i])];
                assertEquals(
                        want,
                        out.topScores[i],
                        1e-4 * Math.max(1, Math.abs(want)),
                        out.userId + " item " + out.topItems[i] + " under " + out.modelVersion);
                kth = Math.min(kth, out.topScores[i]);
            }
            List<String> listed = Arrays.asList(out.topItems);
            for (int v = 0; v < all.length; v++) {
                if (!listed.contains(ids.get(v))) {
                    assertTrue(
                            all[v] <= kth + 1e-4,
                            out.userId
                                    + ": "
                                    + ids.get(v)
                                    + " scores "
                                    + all[v]
                                    + " above the listed minimum "
                                    + kth
                                    + " under "
                                    + out.modelVersion);
                }
            }
            JointScorer.Encoded enc = b.scorer().encode(List.of(JointScoringFunction.tokens(b, h)));
            double[] interest = JointScorer.interestDistribution(enc.interest()[0]);
            assertEquals(TARGET, Arrays.asList(out.categories));
            for (int c = 0; c < interest.length; c++) {
                assertEquals(
                        interest[c],
                        out.interest[c],
                        1e-4,
                        out.userId + " interest in " + TARGET.get(c));
            }
        }
    }
}

package io.crossinterest.joint;

import io.crossinterest.encoder.CnnEncoder;
import io.crossinterest.encoder.EncoderConfig;
import io.crossinterest.encoder.SourceTokenizer;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.pipeline.ScoringStage;
import io.crossinterest.profile.UserProfile;
import io.crossinterest.serving.ScoringConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JointModelTest {
    static CrossDomainSplit split;
    static Fitted model;

    @BeforeAll
    static void fit() {
        split = Planted.split(11L);
        model = Fitted.fit(Planted.tinyJoint(), Planted::als, split);
    }

    @Test
    void plantedTransferRanksTheColdUsersGroupFarAbovePopularity() {
        double joint =
                Splits.meanNdcg(
                        split, split.testColdUsers, split.targetTest, model::scoreItems, 10);
        double[] pop = Splits.popularity(split);
        double popularity =
                Splits.meanNdcg(
                        split,
                        split.testColdUsers,
                        split.targetTest,
                        (u, out) -> System.arraycopy(pop, 0, out, 0, pop.length),
                        10);
        // 4 of the group's 10 items are relevant; ranking the group first gives NDCG@10 ≈ 0.6-1,
        // chance ≈ 0.25
        assertTrue(joint > 0.5, "joint NDCG@10 " + joint);
        assertTrue(joint > 2 * popularity, "joint " + joint + " vs popularity " + popularity);
    }

    @Test
    void trainingLowersTheLossAndStopsEarlyOnValidation() {
        List<JointFitReport.Epoch> h = model.history();
        assertTrue(h.get(h.size() - 1).trainLoss() < h.get(0).trainLoss(), h.toString());
        assertTrue(
                h.get(model.bestEpoch()).validLoss() < h.get(0).validLoss()
                        || model.bestEpoch() == 0,
                h.toString());
        // stopped by patience before maxEpochs, keeping the best validation epoch
        assertTrue(h.size() < model.params().maxEpochs, "ran all " + h.size() + " epochs");
        assertEquals(model.bestEpoch() + 1 + model.params().patience, h.size());
        assertTrue(model.bestEpoch() >= 0, "training improved on the starting point");
        double best = h.stream().mapToDouble(JointFitReport.Epoch::validNdcg10).max().orElseThrow();
        assertEquals(best, h.get(model.bestEpoch()).validNdcg10());
        assertEquals(
                String.format(
                        Locale.ROOT,
                        "epoch=%d of %d, validation ndcg@10=%.4f",
                        model.bestEpoch() + 1,
                        h.size(),
                        best),
                model.selection()); // the report's selection column
        double[] pre = model.pretrainLosses();
        assertTrue(pre[pre.length - 1] < pre[0], Arrays.toString(pre));
    }

    /**
     * The scorer's projected encoder + P̂/I layers give the graph's forward pass, with and without
     * source folding.
     */
    @Test
    void theScorerGivesTheGraphsForwardPass() {
        // folding s_u in, and the I_u layer (the W4 head's input): the merge vertex and the second
        // layer
        Fitted folded =
                Fitted.fit(
                        Planted.tinyJoint()
                                .withSourceFolding(true)
                                .withWeights(1, 1, 1, 1, 0)
                                .withTraining(5e-3, 32, 1, 1),
                        Planted::als,
                        AlsTargetFactorizer.sourceBlock(SourceFoldingTest.ALS),
                        SourceFoldingTest.ALS,
                        Planted.split(11L));
        for (Fitted m : List.of(model, folded)) {
            List<int[]> tokens = new ArrayList<>();
            for (int u = 0; u < split.numUsers(); u++) {
                tokens.add(m.userTokens(u));
            }
            JointScorer.Encoded fast = m.scorer().encode(tokens);
            JointScorer.Encoded graph = m.scorer().encodeByGraph(tokens);
            assertEquals(m.scorer().hasInterest(), fast.interest() != null);
            for (int u = 0; u < tokens.size(); u++) {
                assertArrayEquals(graph.phat()[u], fast.phat()[u], 1e-5f, "P̂ of user " + u);
                if (graph.interest() != null) {
                    assertArrayEquals(
                            graph.interest()[u], fast.interest()[u], 1e-5f, "I of user " + u);
                }
            }
        }
        assertNotNull(folded.scorer().folding());
        assertTrue(folded.scorer().hasInterest());
    }

    /**
     * PQ item scores are P̂_u·Q_v + b_v summed over the factors in order, to the bit: the kernel
     * that runs factor by factor over all items (and, for a batch, block by block) adds the same
     * terms in the same order as one dot product per item; a batch scores as its users one by one.
     */
    @Test
    void itemScoresAreTheDotProductsToTheBitAlsoInABatch() {
        JointScorer s = model.scorer();
        assertEquals(ScoringPath.PQ, s.path());
        List<int[]> tokens = new ArrayList<>();
        for (int u = 0; u < split.numUsers(); u++) {
            tokens.add(model.userTokens(u));
        }
        JointScorer.Encoded enc = s.encode(tokens);
        int k = s.rank();
        float[] q = s.itemFactors();
        INDArray b =
                s.graph().getVertex(JointNetwork.RANK) == null
                        ? null
                        : s.graph().getLayer(JointNetwork.RANK).paramTable().get("b");
        double[][] batch = new double[tokens.size()][s.numItems()];
        s.itemScores(tokens, enc, batch);
        for (int u = 0; u < tokens.size(); u++) {
            float[] interest = enc.interest() == null ? null : enc.interest()[u];
            double[] deep = new double[s.numItems()];
            s.itemScores(enc.phat()[u], interest, deep);
            double[] want = new double[s.numItems()];
            for (int v = 0; v < want.length; v++) {
                double x = b == null ? 0.0 : b.getFloat(v);
                for (int j = 0; j < k; j++) {
                    x += (double) enc.phat()[u][j] * q[v * k + j];
                }
                want[v] = x;
            }
            assertArrayEquals(want, deep, 0.0, "user " + u);
            double[] one = new double[s.numItems()];
            s.itemScores(tokens.get(u), enc.phat()[u], interest, one);
            assertArrayEquals(one, batch[u], 0.0, "user " + u + " in the batch");
        }
    }

    @Test
    void bundleSaveLoadGivesIdenticalScores(@TempDir Path dir) throws Exception {
        JointBundle.Metadata md = JointBundle.save(model.model(), dir, 7);
        assertEquals(JointBundle.FORMAT_VERSION, md.formatVersion());
        JointBundle b = JointBundle.load(dir);
        assertEquals(7, b.modelVersion());
        assertEquals(split.targetItems.ids(), b.targetItemIds());
        int[][] tokens = new int[split.numUsers()][];
        for (int u = 0; u < tokens.length; u++) {
            tokens[u] = model.userTokens(u);
        }
        JointScorer.Encoded enc = b.scorer().encodeAll(tokens);
        double[] expected = new double[split.numTargetItems()];
        double[] actual = new double[split.numTargetItems()];
        for (int u : split.testColdUsers) {
            model.scoreItems(u, expected);
            b.scorer()
                    .itemScores(
                            enc.phat()[u],
                            enc.interest() == null ? null : enc.interest()[u],
                            actual);
            assertArrayEquals(expected, actual, 0.0, "user " + u);
        }
        // the stream function tokenizes raw ids: same scores as the model for a cold user
        int u = split.testColdUsers[0];
        JointScoringFunction fn = new JointScoringFunction(dir.toString(), 5);
        fn.open();
        String[] items = Arrays.stream(sourceItemsOf(u)).toArray(String[]::new);
        UserScores out = fn.apply(List.of(new SourceHistory("u", items, null))).get(0);
        model.scoreItems(u, expected);
        int[] top = JointModel.topK(expected, 5);
        for (int i = 0; i < 5; i++) {
            assertEquals(split.targetItems.id(top[i]), out.topItems[i]);
            assertEquals(expected[top[i]], out.topScores[i], 1e-6);
        }
        assertEquals(7, out.modelVersion);
    }

    /**
     * Format 6 stores the model version as a number; a bundle of formats 1 to 5 stored a label
     * there, whose version is the label as a number when it is all digits, else 0.
     */
    @Test
    void theModelVersionIsANumberAndOlderBundlesLabelsBecomeOne(@TempDir Path dir)
            throws Exception {
        assertThrows(
                IllegalArgumentException.class, () -> JointBundle.save(model.model(), dir, -1));
        JointBundle.save(model.model(), dir, 20240501120000L);
        assertEquals(20240501120000L, JointBundle.readMetadata(dir).modelVersion());
        assertEquals(
                20240501120000L,
                new ObjectMapper()
                        .readTree(dir.resolve(JointBundle.METADATA).toFile())
                        .get("modelVersion")
                        .asLong());

        // a format-5 bundle as the build before this one wrote it: the same files, a string label
        for (String[] c :
                new String[][] {
                    {"joint-7", "0"},
                    {"12", "12"},
                    {"007", "7"},
                    {"", "0"},
                    {"99999999999999999999", "0"}, // does not fit a long
                }) {
            rewriteMetadata(dir, 5, TextNode.valueOf(c[0]));
            JointBundle b = JointBundle.load(dir);
            assertEquals(Long.parseLong(c[1]), b.modelVersion(), "label '" + c[0] + "'");
            assertEquals(5, b.metadata().formatVersion());
        }
        // format 6 takes a whole number >= 0 only
        for (JsonNode bad :
                List.<JsonNode>of(
                        TextNode.valueOf("7"), LongNode.valueOf(-3), DoubleNode.valueOf(1.5))) {
            rewriteMetadata(dir, 6, bad);
            IOException e = assertThrows(IOException.class, () -> JointBundle.readMetadata(dir));
            assertTrue(
                    e.getMessage().contains("modelVersion must be a whole number >= 0"),
                    e.getMessage());
        }
    }

    private static void rewriteMetadata(Path dir, int format, JsonNode modelVersion)
            throws IOException {
        ObjectMapper json = new ObjectMapper();
        Path file = dir.resolve(JointBundle.METADATA);
        ObjectNode md = (ObjectNode) json.readTree(file.toFile());
        md.put("formatVersion", format);
        md.set("modelVersion", modelVersion);
        json.writeValue(file.toFile(), md);
    }

    /**
     * A target item that is the twin of an item in the user's source history is never in the
     * stream's top-N.
     */
    @Test
    void theStreamScorerNeverRecommendsATwinOfTheUsersOwnSourceItems(@TempDir Path dir)
            throws Exception {
        JointBundle.save(model.model(), dir, 1);
        int u = split.testColdUsers[0];
        String[] items = Arrays.stream(sourceItemsOf(u)).toArray(String[]::new);
        double[] expected = new double[split.numTargetItems()];
        model.scoreItems(u, expected);
        int[] top = JointModel.topK(expected, 6);
        // the user's best two target items become twins of one of their source items, and of an
        // item they lack
        Files.writeString(
                dir.resolve(JointBundle.TWINS),
                items[0]
                        + "\t"
                        + split.targetItems.id(top[0])
                        + "\n"
                        + items[0]
                        + "\t"
                        + split.targetItems.id(top[1])
                        + "\nnot-in-history\t"
                        + split.targetItems.id(top[2])
                        + "\n");
        JointScoringFunction fn = new JointScoringFunction(dir.toString(), 4);
        fn.open();
        assertEquals(3, fn.bundle().twins().numPairs());
        UserScores out = fn.apply(List.of(new SourceHistory("u", items, null))).get(0);
        String[] want = {
            split.targetItems.id(top[2]),
            split.targetItems.id(top[3]),
            split.targetItems.id(top[4]),
            split.targetItems.id(top[5])
        };
        assertArrayEquals(want, out.topItems, "the two twins drop out, the rest moves up");
        // explain ranks the same items
        Explainer.Explanation e =
                Explainer.explain(fn.bundle(), new SourceHistory("u", items, null), 4, 1);
        assertEquals(want[0], e.items().get(0).target());
        // a twin map naming an item outside the bundle's catalogue is refused with the line
        Files.writeString(dir.resolve(JointBundle.TWINS), items[0] + "\tno-such-item\n");
        IOException bad = Assertions.assertThrows(IOException.class, () -> JointBundle.load(dir));
        assertTrue(bad.getMessage().contains("twins.tsv:1"), bad.getMessage());
    }

    /**
     * Issue #14: the stream job's history is the user's events in time order, with repeats;
     * training's input is the distinct items in index order. With the bundle's source-item order
     * the stream scores a cold user's events exactly as {@code train} scores the user (same top 10,
     * same scores); without it (a bundle from before), the same events in another order give other
     * scores.
     */
    @Test
    void streamScoringOfEventsInTimeOrderWithRepeatsMatchesOffline(@TempDir Path dir)
            throws Exception {
        JointBundle.save(model.model(), dir, 1);
        JointScoringFunction fn = new JointScoringFunction(dir.toString(), 10);
        fn.open();
        Random rnd = new Random(5);
        double[] expected = new double[split.numTargetItems()];
        List<SourceHistory> histories = new ArrayList<>();
        for (int u : split.testColdUsers) {
            List<String> events = new ArrayList<>(Arrays.asList(sourceItemsOf(u)));
            int distinct = events.size();
            for (int r = 0;
                    r < distinct;
                    r++) { // repeated behaviour on some items (a view, then a cart, ...)
                events.add(events.get(rnd.nextInt(distinct)));
            }
            Collections.shuffle(events, rnd); // arrival order is not training's item order
            histories.add(
                    new SourceHistory(split.users.id(u), events.toArray(String[]::new), null));
        }
        List<UserScores> out = fn.apply(histories);
        for (int r = 0; r < histories.size(); r++) {
            int u = split.testColdUsers[r];
            model.scoreItems(u, expected);
            int[] top = JointModel.topK(expected, 10);
            for (int i = 0; i < top.length; i++) {
                assertEquals(
                        split.targetItems.id(top[i]),
                        out.get(r).topItems[i],
                        "user " + u + " rank " + i);
                assertEquals(
                        expected[top[i]],
                        out.get(r).topScores[i],
                        1e-6,
                        "user " + u + " rank " + i);
            }
        }

        Files.delete(
                dir.resolve(
                        JointBundle.SOURCE_ITEMS)); // a bundle without the order: scored in event
        // order
        JointScoringFunction eventOrder = new JointScoringFunction(dir.toString(), 10);
        eventOrder.open();
        List<UserScores> skewed = eventOrder.apply(histories);
        long differ = 0;
        for (int r = 0; r < histories.size(); r++) {
            differ += Arrays.equals(out.get(r).topScores, skewed.get(r).topScores) ? 0 : 1;
        }
        assertTrue(
                differ > 0, "event order and repeats change the encoder's input, hence the scores");
    }

    @Test
    void streamScoringLoadsTheBundlePerSubtaskAndEmitsOneResultPerUser(@TempDir Path dir)
            throws Exception {
        JointBundle.save(model.model(), dir, 3);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        List<UserProfile> in = new ArrayList<>();
        for (int u : split.testColdUsers) {
            UserProfile p = new UserProfile();
            p.user = split.users.id(u);
            p.recentItems = sourceItemsOf(u);
            in.add(p);
        }
        // the stream's scoring stage (micro-batches of at most 16 users), the bundle announced on
        // the control input by its path only: the version is read from it
        ScoringStage.Outputs stage =
                ScoringStage.build(
                        env.fromData(in).rebalance(),
                        env.fromData("{\"bundle\": \"" + dir + "\"}"),
                        ScoringConfig.defaults().withTopN(3).withBatching(16, 50L));
        List<UserScores> out = new ArrayList<>();
        stage.scores.executeAndCollect().forEachRemaining(out::add);
        assertEquals(in.size(), out.size());
        double[] expected = new double[split.numTargetItems()];
        for (UserScores r : out) {
            assertEquals(3, r.modelVersion);
            model.scoreItems(split.users.indexOf(r.userId), expected);
            assertEquals(
                    split.targetItems.id(JointModel.topK(expected, 1)[0]), r.topItems[0], r.userId);
        }
        assertEquals(in.size(), out.stream().map(r -> r.userId).distinct().count());
    }

    @Test
    void loadingRejectsANewerFormatAndAMissingBundle(@TempDir Path dir) throws Exception {
        assertThrows(IOException.class, () -> JointBundle.load(dir));
        JointBundle.save(model.model(), dir, 1);
        Path md = dir.resolve(JointBundle.METADATA);
        Files.writeString(
                md,
                Files.readString(md)
                        .replace(
                                "\"formatVersion\" : " + JointBundle.FORMAT_VERSION,
                                "\"formatVersion\" : 99"));
        IOException e = assertThrows(IOException.class, () -> JointBundle.load(dir));
        assertTrue(e.getMessage().contains("format version 99"), e.getMessage());
    }

    @Test
    void explanationsNameTheUsersOwnGroupAsTheDriver(@TempDir Path dir) throws Exception {
        JointBundle.save(model.model(), dir, 1);
        JointBundle b = JointBundle.load(dir);
        int u = split.testColdUsers[0];
        int g = Planted.group(split, u);
        // the user's own source items plus one distractor from another group
        String distractor = "s" + (((g + 1) % Planted.GROUPS) * Planted.ITEMS_PER_GROUP);
        String[] own = sourceItemsOf(u);
        String[] items = Arrays.copyOf(own, own.length + 1);
        items[own.length] = distractor;
        Explainer.Explanation e = Explainer.explain(b, new SourceHistory("u", items, null), 3, 3);
        assertEquals(3, e.items().size());
        for (Explainer.Target t : e.items()) {
            Explainer.Driver top = t.drivers().get(0);
            assertTrue(top.contribution() > 0, t.toString());
            assertTrue(Arrays.asList(own).contains(top.source()), "top driver " + top + " of " + t);
        }
    }

    @Test
    void frozenEncoderKeepsThePretrainedWeights() {
        CrossDomainSplit s = Planted.split(12L);
        JointParams c =
                Planted.tinyJoint()
                        .withFreezeEncoder(true)
                        .withTraining(5e-3, 32, 1, 1)
                        .withEncoder(Planted.tinyEncoder().withTraining(5e-3, 32, 1));
        Fitted frozen = Fitted.fit(c, Planted::als, s);
        EncoderConfig ec = frozen.encoderConfig();
        ComputationGraph pre = CnnEncoder.newPretrainGraph(ec);
        int[][] tokens = new int[s.numUsers()][];
        for (int u = 0; u < tokens.length; u++) {
            tokens[u] = frozen.userTokens(u);
        }
        CnnEncoder.pretrain(pre, tokens, ec, null);
        for (String layer : CnnEncoder.ENCODER_LAYERS) {
            assertEquals(
                    pre.getLayer(layer).params(),
                    frozen.scorer().graph().getLayer(layer).params(),
                    layer);
        }
        assertNotNull(frozen.predictedFactors(s.testColdUsers[0]));
    }

    @Test
    void sourceCfInitialisationPutsMeanSourceFactorsIntoTheTokenEmbeddings() {
        CrossDomainSplit s = Planted.split(13L);
        CfFactors src = QuickAls.fit(s.source, 4, 4, 0.1, 10.0, 5L);
        JointParams c =
                Planted.tinyJoint()
                        .withFreezeEncoder(true)
                        .withTraining(5e-3, 32, 1, 1)
                        .withEncoder(Planted.tinyEncoder().withTraining(5e-3, 32, 0));
        Fitted m = Fitted.fit(c, Planted::als, split -> src, null, s);
        INDArray emb = m.scorer().graph().getLayer(CnnEncoder.EMBEDDING).getParam("W");
        int vocab = m.encoderConfig().vocabSize;
        double[][] sum = new double[vocab][4];
        int[] n = new int[vocab];
        for (int i = 0; i < s.numSourceItems(); i++) {
            int t = SourceTokenizer.hashItem(s.sourceItems.id(i), vocab);
            n[t]++;
            for (int j = 0; j < 4; j++) {
                sum[t][j] += src.items()[i * 4 + j];
            }
        }
        for (int t = 0; t < vocab; t++) {
            for (int j = 0; j < 4 && n[t] > 0; j++) {
                assertEquals(
                        sum[t][j] / n[t], emb.getDouble(t, j), 1e-6, "token " + t + " dim " + j);
            }
        }
    }

    private static String[] sourceItemsOf(int u) {
        return Splits.sourceItemIds(split, u);
    }
}

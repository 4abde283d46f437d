package io.crossinterest.joint;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.cf.als.AlsResult;
import io.crossinterest.cf.als.ImplicitAls;
import io.crossinterest.data.IdIndex;
import io.crossinterest.encoder.SourceTokenizer;
import io.crossinterest.encoder.TokenScheme;
import io.crossinterest.eval.ColdStartModel;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.ModelRegistry;
import io.crossinterest.eval.ModelSettings;
import io.crossinterest.eval.joint.JointColdStartModel;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceFoldingTest {
    static final int VOCAB = 1 << 15;
    static final AlsConfig ALS =
            AlsConfig.defaults()
                    .withRank(6)
                    .withIterations(8)
                    .withLambda(0.1)
                    .withAlpha(10.0)
                    .withSeed(5L)
                    .withThreads(1);

    static CrossDomainSplit split;
    static AlsResult als;
    static SourceFolding folding;
    static int[][] tokens;

    @BeforeAll
    static void fit() {
        split = Planted.split(3L);
        als = new ImplicitAls(ALS).fit(split.source);
        CfFactors src =
                new CfFactors(
                        ALS.rank,
                        als.users.numRows(),
                        als.items.numRows(),
                        als.users.data(),
                        als.items.data());
        folding = SourceFolding.of(split, src, ALS, SourceTokenizer.items(VOCAB), 100);
        tokens = SourceTokenizer.items(VOCAB).userTokens(split);
    }

    @Test
    void aTrainingUserFoldedInGetsTheFactorAlsGaveThem() {
        // precondition of exactness: no two source items share a token (else a token stands for
        // their mean)
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < split.numSourceItems(); i++) {
            assertTrue(
                    seen.add(SourceTokenizer.hashItem(split.sourceItems.id(i), VOCAB)),
                    "collision at item " + i);
        }
        // ImplicitAls ends each iteration with the user half-step, so P_u is the fold-in against
        // the final Y
        float[][] s = folding.foldIn(Arrays.asList(tokens));
        int k = ALS.rank;
        for (int u = 0; u < split.numUsers(); u++) {
            for (int j = 0; j < k; j++) {
                // token factors are kept in float precision (as a bundle stores them)
                assertEquals(
                        als.users.data()[u * k + j],
                        s[u][j],
                        1e-4,
                        "user " + u + " coordinate " + j);
            }
        }
    }

    @Test
    void paddingAndAnEmptyHistoryFoldInToZeroAndOnlyTheLastLTokensCount() {
        float[][] s =
                folding.foldIn(
                        List.of(new int[0], new int[] {SourceTokenizer.PAD, SourceTokenizer.PAD}));
        assertArrayEquals(new float[ALS.rank], s[0]);
        assertArrayEquals(new float[ALS.rank], s[1]);
        int[] t = tokens[0];
        int[] longer = new int[t.length + 150];
        Arrays.fill(longer, 0, 150, t[0]); // older than the last L = 100 tokens: ignored
        System.arraycopy(t, 0, longer, 150, t.length);
        int[] tail = Arrays.copyOfRange(longer, longer.length - 100, longer.length);
        assertArrayEquals(folding.foldIn(List.of(tail))[0], folding.foldIn(List.of(longer))[0]);
    }

    @Test
    void saveLoadFoldsInIdentically(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("source-folding.bin");
        folding.save(f);
        SourceFolding loaded = SourceFolding.load(f);
        List<int[]> seqs = Arrays.asList(tokens).subList(0, 50);
        float[][] a = folding.foldIn(seqs);
        float[][] b = loaded.foldIn(seqs);
        for (int r = 0; r < a.length; r++) {
            assertArrayEquals(a[r], b[r], "sequence " + r);
        }
    }

    @Test
    void aCategoryTokenStandsForTheMeanFactorOfItsItemsAndFoldsInByGroup() {
        CrossDomainSplit c = withGroupCategories(split);
        IdIndex cats = c.sourceCategories;
        int[][] itemCats = c.sourceItemCategories;
        SourceTokenizer tok = SourceTokenizer.categories(cats.ids());
        CfFactors src =
                new CfFactors(
                        ALS.rank,
                        als.users.numRows(),
                        als.items.numRows(),
                        als.users.data(),
                        als.items.data());
        int k = ALS.rank;
        int[] n = new int[tok.vocabSize()];
        double[] y = SourceFolding.tokenFactors(c, src, tok, n);
        for (int g = 0; g < Planted.GROUPS; g++) {
            int t = tok.categoryToken("g" + g);
            int cat = g;
            double[] mean = new double[k];
            int count = 0;
            for (int i = 0; i < itemCats.length; i++) {
                if (Arrays.stream(itemCats[i]).anyMatch(x -> x == cat)) {
                    count++;
                    for (int j = 0; j < k; j++) {
                        mean[j] += als.items.data()[i * k + j];
                    }
                }
            }
            assertEquals(
                    g == 1 ? Planted.ITEMS_PER_GROUP + 1 : Planted.ITEMS_PER_GROUP,
                    n[t],
                    "items behind g" + g);
            for (int j = 0; j < k; j++) {
                assertEquals(mean[j] / count, y[t * k + j], 1e-5, "g" + g + " coordinate " + j);
            }
        }
        // a user's fold-in over category tokens points towards the users of their own planted group
        float[][] s =
                SourceFolding.of(c, src, ALS, tok, 100).foldIn(Arrays.asList(tok.userTokens(c)));
        double same = 0;
        double other = 0;
        int nSame = 0;
        int nOther = 0;
        for (int u = 0; u < 100; u++) {
            for (int w = u + 1; w < 100; w++) {
                double cos = cosine(s[u], s[w]);
                if (Planted.group(c, u) == Planted.group(c, w)) {
                    same += cos;
                    nSame++;
                } else {
                    other += cos;
                    nOther++;
                }
            }
        }
        assertTrue(
                same / nSame > other / nOther + 0.3,
                "mean cosine same group " + same / nSame + ", other " + other / nOther);
    }

    /** The split with the planted groups as source categories; item 0 is in categories 0 and 1. */
    static CrossDomainSplit withGroupCategories(CrossDomainSplit s) {
        IdIndex cats = new IdIndex();
        for (int g = 0; g < Planted.GROUPS; g++) {
            cats.add("g" + g);
        }
        int[][] itemCats = new int[s.numSourceItems()][];
        for (int i = 0; i < itemCats.length; i++) {
            itemCats[i] = i == 0 ? new int[] {0, 1} : new int[] {i / Planted.ITEMS_PER_GROUP};
        }
        return new CrossDomainSplit(
                s.dataset,
                s.users,
                s.sourceItems,
                s.targetItems,
                s.source,
                s.targetTrain,
                s.targetValid,
                s.targetTest,
                s.warmUsers,
                s.validColdUsers,
                s.testColdUsers,
                cats,
                s.targetCategories,
                itemCats,
                s.targetItemCategories,
                s.seed);
    }

    @Test
    void theCategoryTokenAblationRunsOnlyWhenNamedAndTransfers() {
        ModelRegistry registry = ModelRegistry.fromClassPath();
        assertTrue(registry.names().contains("joint-category-tokens"), registry.names().toString());
        assertFalse(
                registry.defaultNames().contains("joint-category-tokens"),
                registry.defaultNames().toString());
        assertTrue(registry.defaultNames().contains("joint"), registry.defaultNames().toString());
        CrossDomainSplit s = withGroupCategories(Planted.split(11L));
        ColdStartModel m =
                registry.create("joint-category-tokens", new ModelSettings(7, 6, 8, 10, 1));
        assertEquals("joint-category-tokens", m.name());
        m.fit(s);
        assertEquals(
                TokenScheme.CATEGORIES, ((JointColdStartModel) m).model().tokenizer().scheme());
        double ndcg = Splits.meanNdcg(s, s.testColdUsers, s.targetTest, m::scoreItems, 10);
        assertTrue(
                ndcg > 0.5,
                "category-token joint NDCG@10 " + ndcg); // chance ≈ 0.25 (see JointModelTest)
    }

    private static double cosine(float[] a, float[] b) {
        double d = 0;
        double na = 0;
        double nb = 0;
        for (int j = 0; j < a.length; j++) {
            d += a[j] * b[j];
            na += a[j] * a[j];
            nb += b[j] * b[j];
        }
        return d / Math.sqrt(na * nb);
    }

    @Test
    void theNeighbourTaughtJointModelTransfers() {
        CrossDomainSplit s = Planted.split(11L);
        Fitted m =
                Fitted.fit(
                        Planted.tinyJoint().withSourceFolding(true).withNeighbourTeacher(0.5, 20),
                        Planted::als,
                        AlsTargetFactorizer.sourceBlock(ALS),
                        ALS,
                        s);
        double ndcg = Splits.meanNdcg(s, s.testColdUsers, s.targetTest, m::scoreItems, 10);
        assertTrue(ndcg > 0.5, "neighbour-taught joint NDCG@10 " + ndcg);
        assertEquals(20, m.teacherNeighbours());
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Planted.tinyJoint().withNeighbourTeacher(1.0, 20));
        assertTrue(e.getMessage().contains("neighbourWeight"), e.getMessage());
    }

    @Test
    void theTeachersKIsSelectedOnValidation() {
        // 75 warm users per planted group: the 50 nearest are all of the user's own group, 100 or
        // more are not
        CrossDomainSplit s = Planted.split(11L);
        Fitted m =
                Fitted.fit(
                        Planted.tinyJoint()
                                .withSourceFolding(true)
                                .withNeighbourTeacher(0.5, JointParams.SELECT_NEIGHBOURS),
                        Planted::als,
                        AlsTargetFactorizer.sourceBlock(ALS),
                        ALS,
                        s);
        assertEquals(50, m.teacherNeighbours());
        double[] byK = m.teacherKValidation(); // K = 50, 100, 300, 1000 (1000 > the 300 warm users:
        // not tried)
        assertEquals(4, byK.length);
        assertTrue(
                byK[0] > byK[1] && byK[0] > byK[2],
                "validation NDCG@10 by K " + Arrays.toString(byK));
        assertTrue(Double.isNaN(byK[3]), Arrays.toString(byK));
        assertTrue(m.selection().contains("teacher k=50"), m.selection());
        double ndcg = Splits.meanNdcg(s, s.testColdUsers, s.targetTest, m::scoreItems, 10);
        assertTrue(ndcg > 0.5, "neighbour-taught joint NDCG@10 " + ndcg);
        assertThrows(
                IllegalArgumentException.class,
                () -> Planted.tinyJoint().withNeighbourTeacher(0.5, -1));
    }

    @Test
    void theFoldedJointModelTransfersAndItsBundleScoresIdentically(@TempDir Path dir)
            throws Exception {
        CrossDomainSplit s = Planted.split(11L);
        Fitted m =
                Fitted.fit(
                        Planted.tinyJoint().withSourceFolding(true),
                        Planted::als,
                        AlsTargetFactorizer.sourceBlock(ALS),
                        ALS,
                        s);
        double ndcg = Splits.meanNdcg(s, s.testColdUsers, s.targetTest, m::scoreItems, 10);
        assertTrue(
                ndcg > 0.5, "folded joint NDCG@10 " + ndcg); // chance ≈ 0.25 (see JointModelTest)

        JointBundle.save(m.model(), dir, 1);
        JointBundle b = JointBundle.load(dir);
        int[][] t = new int[s.numUsers()][];
        for (int u = 0; u < t.length; u++) {
            t[u] = m.userTokens(u);
        }
        JointScorer.Encoded enc = b.scorer().encodeAll(t);
        double[] expected = new double[s.numTargetItems()];
        double[] actual = new double[s.numTargetItems()];
        for (int u : s.testColdUsers) {
            m.scoreItems(u, expected);
            b.scorer().itemScores(enc.phat()[u], null, actual);
            assertArrayEquals(expected, actual, 0.0, "user " + u);
        }
    }
}

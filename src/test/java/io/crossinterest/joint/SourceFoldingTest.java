package io.crossinterest.joint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.cf.als.AlsResult;
import io.crossinterest.cf.als.ImplicitAls;
import io.crossinterest.encoder.SourceTokenizer;
import io.crossinterest.eval.CrossDomainSplit;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceFoldingTest {
    static final int VOCAB = 1 << 15;
    static final AlsConfig ALS = AlsConfig.defaults().withRank(6).withIterations(8).withLambda(0.1).withAlpha(10.0)
            .withSeed(5L).withThreads(1);

    static CrossDomainSplit split;
    static AlsResult als;
    static SourceFolding folding;
    static int[][] tokens;

    @BeforeAll
    static void fit() {
        split = Planted.split(3L);
        als = new ImplicitAls(ALS).fit(split.source);
        CfFactors src = new CfFactors(ALS.rank, als.users.numRows(), als.items.numRows(), als.users.data(),
                als.items.data());
        folding = SourceFolding.of(split, src, ALS, VOCAB, 100);
        tokens = SourceTokenizer.items(VOCAB).userTokens(split);
    }

    @Test
    void aTrainingUserFoldedInGetsTheFactorAlsGaveThem() {
        // precondition of exactness: no two source items share a token (else a token stands for their mean)
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < split.numSourceItems(); i++) {
            assertTrue(seen.add(SourceTokenizer.hashItem(split.sourceItems.id(i), VOCAB)), "collision at item " + i);
        }
        // ImplicitAls ends each iteration with the user half-step, so P_u is the fold-in against the final Y
        float[][] s = folding.foldIn(Arrays.asList(tokens));
        int k = ALS.rank;
        for (int u = 0; u < split.numUsers(); u++) {
            for (int j = 0; j < k; j++) {
                // token factors are kept in float precision (as a bundle stores them)
                assertEquals(als.users.data()[u * k + j], s[u][j], 1e-4, "user " + u + " coordinate " + j);
            }
        }
    }

    @Test
    void paddingAndAnEmptyHistoryFoldInToZeroAndOnlyTheLastLTokensCount() {
        float[][] s = folding.foldIn(List.of(new int[0], new int[] {SourceTokenizer.PAD, SourceTokenizer.PAD}));
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
    void categoryTokensCannotFoldIn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JointConfig.defaults()
                .withEncoder(JointConfig.defaults().encoder.withTokens(io.crossinterest.encoder.TokenScheme.CATEGORIES,
                        3)).withSourceFolding(true));
        assertTrue(e.getMessage().contains("item tokens"), e.getMessage());
    }

    @Test
    void theFoldedJointModelTransfersAndItsBundleScoresIdentically(@TempDir Path dir) throws Exception {
        CrossDomainSplit s = Planted.split(11L);
        JointModel m = new JointModel(Planted.tinyJoint().withSourceFolding(true), Planted::als)
                .withSourceCf(AlsTargetFactorizer.sourceBlock(ALS), ALS);
        m.fit(s);
        double ndcg = Splits.meanNdcg(s, s.testColdUsers, s.targetTest, m::scoreItems, 10);
        assertTrue(ndcg > 0.5, "folded joint NDCG@10 " + ndcg); // chance ≈ 0.25 (see JointModelTest)

        JointBundle.save(m, dir, "fold-v1");
        JointBundle b = JointBundle.load(dir);
        int[][] t = new int[s.numUsers()][];
        for (int u = 0; u < t.length; u++) {
            t[u] = m.userTokens(u);
        }
        JointScorer.Encoded enc = JointModel.encodeAll(b.scorer(), t);
        double[] expected = new double[s.numTargetItems()];
        double[] actual = new double[s.numTargetItems()];
        for (int u : s.testColdUsers) {
            m.scoreItems(u, expected);
            b.scorer().itemScores(enc.phat()[u], null, actual);
            assertArrayEquals(expected, actual, 0.0, "user " + u);
        }
    }
}

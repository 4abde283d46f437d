package io.crossinterest.joint;

import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.neighbours.ItemSetNeighbours;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The joint model's wide path (change 13): selection of its weight, the blend, and the bundle and
 * stream paths.
 */
class WidePathTest {
    static CrossDomainSplit split;

    /**
     * A deep path that has not learnt the transfer (one epoch at a negligible learning rate, no
     * bridge start).
     */
    static Fitted untrained;

    @BeforeAll
    static void fit() {
        split = Planted.split(11L);
        untrained =
                Fitted.fit(
                        Planted.tinyJoint().withTraining(1e-7, 32, 1, 1).withWidePath(50),
                        Planted::als,
                        split);
    }

    static double testNdcg(Fitted m) {
        return Splits.meanNdcg(split, split.testColdUsers, split.targetTest, m::scoreItems, 10);
    }

    @Test
    void validationPicksTheWidePathWhenTheDeepPathHasNotLearntTheTransfer() {
        Map<Double, Double> v = untrained.wideValidation();
        assertEquals(JointParams.WIDE_WEIGHTS.length, v.size());
        double deepAlone = v.get(0.0);
        double best = v.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertEquals(
                best, v.get(untrained.wideWeight()), "the kept weight is the best on validation");
        assertTrue(untrained.wideWeight() > 0, v.toString());
        // the planted groups share source items, so the neighbours rank the user's own group first
        assertTrue(best > deepAlone + 0.2, v.toString());
        assertTrue(testNdcg(untrained) > 0.5, "test NDCG@10 " + testNdcg(untrained));
        assertTrue(
                untrained.selection().contains("wide path k=50 weight=" + untrained.wideWeight()),
                untrained.selection());
    }

    @Test
    void theBlendIsTheWeightedMixOfTheDeepSoftmaxAndTheNeighbourDistribution() {
        JointScorer s = untrained.scorer();
        double g = untrained.wideWeight();
        ItemSetNeighbours idx = s.widePath();
        int u = split.testColdUsers[3];
        int[] tokens = untrained.userTokens(u);
        double[] blended = new double[split.numTargetItems()];
        untrained.scoreItems(u, blended);
        double[] deep = new double[split.numTargetItems()];
        float[] phat = untrained.predictedFactors(u);
        s.itemScores(phat, null, deep);
        double max = Arrays.stream(deep).max().orElseThrow();
        double z = Arrays.stream(deep).map(x -> Math.exp(x - max)).sum();
        double[] w = new double[split.numTargetItems()];
        assertTrue(idx.distribution(tokens, s.wideK(), w));
        for (int v = 0; v < w.length; v++) {
            assertEquals(
                    (1 - g) * Math.exp(deep[v] - max) / z + g * w[v],
                    blended[v],
                    1e-12,
                    "item " + v);
        }
    }

    @Test
    void aModelWithoutTheWidePathScoresByTheDeepPathAlone() {
        Fitted deepOnly =
                Fitted.fit(Planted.tinyJoint().withTraining(1e-7, 32, 1, 1), Planted::als, split);
        assertEquals(0.0, deepOnly.wideWeight());
        assertTrue(deepOnly.wideValidation().isEmpty());
        assertTrue(
                testNdcg(deepOnly) + 0.2 < testNdcg(untrained),
                testNdcg(deepOnly) + " vs " + testNdcg(untrained));
    }

    @Test
    void theBundleAndTheStreamFunctionScoreWithTheWidePath(@TempDir Path dir) throws Exception {
        JointBundle.Metadata md = JointBundle.save(untrained.model(), dir, 1);
        assertEquals(untrained.wideWeight(), md.wideWeight());
        assertEquals(50, md.wideNeighbours());
        JointBundle b = JointBundle.load(dir);
        assertEquals(untrained.wideWeight(), b.scorer().wideWeight());
        double[] expected = new double[split.numTargetItems()];
        double[] actual = new double[split.numTargetItems()];
        int[][] tokens = new int[split.numUsers()][];
        for (int u = 0; u < tokens.length; u++) {
            tokens[u] = untrained.userTokens(u);
        }
        JointScorer.Encoded enc = b.scorer().encodeAll(tokens); // batched as the model encodes
        for (int u : split.testColdUsers) {
            untrained.scoreItems(u, expected);
            b.scorer().itemScores(tokens[u], enc.phat()[u], null, actual);
            assertArrayEquals(expected, actual, 0.0, "user " + u);
        }
        int u = split.testColdUsers[0];
        JointScoringFunction fn = new JointScoringFunction(dir.toString(), 5);
        fn.open();
        UserScores out =
                fn.apply(List.of(new SourceHistory("u", Splits.sourceItemIds(split, u), null)))
                        .get(0);
        untrained.scoreItems(u, expected);
        int[] top = JointModel.topK(expected, 5);
        for (int i = 0; i < 5; i++) {
            assertEquals(split.targetItems.id(top[i]), out.topItems[i]);
            assertEquals(expected[top[i]], out.topScores[i], 1e-9);
        }
    }
}

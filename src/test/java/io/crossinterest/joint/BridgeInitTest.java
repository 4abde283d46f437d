package io.crossinterest.joint;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.data.IdIndex;
import io.crossinterest.encoder.SourceTokenizer;
import io.crossinterest.eval.CrossDomainSplit;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** W2's start at the ridge map s_u → P_u (docs/joint-model.md change 10). */
class BridgeInitTest {
    static final AlsConfig ALS = SourceFoldingTest.ALS;

    @Test
    void ridgeMapRecoversAPlantedAffineMapAndShrinksWithLambda() {
        double[][] w = {{1, -2, 0.5}, {0, 1, 3}, {2, 0, -1}, {-1, 1, 1}};
        double[] b = {0.3, -0.2, 1};
        int n = 200;
        int k = 3;
        Random rnd = new Random(3);
        float[][] x = new float[n][4];
        double[] y = new double[n * k];
        for (int u = 0; u < n; u++) {
            for (int i = 0; i < 4; i++) {
                x[u][i] = (float) rnd.nextGaussian();
            }
            for (int j = 0; j < k; j++) {
                y[u * k + j] = b[j];
                for (int i = 0; i < 4; i++) {
                    y[u * k + j] += w[i][j] * x[u][i];
                }
            }
        }
        int[] rows = IntStream.range(0, n).toArray();
        double[][] m = BridgeStart.ridgeMap(x, y, k, rows, 1e-9);
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < 4; i++) {
                assertEquals(w[i][j], m[i][j], 1e-4, "W[" + i + "][" + j + "]");
            }
            assertEquals(b[j], m[4][j], 1e-4, "b[" + j + "]");
        }
        double[][] shrunk = BridgeStart.ridgeMap(x, y, k, rows, 1.0);
        assertTrue(norm(shrunk, 4) < 0.8 * norm(m, 4), norm(shrunk, 4) + " vs " + norm(m, 4));
        // only the given rows count: a map fitted on the first half ignores a corrupted second half
        double[] corrupted = y.clone();
        for (int e = n / 2 * k; e < corrupted.length; e++) {
            corrupted[e] = 100;
        }
        double[][] half =
                BridgeStart.ridgeMap(x, corrupted, k, IntStream.range(0, n / 2).toArray(), 1e-9);
        assertEquals(w[2][1], half[2][1], 1e-4);
    }

    @Test
    void w2StartsAtTheRidgeMapFromTheSourceReading() {
        CrossDomainSplit s = Planted.split(11L);
        // a learning rate of 1e-9: the kept weights are (to 1e-6) the starting point
        Fitted m =
                Fitted.fit(
                        Planted.tinyJoint()
                                .withSourceFolding(true)
                                .withBridgeRidge(0.01)
                                .withTraining(1e-9, 32, 1, 1),
                        Planted::als,
                        AlsTargetFactorizer.sourceBlock(ALS),
                        ALS,
                        s);
        double[][] map = m.report().bridgeMap();
        int r = ALS.rank;
        assertEquals(r + 1, map.length);
        SourceTokenizer tok = SourceTokenizer.forSplit(s, m.encoderConfig());
        float[][] su =
                SourceFolding.of(
                                s,
                                AlsTargetFactorizer.sourceBlock(ALS).factorize(s),
                                ALS,
                                tok,
                                m.encoderConfig().seqLen)
                        .foldIn(Arrays.asList(tok.userTokens(s)));
        CfFactors p = Planted.als(s);
        int k = p.rank();
        double fitted = 0;
        double constant = 0;
        double[] meanP = new double[k];
        for (int u : s.warmUsers) {
            for (int j = 0; j < k; j++) {
                meanP[j] += p.users()[u * k + j] / s.warmUsers.length;
            }
        }
        Set<Integer> warm = Arrays.stream(s.warmUsers).boxed().collect(Collectors.toSet());
        for (int u :
                IntStream.concat(Arrays.stream(s.testColdUsers), Arrays.stream(s.warmUsers))
                        .toArray()) {
            float[] phat = m.predictedFactors(u);
            for (int j = 0; j < k; j++) {
                double expected = map[r][j];
                for (int i = 0; i < r; i++) {
                    expected += su[u][i] * map[i][j];
                }
                // P̂_u = W·s_u + b: the H_u block of W2 starts at 0
                assertEquals(expected, phat[j], 1e-3, "user " + u + " coordinate " + j);
                if (warm.contains(u)) {
                    fitted += Math.pow(phat[j] - p.users()[u * k + j], 2);
                    constant += Math.pow(meanP[j] - p.users()[u * k + j], 2);
                }
            }
        }
        // on the planted groups the source reading explains most of P_u
        assertTrue(
                fitted < 0.5 * constant, "residual " + fitted + " vs around the mean " + constant);
    }

    @Test
    void theInterestHeadStartsAtTheRidgeMapToCategoryShares() {
        // target categories = the planted groups: a cold user's top category must be their group
        // from the start
        CrossDomainSplit p = Planted.split(11L);
        IdIndex cats = new IdIndex();
        for (int g = 0; g < Planted.GROUPS; g++) {
            cats.add("g" + g);
        }
        int[][] itemCats = new int[p.numTargetItems()][];
        for (int i = 0; i < itemCats.length; i++) {
            itemCats[i] =
                    new int[] {
                        Integer.parseInt(p.targetItems.id(i).substring(1)) / Planted.ITEMS_PER_GROUP
                    };
        }
        CrossDomainSplit s =
                new CrossDomainSplit(
                        p.dataset,
                        p.users,
                        p.sourceItems,
                        p.targetItems,
                        p.source,
                        p.targetTrain,
                        p.targetValid,
                        p.targetTest,
                        p.warmUsers,
                        p.validColdUsers,
                        p.testColdUsers,
                        p.sourceCategories,
                        cats,
                        p.sourceItemCategories,
                        itemCats,
                        p.seed);
        Fitted m =
                Fitted.fit(
                        Planted.tinyJoint()
                                .withSourceFolding(true)
                                .withBridgeRidge(0.01)
                                .withTraining(1e-9, 32, 1, 1),
                        Planted::als,
                        AlsTargetFactorizer.sourceBlock(ALS),
                        ALS,
                        s);
        int right = 0;
        for (int u : s.testColdUsers) {
            double[] interest = m.categoryInterest(u);
            int top = 0;
            for (int c = 1; c < interest.length; c++) {
                top = interest[c] > interest[top] ? c : top;
            }
            right += top == Planted.group(s, u) ? 1 : 0;
        }
        // chance: a quarter
        assertTrue(right >= 0.9 * s.testColdUsers.length, right + " of " + s.testColdUsers.length);
    }

    @Test
    void earlyStoppingCountsPatienceAgainstTheTrainedPathAndTheBridgeAloneCompetesOnlyAtTheEnd() {
        CrossDomainSplit s = Planted.split(11L);
        for (double lr :
                new double[] {
                    5e-4, 2e-4
                }) { // the path passes the bridge alone; it never reaches it
            Fitted m =
                    Fitted.fit(
                            Planted.tinyJoint()
                                    .withSourceFolding(true)
                                    .withBridgeRidge(0.01)
                                    .withTraining(lr, 32, 15, 2),
                            Planted::als,
                            AlsTargetFactorizer.sourceBlock(ALS),
                            ALS,
                            s);
            double bare = m.bridgeAloneValidation();
            assertTrue(
                    bare > m.startValidation(),
                    "the planted case has the bridge alone above the start");
            // replay the path: patience counts only against the start and the epochs
            List<JointFitReport.Epoch> h = m.history();
            double pathBest = m.startValidation();
            int lastImprovement = -1;
            for (JointFitReport.Epoch e : h) {
                if (e.validNdcg10() > pathBest) {
                    pathBest = e.validNdcg10();
                    lastImprovement = e.epoch();
                }
            }
            int patience = m.params().patience;
            assertEquals(
                    Math.min(m.params().maxEpochs, lastImprovement + 1 + patience),
                    h.size(),
                    "lr " + lr);
            // the kept weights are the better of the path's best and the bridge alone
            assertEquals(bare > pathBest, m.keptBridgeAlone(), "lr " + lr);
            assertEquals(Math.max(bare, pathBest), m.bestCriterion(), 0.0, "lr " + lr);
            assertEquals(m.keptBridgeAlone() ? -1 : lastImprovement, m.bestEpoch(), "lr " + lr);
            String kept =
                    m.keptBridgeAlone()
                            ? "epoch=0 (bridge alone) of "
                            : "epoch=" + (lastImprovement + 1) + " of ";
            assertTrue(m.selection().startsWith(kept + h.size()), m.selection());
        }
    }

    @Test
    void theBridgeNeedsTheSourceReading() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Planted.tinyJoint().withBridgeRidge(0.01));
        assertTrue(e.getMessage().contains("source folding"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> Planted.tinyJoint().withSourceFolding(true).withBridgeRidge(-1));
    }

    private static double norm(double[][] m, int rows) {
        double s = 0;
        for (int i = 0; i < rows; i++) {
            for (double v : m[i]) {
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }
}

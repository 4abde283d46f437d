package io.crossinterest.cf.als;

import io.crossinterest.cf.als.AlsConfig.Regularization;
import io.crossinterest.cf.als.AlsConfig.Solver;
import io.crossinterest.data.InteractionMatrix;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImplicitAlsTest {

    private static InteractionMatrix tiny() {
        // 5 users × 4 items, a few weights, one empty user row (user 4) and an explicit 0 entry (p
        // = 0, c = 1)
        return new InteractionMatrix.Builder(5, 4)
                .add(0, 0, 1)
                .add(0, 1, 3)
                .add(1, 1, 2)
                .add(1, 2, 1)
                .add(2, 0, 5)
                .add(2, 3, 1)
                .add(3, 2, 2)
                .add(3, 3, 4)
                .add(3, 0, 0)
                .build();
    }

    /**
     * Dense reference: x_u = (Yᵀ C_u Y + λ_u I)⁻¹ Yᵀ C_u p(u) with C_u and p(u) written out over
     * all items, solved by Gauss-Jordan elimination with partial pivoting (no BLAS, no YᵀY trick).
     */
    private static void referenceHalfStep(double[][] r, double[][] x, double[][] y, AlsConfig cfg) {
        int k = cfg.rank;
        for (int u = 0; u < r.length; u++) {
            double[][] a = new double[k][k + 1];
            int positives = 0;
            for (int i = 0; i < y.length; i++) {
                double c = 1 + cfg.alpha * Math.abs(r[u][i]);
                double p = r[u][i] > 0 ? 1 : 0;
                positives += r[u][i] > 0 ? 1 : 0;
                for (int a1 = 0; a1 < k; a1++) {
                    for (int a2 = 0; a2 < k; a2++) {
                        a[a1][a2] += c * y[i][a1] * y[i][a2];
                    }
                    a[a1][k] += c * p * y[i][a1];
                }
            }
            double lambda =
                    cfg.regularization == Regularization.WEIGHTED
                            ? cfg.lambda * positives
                            : cfg.lambda;
            for (int d = 0; d < k; d++) {
                a[d][d] += lambda;
            }
            boolean empty = true;
            for (double v : r[u]) {
                empty &= v == 0;
            }
            if (empty) {
                x[u] = new double[k];
                continue;
            }
            x[u] = DenseReference.solve(a, k);
        }
    }

    @ParameterizedTest
    @CsvSource({"CHOLESKY, L2", "CHOLESKY, WEIGHTED", "CG, L2", "CG, WEIGHTED"})
    void tinyMatrixMatchesDenseReference(Solver solver, Regularization reg) {
        // CG with cgSteps = rank is exact in exact arithmetic: it must agree with the dense solve
        // too
        AlsConfig cfg = new AlsConfig(3, 4, 0.3, 2.0, reg, solver, 3, 7L, 2);
        InteractionMatrix m = tiny();
        AlsResult fit = new ImplicitAls(cfg).fit(m);

        double[][] dense = new double[m.numRows()][m.numCols()];
        double[][] denseT = new double[m.numCols()][m.numRows()];
        for (int u = 0; u < m.numRows(); u++) {
            for (int i = 0; i < m.numCols(); i++) {
                dense[u][i] = m.get(u, i);
                denseT[i][u] = dense[u][i];
            }
        }
        double[][] x = DenseReference.rows(Factors.random(m.numRows(), 3, 7L, 0));
        double[][] y = DenseReference.rows(Factors.random(m.numCols(), 3, 7L, 1));
        for (int it = 0; it < cfg.iterations; it++) {
            referenceHalfStep(denseT, y, x, cfg);
            referenceHalfStep(dense, x, y, cfg);
        }
        for (int u = 0; u < m.numRows(); u++) {
            assertArrayEquals(x[u], fit.users.row(u), 1e-6, "user " + u);
        }
        for (int i = 0; i < m.numCols(); i++) {
            assertArrayEquals(y[i], fit.items.row(i), 1e-6, "item " + i);
        }
    }

    @ParameterizedTest
    @CsvSource({"CHOLESKY, L2", "CHOLESKY, WEIGHTED", "CG, L2", "CG, WEIGHTED"})
    void objectiveNeverIncreases(Solver solver, Regularization reg) {
        PlantedData d = new PlantedData(400, 300, 5, 12, 11L);
        AlsConfig cfg = new AlsConfig(8, 8, 0.05, 3.0, reg, solver, 2, 3L, 2);
        double[] loss = new ImplicitAls(cfg).fit(d.train, null, true).loss;
        assertEquals(cfg.iterations + 1, loss.length);
        for (int t = 1; t < loss.length; t++) {
            assertTrue(
                    loss[t] <= loss[t - 1] * (1 + 1e-12),
                    "loss rose at iteration " + t + ": " + loss[t - 1] + " -> " + loss[t]);
        }
        assertTrue(loss[loss.length - 1] < 0.9 * loss[0], "training made no progress");
    }

    @ParameterizedTest
    @CsvSource({"CHOLESKY", "CG"})
    void plantedLowRankStructureIsRecovered(Solver solver) {
        PlantedData d = new PlantedData(1500, 600, 6, 12, 5L);
        AlsConfig cfg = new AlsConfig(12, 10, 0.1, 5.0, Regularization.L2, solver, 3, 1L, 2);
        AlsResult fit = new ImplicitAls(cfg).fit(d.train);
        double recall = d.recallAt10((u, out) -> fit.users.scoreAll(u, fit.items, out));
        double popularity = d.popularityRecallAt10();
        assertTrue(
                recall > 1.5 * popularity && recall > popularity + 0.05,
                "recall@10 " + recall + " vs popularity " + popularity);
    }

    @ParameterizedTest
    @CsvSource({"CHOLESKY", "CG"})
    void factorsDoNotDependOnThreadCount(Solver solver) {
        PlantedData d = new PlantedData(700, 500, 4, 10, 9L);
        AlsConfig cfg = new AlsConfig(6, 3, 0.1, 2.0, Regularization.WEIGHTED, solver, 3, 42L, 1);
        AlsResult one = new ImplicitAls(cfg).fit(d.train);
        AlsResult three = new ImplicitAls(cfg.withThreads(3)).fit(d.train);
        assertArrayEquals(one.users.data(), three.users.data(), 0.0);
        assertArrayEquals(one.items.data(), three.items.data(), 0.0);
        AlsResult otherSeed = new ImplicitAls(cfg.withSeed(43L)).fit(d.train);
        assertTrue(otherSeed.users.data()[0] != one.users.data()[0]);
    }

    @Test
    void rejectsBadConfigurationAndShapes() {
        assertThrows(IllegalArgumentException.class, () -> AlsConfig.defaults().withRank(0));
        assertThrows(IllegalArgumentException.class, () -> AlsConfig.defaults().withLambda(-1));
        assertThrows(IllegalArgumentException.class, () -> AlsConfig.defaults().withCgSteps(0));
        InteractionMatrix m = tiny();
        AlsConfig cfg = AlsConfig.defaults().withRank(2);
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new ImplicitAls(cfg)
                                .fit(m, Factors.zeros(2, 2), Factors.zeros(4, 2), null, false));
    }
}

package io.crossinterest.cf.als;

import io.crossinterest.cf.als.AlsConfig.Regularization;
import io.crossinterest.cf.als.AlsConfig.Solver;
import io.crossinterest.data.InteractionMatrix;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Explicit-feedback ALS ({@code implicit = false}) in process: the same driver and kernels as
 * implicit ALS.
 */
class ExplicitAlsTest {

    private static InteractionMatrix tiny() {
        // 5 users × 4 items of ratings: one empty user row (user 4), an observed 0 and a negative
        // rating (observed cells count whatever their value), user 1 with fewer ratings than the
        // rank
        return new InteractionMatrix.Builder(5, 4)
                .add(0, 0, 4)
                .add(0, 1, 3)
                .add(0, 3, 1)
                .add(1, 1, 2)
                .add(2, 0, 5)
                .add(2, 3, -1)
                .add(2, 2, 2)
                .add(3, 2, 2)
                .add(3, 3, 4)
                .add(3, 0, 0)
                .build();
    }

    /**
     * Dense reference: x_u = (Σ_{i observed} y_i y_iᵀ + λ_u I)⁻¹ Σ_{i observed} r_ui y_i, written
     * out over a mask of the observed cells and solved by Gauss-Jordan elimination with partial
     * pivoting (no BLAS).
     */
    private static void referenceHalfStep(
            double[][] r, boolean[][] observed, double[][] x, double[][] y, AlsConfig cfg) {
        int k = cfg.rank;
        for (int u = 0; u < r.length; u++) {
            double[][] a = new double[k][k + 1];
            int n = 0;
            for (int i = 0; i < y.length; i++) {
                if (!observed[u][i]) {
                    continue;
                }
                n++;
                for (int a1 = 0; a1 < k; a1++) {
                    for (int a2 = 0; a2 < k; a2++) {
                        a[a1][a2] += y[i][a1] * y[i][a2];
                    }
                    a[a1][k] += r[u][i] * y[i][a1];
                }
            }
            if (n == 0) {
                x[u] = new double[k];
                continue;
            }
            double lambda =
                    cfg.regularization == Regularization.WEIGHTED ? cfg.lambda * n : cfg.lambda;
            for (int d = 0; d < k; d++) {
                a[d][d] += lambda;
            }
            x[u] = DenseReference.solve(a, k);
        }
    }

    private static AlsConfig explicit(
            int rank,
            int iterations,
            double lambda,
            Regularization reg,
            Solver solver,
            int cgSteps,
            long seed,
            int threads) {
        // alpha 7 would change every implicit solve: it must be ignored here
        return new AlsConfig(
                rank, iterations, lambda, 7.0, reg, solver, cgSteps, seed, threads, false);
    }

    @ParameterizedTest
    @CsvSource({"CHOLESKY, L2", "CHOLESKY, WEIGHTED", "CG, L2", "CG, WEIGHTED"})
    void tinyMatrixMatchesDenseReference(Solver solver, Regularization reg) {
        // CG with cgSteps = rank is exact in exact arithmetic: it must agree with the dense solve
        // too
        AlsConfig cfg = explicit(3, 4, 0.3, reg, solver, 3, 7L, 2);
        InteractionMatrix m = tiny();
        AlsResult fit = new ImplicitAls(cfg).fit(m);

        double[][] dense = new double[m.numRows()][m.numCols()];
        double[][] denseT = new double[m.numCols()][m.numRows()];
        boolean[][] mask = new boolean[m.numRows()][m.numCols()];
        boolean[][] maskT = new boolean[m.numCols()][m.numRows()];
        for (int u = 0; u < m.numRows(); u++) {
            for (int q = m.rowStart(u); q < m.rowEnd(u); q++) {
                int i = m.col(q);
                dense[u][i] = m.value(q);
                denseT[i][u] = m.value(q);
                mask[u][i] = true;
                maskT[i][u] = true;
            }
        }
        double[][] x = DenseReference.rows(Factors.random(m.numRows(), 3, 7L, 0));
        double[][] y = DenseReference.rows(Factors.random(m.numCols(), 3, 7L, 1));
        for (int it = 0; it < cfg.iterations; it++) {
            referenceHalfStep(denseT, maskT, y, x, cfg);
            referenceHalfStep(dense, mask, x, y, cfg);
        }
        for (int u = 0; u < m.numRows(); u++) {
            assertArrayEquals(x[u], fit.users.row(u), 1e-6, "user " + u);
        }
        for (int i = 0; i < m.numCols(); i++) {
            assertArrayEquals(y[i], fit.items.row(i), 1e-6, "item " + i);
        }
        // and it is not the implicit solution of the same matrix
        AlsResult implicit = new ImplicitAls(cfg.withImplicit(true)).fit(m);
        assertTrue(Math.abs(implicit.users.row(0)[0] - fit.users.row(0)[0]) > 1e-3);
    }

    @ParameterizedTest
    @CsvSource({"CHOLESKY, L2", "CHOLESKY, WEIGHTED", "CG, L2", "CG, WEIGHTED"})
    void objectiveNeverIncreases(Solver solver, Regularization reg) {
        PlantedRatings d = new PlantedRatings(300, 200, 4, 20, 2, 0.3, 11L);
        AlsConfig cfg = explicit(6, 8, 0.05, reg, solver, 2, 3L, 2);
        double[] loss = new ImplicitAls(cfg).fit(d.train, null, true).loss;
        assertEquals(cfg.iterations + 1, loss.length);
        for (int t = 1; t < loss.length; t++) {
            assertTrue(
                    loss[t] <= loss[t - 1] * (1 + 1e-12),
                    "loss rose at iteration " + t + ": " + loss[t - 1] + " -> " + loss[t]);
        }
        assertTrue(
                loss[loss.length - 1] < 0.1 * loss[0],
                "training made no progress: " + loss[0] + " -> " + loss[loss.length - 1]);
    }

    @ParameterizedTest
    @CsvSource({"CHOLESKY", "CG"})
    void plantedLowRankRatingsArePredictedOnHeldOutEntries(Solver solver) {
        // rank-4 signal of variance 1 around a mean of 3, noise 0.3; rank 5 = signal + the constant
        // offset
        PlantedRatings d = new PlantedRatings(600, 400, 4, 40, 4, 0.3, 5L);
        AlsConfig cfg = explicit(5, 12, 0.05, Regularization.WEIGHTED, solver, 3, 1L, 2);
        AlsResult fit = new ImplicitAls(cfg).fit(d.train);
        double rmse = d.heldOutRmse((u, i) -> dot(fit.users.row(u), fit.items.row(i)));
        double baseline = d.globalMeanRmse();
        // the noise alone costs 0.3: within 1.5x of it, and under half the global-mean baseline
        // (~1.08)
        assertTrue(
                rmse < 0.5 * baseline && rmse < 0.45,
                "held-out RMSE " + rmse + " vs global mean " + baseline);
    }

    @ParameterizedTest
    @CsvSource({"CHOLESKY", "CG"})
    void factorsDoNotDependOnThreadCount(Solver solver) {
        PlantedRatings d = new PlantedRatings(500, 300, 3, 15, 1, 0.2, 9L);
        AlsConfig cfg = explicit(4, 3, 0.1, Regularization.WEIGHTED, solver, 3, 42L, 1);
        AlsResult one = new ImplicitAls(cfg).fit(d.train);
        AlsResult three = new ImplicitAls(cfg.withThreads(3)).fit(d.train);
        assertArrayEquals(one.users.data(), three.users.data(), 0.0);
        assertArrayEquals(one.items.data(), three.items.data(), 0.0);
    }

    @Test
    void configCarriesTheFormulation() {
        AlsConfig cfg = AlsConfig.defaults();
        assertTrue(cfg.implicit);
        assertTrue(new AlsConfig(3, 1, 0.1, 1, Regularization.L2, Solver.CG, 2, 1L, 1).implicit);
        AlsConfig ex = cfg.withImplicit(false);
        // every with... keeps it
        for (AlsConfig c :
                new AlsConfig[] {
                    ex.withRank(3),
                    ex.withIterations(2),
                    ex.withLambda(1),
                    ex.withAlpha(2),
                    ex.withRegularization(Regularization.WEIGHTED),
                    ex.withSolver(Solver.CG),
                    ex.withCgSteps(4),
                    ex.withSeed(3L),
                    ex.withThreads(1)
                }) {
            assertTrue(!c.implicit, c.toString());
        }
        // streaming retraining is implicit ALS on behaviour events: explicit is refused there
        assertThrows(IllegalArgumentException.class, () -> RetrainPolicy.everyEvents(ex, 10));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        RetrainPolicy.every(
                                ex, Duration.ofMinutes(1), RetrainPolicy.TimeDomain.PROCESSING));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int d = 0; d < a.length; d++) {
            s += a[d] * b[d];
        }
        return s;
    }
}

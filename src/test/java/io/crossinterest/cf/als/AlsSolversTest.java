package io.crossinterest.cf.als;

import io.crossinterest.data.InteractionMatrix;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AlsSolvers}: the distributed ALS (a Flink job at parallelism N) and the in-process solver
 * (parallelism 1) give the same factors for the same seed, for implicit feedback and explicit
 * ratings, including the zero factors of a user and an item without any entry.
 */
class AlsSolversTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(3)
                            .build());

    /**
     * A planted matrix plus one user (the last row) and one item (the last column) without any
     * entry.
     */
    private static InteractionMatrix matrix() {
        InteractionMatrix planted = new PlantedData(150, 60, 3, 8, 21L).train;
        InteractionMatrix.Builder b =
                new InteractionMatrix.Builder(planted.numRows() + 1, planted.numCols() + 1);
        for (int u = 0; u < planted.numRows(); u++) {
            for (int q = planted.rowStart(u); q < planted.rowEnd(u); q++) {
                b.add(
                        u,
                        planted.col(q),
                        1 + (u + q) % 4); // ratings 1..4, so that explicit ALS has something to fit
            }
        }
        return b.build();
    }

    private static void assertSameFactors(AlsResult want, AlsResult got, String what) {
        assertEquals(want.users.numRows(), got.users.numRows(), what);
        assertEquals(want.items.numRows(), got.items.numRows(), what);
        for (int u = 0; u < want.users.numRows(); u++) {
            assertArrayEquals(want.users.row(u), got.users.row(u), 1e-6, what + ", user " + u);
        }
        for (int i = 0; i < want.items.numRows(); i++) {
            assertArrayEquals(want.items.row(i), got.items.row(i), 1e-6, what + ", item " + i);
        }
    }

    /** Large sides are cut so that no block's factors pass the bound (256 MiB). */
    @Test
    void blocksStayUnderTheRecordBoundAndNeverFewerThanSubtasks() {
        // small data: one block per subtask, as before
        assertEquals(1, AlsSolvers.numBlocks(5_000, 20_000, 64, 1));
        assertEquals(2, AlsSolvers.numBlocks(5_000, 20_000, 64, 2));
        // the power-law matrix of the benchmark: 140,000 users of rank 64 = 71.7 MB, one block
        // per subtask
        assertEquals(1, AlsSolvers.numBlocks(140_000, 60_000, 64, 1));
        assertEquals(2, AlsSolvers.numBlocks(140_000, 60_000, 64, 2));
        // 1.2M users of rank 64 = 614 MB: cut into blocks of at most the bound
        int blocks = AlsSolvers.numBlocks(1_200_000, 60_000, 64, 1);
        assertEquals(3, blocks);
        assertTrue(1_200_000L * 64 * Double.BYTES / blocks <= AlsSolvers.MAX_BLOCK_BYTES);
        assertEquals(blocks, AlsSolvers.numBlocks(1_200_000, 60_000, 64, 2));
        assertEquals(8, AlsSolvers.numBlocks(1_200_000, 60_000, 64, 8));
    }

    @Test
    void implicitFactorsAreTheSameInProcessAndAtParallelismTwoAndThree() {
        InteractionMatrix r = matrix();
        AlsConfig cfg =
                AlsConfig.defaults()
                        .withRank(5)
                        .withIterations(4)
                        .withLambda(0.1)
                        .withAlpha(10.0)
                        .withSeed(7L)
                        .withThreads(2);
        AlsResult local = AlsSolvers.fit(r, cfg);
        assertTrue(local.users.row(3)[0] != 0, "a trained factor is not zero");
        for (int p = 2; p <= 3; p++) {
            assertSameFactors(local, AlsSolvers.fit(r, cfg.withParallelism(p)), "parallelism " + p);
        }
        int lastUser = r.numRows() - 1;
        int lastItem = r.numCols() - 1;
        assertArrayEquals(new double[5], local.users.row(lastUser), 0.0, "a user without entries");
        assertArrayEquals(new double[5], local.items.row(lastItem), 0.0, "an item without entries");
    }

    @Test
    void explicitWeightedFactorsAreTheSameInProcessAndAtParallelismTwo() {
        InteractionMatrix r = matrix();
        AlsConfig cfg =
                AlsConfig.defaults()
                        .withImplicit(false)
                        .withRank(4)
                        .withIterations(5)
                        .withLambda(0.05)
                        .withRegularization(AlsConfig.Regularization.WEIGHTED)
                        .withSeed(3L)
                        .withThreads(1);
        assertSameFactors(
                AlsSolvers.fit(r, cfg), AlsSolvers.fit(r, cfg.withParallelism(2)), "explicit");
    }

    /**
     * Conjugate gradient starts each half-step from the side's current factors, which the
     * distributed graph carries from one half-step of a side to its next: the same factors as in
     * process, at one block per subtask and at more blocks than subtasks.
     */
    @Test
    void conjugateGradientFactorsAreTheSameInProcessAndDistributed() {
        InteractionMatrix r = matrix();
        AlsConfig cfg =
                AlsConfig.defaults()
                        .withSolver(AlsConfig.Solver.CG)
                        .withRank(6)
                        .withIterations(3)
                        .withLambda(0.1)
                        .withAlpha(10.0)
                        .withSeed(11L)
                        .withThreads(2);
        AlsResult local = AlsSolvers.fit(r, cfg);
        assertSameFactors(local, AlsSolvers.fit(r, cfg.withParallelism(2)), "CG, parallelism 2");
        assertSameFactors(local, AlsSolvers.fitDistributed(r, cfg), "CG, parallelism 1");
    }

    /** Without iterations both give the seeded initial factors. */
    @Test
    void noIterationsGiveTheInitialFactors() {
        InteractionMatrix r = matrix();
        AlsConfig cfg = AlsConfig.defaults().withRank(4).withIterations(0).withSeed(5L);
        AlsResult local = AlsSolvers.fit(r, cfg);
        assertTrue(local.items.row(2)[0] != 0, "an initial factor is not zero");
        assertSameFactors(local, AlsSolvers.fit(r, cfg.withParallelism(2)), "no iterations");
    }

    /**
     * The distributed fit times its iterations from the job's stage end times: one figure per
     * iteration, none negative, together at most the fit's own wall time.
     */
    @Test
    void distributedFitTimesEachIteration() {
        InteractionMatrix r = matrix();
        AlsConfig cfg = AlsConfig.defaults().withRank(4).withIterations(3).withParallelism(2);
        long t0 = System.nanoTime();
        AlsResult result = AlsSolvers.fit(r, cfg);
        double wall = (System.nanoTime() - t0) / 1e9;
        assertEquals(3, result.secondsPerIteration.length);
        double sum = 0;
        for (double s : result.secondsPerIteration) {
            assertTrue(s >= 0, "seconds of an iteration: " + s);
            sum += s;
        }
        assertTrue(sum <= wall, sum + " s of iterations in a fit of " + wall + " s");
    }

    /**
     * Iteration t lasts from the end of the stage before it (the later side's initial factors for t
     * = 1) to the end of its user half-step.
     */
    @Test
    void iterationSecondsComeFromStageEnds() {
        Map<String, Object> acc = new HashMap<>();
        acc.put(AlsBlocks.stageEnd(AlsBlocks.USER_START), 1_000L);
        acc.put(AlsBlocks.stageEnd(AlsBlocks.ITEM_START), 1_500L);
        acc.put(AlsBlocks.stageEnd(AlsBlocks.itemStep(1)), 1_900L);
        acc.put(AlsBlocks.stageEnd(AlsBlocks.userStep(1)), 2_250L);
        acc.put(AlsBlocks.stageEnd(AlsBlocks.itemStep(2)), 2_600L);
        acc.put(AlsBlocks.stageEnd(AlsBlocks.userStep(2)), 3_000L);
        assertArrayEquals(new double[] {0.75, 0.75}, AlsBlocks.secondsPerIteration(acc, 2), 1e-12);
        acc.remove(AlsBlocks.stageEnd(AlsBlocks.userStep(2)));
        assertEquals(0, AlsBlocks.secondsPerIteration(acc, 2).length, "a stage without its time");
    }

    @Test
    void parallelismMustBePositive() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> AlsConfig.defaults().withParallelism(0));
        assertTrue(e.getMessage().contains("parallelism must be >= 1"), e.getMessage());
        assertEquals(1, AlsConfig.defaults().parallelism);
        assertEquals(
                4,
                AlsConfig.defaults().withParallelism(4).withRank(3).withSeed(2L).parallelism,
                "the with-methods keep the parallelism");
    }
}

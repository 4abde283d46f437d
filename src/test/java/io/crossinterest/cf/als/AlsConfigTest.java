package io.crossinterest.cf.als;

import io.crossinterest.cf.als.AlsConfig.Regularization;
import io.crossinterest.cf.als.AlsConfig.Solver;
import io.crossinterest.eval.ModelSettings;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The in-process settings and the Flink ML parameters describe ALS once: the same defaults,
 * lossless both ways.
 */
class AlsConfigTest {

    @Test
    void theDefaultsAreTheParametersDefaults() {
        AlsConfig d = AlsConfig.defaults();
        assertEquals(AlsParams.RANK.defaultValue, d.rank);
        assertEquals(AlsParams.MAX_ITER.defaultValue, d.iterations);
        assertEquals(AlsParams.REG_PARAM.defaultValue, d.lambda);
        assertEquals(AlsParams.ALPHA.defaultValue, d.alpha);
        assertEquals(AlsParams.REGULARIZATION.defaultValue, d.regularization.paramValue());
        assertEquals(AlsParams.SOLVER.defaultValue, d.solver.paramValue());
        assertEquals(AlsParams.CG_STEPS.defaultValue, d.cgSteps);
        assertEquals(AlsParams.SEED.defaultValue, d.seed);
        assertEquals(AlsParams.IMPLICIT.defaultValue, d.implicit);
        assertEquals(Runtime.getRuntime().availableProcessors(), d.threads);
        assertEquals(1, d.parallelism);
        // the values every published result was fitted with
        assertEquals(
                new AlsConfig(
                        10,
                        10,
                        0.1,
                        1.0,
                        Regularization.L2,
                        Solver.CHOLESKY,
                        3,
                        0L,
                        Runtime.getRuntime().availableProcessors(),
                        true,
                        1),
                d);
        // an estimator left at its defaults fits what the in-process defaults fit
        assertEquals(d, AlsConfig.from(new Als()));
    }

    @Test
    void aConfigGoesThroughTheParametersAndBackUnchanged() {
        AlsConfig c =
                new AlsConfig(
                        7, 0, 0.25, 4.5, Regularization.WEIGHTED, Solver.CG, 2, -3L, 3, false, 4);
        Als als = new Als().setConfig(c);
        assertEquals(7, als.getRank());
        assertEquals(0, als.getMaxIter());
        assertEquals("weighted", als.getRegularization());
        assertEquals("cg", als.getSolver());
        assertEquals(-3L, als.getSeed());
        // threads and parallelism are where to run, not parameters of the fit
        assertEquals(c, AlsConfig.from(als).withThreads(3).withParallelism(4));
        assertNotEquals(c, c.withSeed(1L));
    }

    @Test
    void theComparisonsFactorisationsDifferFromTheDefaultsOnlyInWhatTheyName() {
        ModelSettings s = new ModelSettings(5L, 16, 4, 3, 2, 1);
        AlsConfig expected =
                AlsConfig.defaults()
                        .withRank(16)
                        .withIterations(4)
                        .withSeed(5L)
                        .withThreads(2)
                        .withLambda(AlsConfig.IMPLICIT_LAMBDA)
                        .withAlpha(AlsConfig.IMPLICIT_ALPHA);
        assertEquals(expected, s.als());
        assertEquals(0.1, s.als().lambda);
        assertEquals(10.0, s.als().alpha);
    }
}

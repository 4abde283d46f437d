package io.crossinterest.cf.als;

import io.crossinterest.cf.als.AlsConfig.Regularization;
import io.crossinterest.cf.als.AlsConfig.Solver;
import io.crossinterest.data.InteractionMatrix;

import dev.ludovic.netlib.BLAS;
import dev.ludovic.netlib.JavaBLAS;
import dev.ludovic.netlib.NativeBLAS;
import dev.ludovic.netlib.blas.F2jBLAS;
import dev.ludovic.netlib.blas.Java8BLAS;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernels' level-1/2 BLAS: the JVM's own, and the factors do not depend on which implementation
 * runs them.
 */
class AlsKernelsTest {

    @Test
    void levelOneTwoBlasIsTheJvmsOwnWhateverTheMachineHas() {
        assertTrue(AlsKernels.JAVA_BLAS instanceof JavaBLAS, AlsKernels.blasName());
        assertFalse(AlsKernels.JAVA_BLAS instanceof NativeBLAS, AlsKernels.blasName());
        assertEquals(AlsKernels.blasName(), ImplicitAls.levelOneTwoBlas());
    }

    /**
     * One half-step (every row of R against fixed Y, CG warm-started from the same X) with the
     * kernels' BLAS and with other implementations: F2jBLAS (the reference Fortran translated to
     * Java), Java8BLAS (plain loops) and, where the machine has a libblas.so.3, the native one
     * through JNI. They differ only in the order of floating-point sums.
     */
    @ParameterizedTest
    @CsvSource({"CHOLESKY, true", "CG, true", "CHOLESKY, false", "CG, false"})
    void halfStepFactorsDoNotDependOnTheBlasImplementation(Solver solver, boolean implicit) {
        PlantedData d = new PlantedData(700, 500, 4, 10, 9L);
        int k = 16;
        AlsConfig cfg =
                new AlsConfig(k, 1, 0.1, 2.0, Regularization.WEIGHTED, solver, 3, 5L, 1, implicit);
        double[] y = Factors.random(d.train.numCols(), k, 5L, 1).data();
        double[] gram = implicit ? ImplicitAls.gram(y, d.train.numCols(), k) : null;
        double[] expected = halfStep(d.train, y, gram, cfg, AlsKernels.JAVA_BLAS);
        List<BLAS> others =
                new ArrayList<>(List.of(F2jBLAS.getInstance(), Java8BLAS.getInstance()));
        NativeBLAS machine = machineBlas();
        if (machine != null) {
            others.add(machine);
        }
        for (BLAS other : others) {
            double[] x = halfStep(d.train, y, gram, cfg, other);
            for (int i = 0; i < x.length; i++) {
                assertEquals(
                        expected[i],
                        x[i],
                        1e-9 * (1 + Math.abs(expected[i])),
                        other.getClass().getSimpleName() + " at " + i);
            }
        }
    }

    private static double[] halfStep(
            InteractionMatrix r, double[] y, double[] gram, AlsConfig cfg, BLAS blas) {
        double[] x = Factors.random(r.numRows(), cfg.rank, 5L, 0).data(); // the CG's warm start
        try (AlsKernels.Workspace ws = new AlsKernels.Workspace(cfg.rank, blas)) {
            for (int from = 0; from < r.numRows(); from += AlsKernels.CHUNK) {
                AlsKernels.solveChunk(
                        r,
                        from,
                        Math.min(r.numRows(), from + AlsKernels.CHUNK),
                        y,
                        gram,
                        cfg,
                        x,
                        ws);
            }
        }
        return x;
    }

    /** The machine's libblas.so.3 through JNI, or null where there is none. */
    private static NativeBLAS machineBlas() {
        try {
            return NativeBLAS.getInstance();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}

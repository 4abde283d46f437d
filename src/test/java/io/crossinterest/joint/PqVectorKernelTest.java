package io.crossinterest.joint;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PqVectorKernelTest {
    /**
     * The test JVM has the Vector API (the root pom's jdk17.flags add it, as the launcher and conf/
     * do), so the stream scorer's kernel is the one the suite runs.
     */
    @Test
    void theTestJvmHasTheVectorApi() {
        assertTrue(JointScorer.VECTOR_API, "jdk.incubator.vector is not in the test JVM");
    }

    /**
     * Every lane adds the bias, then p_j·q_vj for j = 0..k-1, one rounding each, as a dot product
     * per item does: the same doubles to the bit, for ranks with and without a remainder, with and
     * without a bias, over a range whose end is not a whole number of vectors.
     */
    @Test
    void theScoresAreTheDotProductsToTheBit() {
        Random rnd = new Random(7);
        for (int rank : new int[] {32, 7, 1}) {
            for (boolean withBias : new boolean[] {true, false}) {
                int numItems = 1_000;
                double[] qByRank = new double[rank * numItems];
                for (int i = 0; i < qByRank.length; i++) {
                    qByRank[i] = (float) rnd.nextGaussian(); // Q is float, held widened
                }
                double[] bias = null;
                if (withBias) {
                    bias = new double[numItems];
                    for (int v = 0; v < numItems; v++) {
                        bias[v] = (float) rnd.nextGaussian();
                    }
                }
                int users = 3;
                float[][] phat = new float[users][rank];
                for (float[] p : phat) {
                    for (int j = 0; j < rank; j++) {
                        p[j] = (float) rnd.nextGaussian();
                    }
                }
                double[][] out = new double[users][numItems];
                int from = 3; // not on a vector boundary
                int to = 997;
                PqVectorKernel.scores(qByRank, bias, rank, numItems, phat, out, users, from, to);
                for (int r = 0; r < users; r++) {
                    double[] want = new double[numItems];
                    for (int v = from; v < to; v++) {
                        double x = bias == null ? 0.0 : bias[v];
                        for (int j = 0; j < rank; j++) {
                            x += (double) phat[r][j] * qByRank[j * numItems + v];
                        }
                        want[v] = x;
                    }
                    assertArrayEquals(
                            want,
                            out[r],
                            0.0,
                            "rank " + rank + ", bias " + withBias + ", user " + r);
                }
            }
        }
    }
}

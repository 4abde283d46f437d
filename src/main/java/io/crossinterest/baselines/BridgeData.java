package io.crossinterest.baselines;

import io.crossinterest.cf.als.Factors;
import io.crossinterest.eval.CrossDomainSplit;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.stream.IntStream;

/**
 * Moving factor rows between {@link Factors} and ND4J arrays for the bridge models (EMCDR,
 * PTUPCDR).
 */
final class BridgeData {
    private BridgeData() {}

    /** Warm users with source rows: the users a source → target bridge is trained on. */
    static int[] warmWithSource(CrossDomainSplit split) {
        return IntStream.of(split.warmUsers).filter(u -> split.source.rowLength(u) > 0).toArray();
    }

    /** hasTargetRows[u]: u has target training rows (a warm user). */
    static boolean[] hasTargetRows(CrossDomainSplit split) {
        boolean[] w = new boolean[split.numUsers()];
        for (int u = 0; u < w.length; u++) {
            w[u] = split.targetTrain.rowLength(u) > 0;
        }
        return w;
    }

    /** Every user with source rows (the bridge can map them). */
    static int[] usersWithSource(CrossDomainSplit split) {
        return IntStream.range(0, split.numUsers())
                .filter(u -> split.source.rowLength(u) > 0)
                .toArray();
    }

    /** The rows {@code users} of f as a float matrix |users| × k. */
    static INDArray rows(Factors f, int[] users) {
        int k = f.rank();
        float[][] a = new float[users.length][k];
        double[] d = f.data();
        for (int r = 0; r < users.length; r++) {
            int off = f.offset(users[r]);
            for (int j = 0; j < k; j++) {
                a[r][j] = (float) d[off + j];
            }
        }
        return Nd4j.create(a);
    }

    /** A numUsers × k factor matrix with row users[r] = m[r] and zeros elsewhere. */
    static Factors scatter(INDArray m, int[] users, int numUsers, int k) {
        double[] d = new double[numUsers * k];
        double[][] rows = m.toDoubleMatrix();
        for (int r = 0; r < users.length; r++) {
            System.arraycopy(rows[r], 0, d, users[r] * k, k);
        }
        return new Factors(numUsers, k, d);
    }
}

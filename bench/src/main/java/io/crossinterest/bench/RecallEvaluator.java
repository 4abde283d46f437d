package io.crossinterest.bench;

import io.crossinterest.data.InteractionMatrix;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Full-ranking recall@10 of a factor model on a leave-one-out split: for each evaluation user, the
 * held-out item counts as a hit when fewer than 10 items the user has not seen in training score
 * higher. Scores S = Yᵀ X_batch for 64 users at a time (one OpenBLAS dgemm), so both models are
 * ranked by the same code.
 */
final class RecallEvaluator {
    private RecallEvaluator() {}

    /** users: row-major U × k; items: row-major I × k. */
    static double recallAt10(BenchData data, double[] users, double[] items, int k) {
        InteractionMatrix train = data.train;
        int numItems = train.numCols();
        int batch = 64;
        int[] eval = data.evalUsers;
        int hits = 0;
        try (DoublePointer y = new DoublePointer(items);
                DoublePointer x = new DoublePointer((long) batch * k);
                DoublePointer s = new DoublePointer((long) batch * numItems)) {
            double[] xs = new double[batch * k];
            double[] scores = new double[batch * numItems];
            for (int start = 0; start < eval.length; start += batch) {
                int b = Math.min(batch, eval.length - start);
                for (int j = 0; j < b; j++) {
                    System.arraycopy(users, eval[start + j] * k, xs, j * k, k);
                }
                x.position(0).put(xs, 0, b * k);
                // S (I × b, column-major) = Yᵀ X: column j holds the scores of user j against every
                // item
                openblas.cblas_dgemm(
                        openblas.CblasColMajor,
                        openblas.CblasTrans,
                        openblas.CblasNoTrans,
                        numItems,
                        b,
                        k,
                        1.0,
                        y,
                        k,
                        x,
                        k,
                        0.0,
                        s,
                        numItems);
                s.position(0).get(scores, 0, b * numItems);
                for (int j = 0; j < b; j++) {
                    int u = eval[start + j];
                    int off = j * numItems;
                    for (int q = train.rowStart(u); q < train.rowEnd(u); q++) {
                        scores[off + train.col(q)] = Double.NEGATIVE_INFINITY;
                    }
                    double target = scores[off + data.heldOut[u]];
                    int better = 0;
                    for (int i = 0; i < numItems && better < 10; i++) {
                        if (scores[off + i] > target) {
                            better++;
                        }
                    }
                    if (better < 10) {
                        hits++;
                    }
                }
            }
        }
        return eval.length == 0 ? 0 : hits / (double) eval.length;
    }
}

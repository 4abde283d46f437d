package io.crossinterest.neighbours;

import io.crossinterest.data.InteractionMatrix;

/**
 * How popular each target item is in training: the popularity baseline's scores, the tie-break of
 * the neighbour models, and the joint model's prior log(1 + n_v) of its ranking head's bias.
 */
public final class PopularityCounts {
    /**
     * How an item's popularity is counted: training users Σ_u [r_ui &gt; 0], or interaction
     * strength Σ_u r_ui.
     */
    public enum Count {
        USERS,
        WEIGHT
    }

    private PopularityCounts() {}

    /** Column sums of the target training matrix: Σ_u [r_ui &gt; 0] or Σ_u r_ui. */
    public static double[] of(InteractionMatrix targetTrain, Count c) {
        double[] s = new double[targetTrain.numCols()];
        for (int k = 0; k < targetTrain.nnz(); k++) {
            s[targetTrain.col(k)] += c == Count.USERS ? 1.0 : targetTrain.value(k);
        }
        return s;
    }
}

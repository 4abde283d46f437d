package io.crossinterest.joint;

/**
 * Early stopping of one training run on a validation criterion (higher is better). The run is a
 * path: its start (before training, "epoch -1") and then each epoch. Training stops when {@code
 * patience} epochs in a row have not beaten the path's best; the path's best is kept.
 *
 * <p>Candidates off the path (the joint model's bridge alone: its start with the ranking head's
 * bias at 0) do not take part in early stopping. They are compared with the path's best once, at
 * the end ({@link #prefers}). Counting patience against such a candidate would end training early
 * whenever it scores above the start, though the path may still climb past it (docs/joint-model.md,
 * change 12).
 */
final class EarlyStopping {
    private final int patience;
    private double best;
    private int bestEpoch = -1;
    private int sinceBest;

    /**
     * @param start the criterion of the start, before training
     * @param patience epochs without improvement after which {@link #stop()} is true (at least 1)
     */
    EarlyStopping(double start, int patience) {
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be >= 1: " + patience);
        }
        this.patience = patience;
        this.best = start;
    }

    /**
     * Records epoch {@code epoch}'s criterion; true when it is the path's new best (keep its
     * weights).
     */
    boolean offer(int epoch, double criterion) {
        if (criterion > best) {
            best = criterion;
            bestEpoch = epoch;
            sinceBest = 0;
            return true;
        }
        sinceBest++;
        return false;
    }

    /** True once {@code patience} epochs in a row have not improved on the path's best. */
    boolean stop() {
        return sinceBest >= patience;
    }

    /** The path's best criterion (the start's when no epoch beat it). */
    double best() {
        return best;
    }

    /** The epoch of the path's best; -1 for the start. */
    int bestEpoch() {
        return bestEpoch;
    }

    /**
     * Whether a candidate off the path with criterion {@code other} beats the path's best (ties
     * keep the path).
     */
    boolean prefers(double other) {
        return other > best;
    }
}

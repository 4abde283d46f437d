package io.crossinterest.matrix;

import io.crossinterest.data.InteractionMatrix;

import java.util.Arrays;

/**
 * Fills missing entries of the user × category matrix O before training (the seed's preprocessing
 * step). Observed entries are never changed; a method writes an estimate for a missing (u, c) or
 * leaves it missing.
 *
 * <ul>
 *   <li><b>mean</b>: x̂_uc = the mean of column c over its observed entries, μ_c = Σ_{v ∈ obs(c)}
 *       x_vc / |obs(c)|. Every missing entry gets a value (the output is dense: |users| ×
 *       |categories| entries).
 *   <li><b>knn</b>: the k nearest users by cosine similarity over the observed categories (missing
 *       entries count as 0), s_uv = Σ_c x_uc x_vc / (‖x_u‖ ‖x_v‖), keeping only s_uv &gt; 0 and the
 *       k largest (ties: lower user index); then x̂_uc = Σ_{v ∈ N_k(u) ∩ obs(c)} s_uv x_vc / Σ_{v ∈
 *       N_k(u) ∩ obs(c)} s_uv, the similarity-weighted mean of the neighbours that observed c. An
 *       entry no neighbour observed stays missing. Cost: similarities through the category → users
 *       index, Σ_c |obs(c)|² in total, and O(|N_k(u)| · row length) per user to impute.
 * </ul>
 */
public final class Imputation {
    private Imputation() {}

    /** Receives the entries of one row in column order. */
    @FunctionalInterface
    public interface EntrySink {
        void accept(int row, int col, double value, boolean imputed);
    }

    /** μ_c for each column, NaN for a column with no observed entry. */
    public static double[] columnMeans(InteractionMatrix o) {
        double[] sum = new double[o.numCols()];
        int[] n = new int[o.numCols()];
        for (int k = 0; k < o.nnz(); k++) {
            sum[o.col(k)] += o.value(k);
            n[o.col(k)]++;
        }
        double[] mean = new double[sum.length];
        for (int c = 0; c < sum.length; c++) {
            mean[c] = n[c] == 0 ? Double.NaN : sum[c] / n[c];
        }
        return mean;
    }

    /** The observed entries only, row by row. */
    public static void none(InteractionMatrix o, EntrySink out) {
        for (int u = 0; u < o.numRows(); u++) {
            for (int k = o.rowStart(u); k < o.rowEnd(u); k++) {
                out.accept(u, o.col(k), o.value(k), false);
            }
        }
    }

    /** Observed entries and, for every missing one, its column mean. */
    public static void mean(InteractionMatrix o, EntrySink out) {
        double[] mu = columnMeans(o);
        for (int u = 0; u < o.numRows(); u++) {
            int k = o.rowStart(u);
            for (int c = 0; c < o.numCols(); c++) {
                if (k < o.rowEnd(u) && o.col(k) == c) {
                    out.accept(u, c, o.value(k), false);
                    k++;
                } else if (!Double.isNaN(mu[c])) {
                    out.accept(u, c, mu[c], true);
                }
            }
        }
    }

    /**
     * Observed entries and the k-nearest-neighbour estimate of every missing entry some neighbour
     * observed.
     */
    public static void knn(InteractionMatrix o, int k, EntrySink out) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1: " + k);
        }
        InteractionMatrix byCol = o.transpose(); // category → users who observed it
        int users = o.numRows();
        double[] norm = new double[users];
        for (int u = 0; u < users; u++) {
            double s = 0;
            for (int p = o.rowStart(u); p < o.rowEnd(u); p++) {
                s += o.value(p) * o.value(p);
            }
            norm[u] = Math.sqrt(s);
        }
        double[] dot = new double[users];
        int[] touched = new int[users];
        boolean[] seen = new boolean[users];
        double[] num = new double[o.numCols()];
        double[] den = new double[o.numCols()];
        int[] cols = new int[o.numCols()];
        for (int u = 0; u < users; u++) {
            // dot(u, v) for every v sharing a category with u
            int nt = 0;
            for (int p = o.rowStart(u); p < o.rowEnd(u); p++) {
                int c = o.col(p);
                double x = o.value(p);
                for (int q = byCol.rowStart(c); q < byCol.rowEnd(c); q++) {
                    int v = byCol.col(q);
                    if (v == u) {
                        continue;
                    }
                    if (!seen[v]) {
                        seen[v] = true;
                        touched[nt++] = v;
                    }
                    dot[v] += x * byCol.value(q);
                }
            }
            int[] nbrs = topK(touched, nt, dot, norm, u, k);
            double[] sims = new double[nbrs.length];
            for (int i = 0; i < nbrs.length; i++) {
                sims[i] = dot[nbrs[i]] / (norm[u] * norm[nbrs[i]]);
            }
            for (int i = 0; i < nt; i++) {
                dot[touched[i]] = 0;
                seen[touched[i]] = false;
            }
            // similarity-weighted mean over the neighbours that observed each category (only those
            // columns)
            int nc = 0;
            for (int i = 0; i < nbrs.length; i++) {
                int v = nbrs[i];
                for (int p = o.rowStart(v); p < o.rowEnd(v); p++) {
                    int c = o.col(p);
                    if (den[c] == 0) {
                        cols[nc++] = c;
                    }
                    num[c] += sims[i] * o.value(p);
                    den[c] += sims[i];
                }
            }
            Arrays.sort(cols, 0, nc);
            int p = o.rowStart(u);
            int q = 0;
            while (p < o.rowEnd(u)
                    || q < nc) { // merge the observed row and the neighbours' columns, in column
                // order
                int observed = p < o.rowEnd(u) ? o.col(p) : Integer.MAX_VALUE;
                int candidate = q < nc ? cols[q] : Integer.MAX_VALUE;
                if (observed <= candidate) {
                    out.accept(u, observed, o.value(p), false);
                    p++;
                    if (candidate == observed) {
                        q++;
                    }
                } else {
                    out.accept(u, candidate, num[candidate] / den[candidate], true);
                    q++;
                }
            }
            for (int i = 0; i < nc; i++) {
                num[cols[i]] = 0;
                den[cols[i]] = 0;
            }
        }
    }

    /** The (at most) k users with the largest positive cosine to u; ties broken by lower index. */
    private static int[] topK(int[] cand, int n, double[] dot, double[] norm, int u, int k) {
        Integer[] order = new Integer[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            int v = cand[i];
            if (dot[v] > 0 && norm[v] > 0 && norm[u] > 0) {
                order[m++] = v;
            }
        }
        Integer[] pos = Arrays.copyOf(order, m);
        Arrays.sort(
                pos,
                (a, b) -> {
                    double sa = dot[a] / norm[a];
                    double sb = dot[b] / norm[b];
                    int cmp = Double.compare(sb, sa);
                    return cmp != 0 ? cmp : Integer.compare(a, b);
                });
        int take = Math.min(k, m);
        int[] out = new int[take];
        for (int i = 0; i < take; i++) {
            out[i] = pos[i];
        }
        return out;
    }
}

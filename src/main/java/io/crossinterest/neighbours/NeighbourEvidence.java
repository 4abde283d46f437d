package io.crossinterest.neighbours;

import io.crossinterest.data.InteractionMatrix;
import io.crossinterest.data.Ranking;

import java.util.Arrays;

/**
 * What a user's nearest warm users did in the target block, with "near" measured in the source
 * block's CF space:
 *
 * <pre>
 *   sim(u, w) = max(0, cos(S_u, S_w)),   N_K(u) = the K candidates w ≠ u of largest sim (sim &gt; 0)
 *   n_u(v)    = Σ_{w ∈ N_K(u)} sim(u, w)·[v ∈ T_w] / Σ_{w ∈ N_K(u)} sim(u, w)·|T_w|
 * </pre>
 *
 * n_u is a distribution over target items (all zeros when no candidate is similar). S are
 * source-block user factors, T the target training rows, the candidates the warm users with target
 * rows. Used as a model by itself (source-knn, {@code baselines.SourceNeighbours}, scored by {@link
 * #score}) and as the neighbourhood teacher of the joint model's ranking loss.
 */
public final class NeighbourEvidence {
    private final InteractionMatrix target;
    private final int rank;

    /** Unit-length rows of S (zero rows stay zero), row-major. */
    private final double[] unit;

    private final int[] candidates;

    /**
     * {@code sourceFactors}: row-major users × {@code rank}; {@code candidates}: users with rows in
     * {@code target}.
     */
    public NeighbourEvidence(
            double[] sourceFactors, int rank, InteractionMatrix target, int[] candidates) {
        this.target = target;
        this.rank = rank;
        this.candidates = candidates.clone();
        this.unit = sourceFactors.clone();
        for (int u = 0; u < unit.length / rank; u++) {
            double n = 0;
            for (int j = 0; j < rank; j++) {
                n += unit[u * rank + j] * unit[u * rank + j];
            }
            if (n > 0) {
                double inv = 1.0 / Math.sqrt(n);
                for (int j = 0; j < rank; j++) {
                    unit[u * rank + j] *= inv;
                }
            }
        }
    }

    public int numCandidates() {
        return candidates.length;
    }

    /**
     * The K nearest similar candidates of a user (sim &gt; 0), nearest first, and their
     * similarities.
     */
    public record Neighbours(int[] users, double[] sims) {}

    /** N_K(u) with sim(u, w) for each neighbour (empty when no candidate is similar). */
    public Neighbours neighbours(int user, int k) {
        double[] sim = new double[candidates.length];
        int uo = user * rank;
        for (int i = 0; i < candidates.length; i++) {
            if (candidates[i] == user) {
                sim[i] = -1; // never one's own neighbour
                continue;
            }
            int wo = candidates[i] * rank;
            double d = 0;
            for (int j = 0; j < rank; j++) {
                d += unit[uo + j] * unit[wo + j];
            }
            sim[i] = d;
        }
        int[] top = Ranking.topK(sim, null, k, 0L);
        int n = 0;
        while (n < top.length && sim[top[n]] > 0) {
            n++;
        }
        int[] users = new int[n];
        double[] sims = new double[n];
        for (int r = 0; r < n; r++) {
            users[r] = candidates[top[r]];
            sims[r] = sim[top[r]];
        }
        return new Neighbours(users, sims);
    }

    /**
     * source-knn's score of every target item: score(u, v) = n_u(v) + 1e-9·popularity(v) (the
     * popularity only breaks ties; {@link PopularityCounts}).
     */
    public void score(int user, int k, double[] popularity, double[] out) {
        distribution(user, k, out);
        for (int v = 0; v < out.length; v++) {
            out[v] += 1e-9 * popularity[v];
        }
    }

    /**
     * Writes n_u over the target items into {@code out}; returns false when u has no similar
     * candidate.
     */
    public boolean distribution(int user, int k, double[] out) {
        return distribution(neighbours(user, k), out);
    }

    /**
     * n_u from already found neighbours (a caller that needs n_u repeatedly keeps them); false when
     * there are none.
     */
    public boolean distribution(Neighbours nb, double[] out) {
        Arrays.fill(out, 0.0);
        double total = 0;
        for (int r = 0; r < nb.users().length; r++) {
            int w = nb.users()[r];
            for (int e = target.rowStart(w); e < target.rowEnd(w); e++) {
                out[target.col(e)] += nb.sims()[r];
                total += nb.sims()[r];
            }
        }
        if (total == 0) {
            return false;
        }
        for (int v = 0; v < out.length; v++) {
            out[v] /= total;
        }
        return true;
    }
}

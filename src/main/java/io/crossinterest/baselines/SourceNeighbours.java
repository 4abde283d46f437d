package io.crossinterest.baselines;

import io.crossinterest.cf.als.AlsResult;
import io.crossinterest.data.InteractionMatrix;
import io.crossinterest.eval.ColdStartEvaluator;
import io.crossinterest.eval.ColdStartModel;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.ModelSettings;
import io.crossinterest.eval.RankingMetrics;
import io.crossinterest.eval.SelectionReport;
import java.util.Arrays;
import java.util.Locale;

/**
 * Transfer by neighbours in the source block's CF space (not one of DESIGN's five baselines: added because it measured
 * strongest on the Amazon pairs, see docs/joint-model.md). The source block is factorised with the same implicit ALS
 * as the bridge baselines ({@link Factorizations#source}); a user u is scored by the target training rows of the K warm
 * users whose source factors point the most the same way:
 * <pre>
 *   sim(u, w) = max(0, cos(P^s_u, P^s_w)),   N_K(u) = the K warm users (with target rows, w ≠ u) of largest sim
 *   score(u, v) = Σ_{w ∈ N_K(u)} sim(u, w)·[v ∈ T_w] / Σ_{w ∈ N_K(u)} sim(u, w)·|T_w|   (+ 1e-9·popularity, ties)
 * </pre>
 * — the share of the neighbours' target behaviour that item v holds. Unlike a map into the target block's rank-k
 * factors (EMCDR, PTUPCDR, the joint model's P̂·Q), the neighbours' raw target items are the evidence, so nothing is
 * lost to the target factorisation and nothing has to be learnt from the few overlapping users. K is selected on the
 * validation cold users from {@link #CANDIDATE_K}.
 */
public final class SourceNeighbours implements ColdStartModel, SelectionReport {
    public static final String NAME = "source-knn";
    static final int[] CANDIDATE_K = {50, 100, 300, 1000};

    private final ModelSettings settings;
    private InteractionMatrix target;
    /** Unit-length source factors of every user (zero rows stay zero), row-major. */
    private double[] unit;
    private int rank;
    /** Warm users with target training rows: the candidate neighbours. */
    private int[] warm;
    private double[] popularity;
    private int k;
    private double validationNdcg = Double.NaN;

    public SourceNeighbours(ModelSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void fit(CrossDomainSplit split) {
        AlsResult source = Factorizations.source(split, settings);
        target = split.targetTrain;
        rank = source.users.rank();
        unit = source.users.data().clone();
        for (int u = 0; u < source.users.numRows(); u++) {
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
        warm = Arrays.stream(split.warmUsers).filter(u -> target.rowLength(u) > 0).toArray();
        if (warm.length == 0) {
            throw new IllegalStateException("source-knn needs warm users with target rows; the split has none");
        }
        popularity = new double[split.numTargetItems()];
        for (int e = 0; e < target.nnz(); e++) {
            popularity[target.col(e)] += 1;
        }
        double best = Double.NEGATIVE_INFINITY;
        int bestK = CANDIDATE_K[0];
        for (int candidate : CANDIDATE_K) {
            if (candidate > warm.length && candidate != CANDIDATE_K[0]) {
                break;
            }
            k = candidate;
            double v = ColdStartEvaluator.validationNdcg(split, this::scoreItems);
            if (v > best) {
                best = v;
                bestK = candidate;
            }
        }
        k = bestK;
        validationNdcg = best;
    }

    @Override
    public void scoreItems(int user, double[] out) {
        // sim to every warm user: one dot product of unit vectors each (4k warm users × rank 32 ≈ 0.1 Mflop)
        double[] sim = new double[warm.length];
        int uo = user * rank;
        for (int i = 0; i < warm.length; i++) {
            if (warm[i] == user) {
                sim[i] = -1; // never one's own neighbour
                continue;
            }
            int wo = warm[i] * rank;
            double d = 0;
            for (int j = 0; j < rank; j++) {
                d += unit[uo + j] * unit[wo + j];
            }
            sim[i] = d;
        }
        Arrays.fill(out, 0.0);
        double total = 0;
        for (int i : RankingMetrics.topK(sim, null, k, 0L)) {
            if (sim[i] <= 0) {
                break;
            }
            int w = warm[i];
            for (int e = target.rowStart(w); e < target.rowEnd(w); e++) {
                out[target.col(e)] += sim[i];
                total += sim[i];
            }
        }
        for (int v = 0; v < out.length; v++) {
            out[v] = (total > 0 ? out[v] / total : 0.0) + 1e-9 * popularity[v];
        }
    }

    @Override
    public String selection() {
        return String.format(Locale.ROOT, "k=%d, validation ndcg@10=%.4f", k, validationNdcg);
    }
}

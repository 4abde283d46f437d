package io.crossinterest.baselines;

import io.crossinterest.cf.als.AlsResult;
import io.crossinterest.data.CrossDomainData;
import io.crossinterest.data.InteractionMatrix;
import io.crossinterest.eval.ColdStartModel;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.ModelSettings;
import io.crossinterest.eval.SelectionReport;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Transfer by neighbours in the source block's CF space (not one of DESIGN's five baselines: added because it measured
 * strongest on the Amazon pairs, see docs/joint-model.md). The source block is factorised with the same implicit ALS
 * as the bridge baselines ({@link Factorizations#source}); a user u is scored by the target training rows of the K warm
 * users whose source factors point the most the same way: score(u, v) = n_u(v) + 1e-9·popularity(v) (ties), n_u the
 * {@link NeighbourEvidence} distribution — the share of the neighbours' target behaviour that item v holds. Unlike a map into the target block's rank-k
 * factors (EMCDR, PTUPCDR, the joint model's P̂·Q), the neighbours' raw target items are the evidence, so nothing is
 * lost to the target factorisation and nothing has to be learnt from the few overlapping users. K is selected on the
 * validation cold users from {@link #CANDIDATE_K}.
 */
public final class SourceNeighbours implements ColdStartModel, SelectionReport {
    public static final String NAME = "source-knn";
    /** The candidate K, selected on the validation cold users. */
    public static final int[] CANDIDATE_K = {50, 100, 300, 1000};

    private final ModelSettings settings;
    private NeighbourEvidence evidence;
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
        InteractionMatrix target = split.targetTrain;
        int[] warm = Arrays.stream(split.warmUsers).filter(u -> target.rowLength(u) > 0).toArray();
        if (warm.length == 0) {
            throw new IllegalStateException("source-knn needs warm users with target rows; the split has none");
        }
        evidence = new NeighbourEvidence(source.users.data(), source.users.rank(), target, warm);
        popularity = Popularity.counts(target, Popularity.Count.USERS);
        KSelection selected = selectK(split, evidence, popularity);
        k = selected.k();
        validationNdcg = selected.validationNdcg()[selected.index()];
    }

    /**
     * The selected K ({@code CANDIDATE_K[index]}) and the validation NDCG@10 of every candidate, in the order of
     * {@link #CANDIDATE_K} (NaN for a K larger than the number of warm users, which is not tried).
     */
    public record KSelection(int k, int index, double[] validationNdcg) {
    }

    /**
     * The K of {@link #CANDIDATE_K} whose score(u, ·) = n_u + 1e-9·popularity ranks the validation cold users' hidden
     * target items best (NDCG@10; ties to the smaller K); {@code popularity}: the training user counts of the target
     * items ({@link Popularity#counts}). Also the joint model's rule when its teacher's K is selected.
     */
    public static KSelection selectK(CrossDomainData split, NeighbourEvidence evidence, double[] popularity) {
        return selectK(split, evidence.numCandidates(), kc -> (u, out) -> score(evidence, popularity, kc, u, out));
    }

    /**
     * The K of {@link #CANDIDATE_K} whose scorer ranks the validation cold users' hidden target items best (NDCG@10;
     * ties to the smaller K; {@link CrossDomainData#validationNdcg}). A K larger than {@code numCandidates} is not
     * tried (after the first).
     */
    public static KSelection selectK(CrossDomainData split, int numCandidates,
            IntFunction<CrossDomainData.UserScorer> scorerForK) {
        double[] ndcg = new double[CANDIDATE_K.length];
        Arrays.fill(ndcg, Double.NaN);
        int best = 0;
        for (int c = 0; c < CANDIDATE_K.length; c++) {
            if (c > 0 && CANDIDATE_K[c] > numCandidates) {
                break;
            }
            ndcg[c] = split.validationNdcg(scorerForK.apply(CANDIDATE_K[c]));
            if (ndcg[c] > ndcg[best]) {
                best = c;
            }
        }
        return new KSelection(CANDIDATE_K[best], best, ndcg);
    }

    @Override
    public void scoreItems(int user, double[] out) {
        score(evidence, popularity, k, user, out);
    }

    private static void score(NeighbourEvidence evidence, double[] popularity, int k, int user, double[] out) {
        evidence.distribution(user, k, out);
        for (int v = 0; v < out.length; v++) {
            out[v] += 1e-9 * popularity[v];
        }
    }

    @Override
    public String selection() {
        return String.format(Locale.ROOT, "k=%d, validation ndcg@10=%.4f", k, validationNdcg);
    }
}

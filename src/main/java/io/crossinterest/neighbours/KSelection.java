package io.crossinterest.neighbours;

import io.crossinterest.data.CrossDomainData;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * The K of a neighbour model, selected on the validation cold users: the candidate of {@link
 * #CANDIDATE_K} whose scorer ranks their hidden target items best (NDCG@10, {@link
 * CrossDomainData#validationNdcg}; ties to the smaller K). The rule of source-knn and source-items,
 * and of the joint model's teacher when its K is selected.
 *
 * @param k the selected K, {@code CANDIDATE_K[index]}
 * @param validationNdcg the validation NDCG@10 of every candidate, in the order of {@link
 *     #CANDIDATE_K} (NaN for a K that was not tried)
 */
public record KSelection(int k, int index, double[] validationNdcg) {
    /** The candidate K. */
    public static final int[] CANDIDATE_K = {50, 100, 300, 1000};

    public KSelection {
        validationNdcg = validationNdcg.clone();
    }

    @Override
    public double[] validationNdcg() {
        return validationNdcg.clone();
    }

    /**
     * The K whose {@code scorerForK.apply(K)} ranks the validation cold users best. A K larger than
     * {@code numCandidates} (the warm users a neighbour can be drawn from) is not tried, after the
     * first.
     */
    public static KSelection select(
            CrossDomainData data,
            int numCandidates,
            IntFunction<CrossDomainData.UserScorer> scorerForK) {
        double[] ndcg = new double[CANDIDATE_K.length];
        Arrays.fill(ndcg, Double.NaN);
        int best = 0;
        for (int c = 0; c < CANDIDATE_K.length; c++) {
            if (c > 0 && CANDIDATE_K[c] > numCandidates) {
                break;
            }
            ndcg[c] = data.validationNdcg(scorerForK.apply(CANDIDATE_K[c]));
            if (ndcg[c] > ndcg[best]) {
                best = c;
            }
        }
        return new KSelection(CANDIDATE_K[best], best, ndcg);
    }

    /**
     * The K of source-knn's score n_u + 1e-9·popularity ({@link NeighbourEvidence#score}); {@code
     * popularity}: the training user counts of the target items ({@link PopularityCounts}).
     */
    public static KSelection select(
            CrossDomainData data, NeighbourEvidence evidence, double[] popularity) {
        return select(
                data,
                evidence.numCandidates(),
                kc -> (u, out) -> evidence.score(u, kc, popularity, out));
    }
}

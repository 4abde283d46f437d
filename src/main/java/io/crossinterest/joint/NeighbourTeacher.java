package io.crossinterest.joint;

import io.crossinterest.data.CrossDomainData;
import io.crossinterest.neighbours.KSelection;
import io.crossinterest.neighbours.NeighbourEvidence;
import io.crossinterest.neighbours.PopularityCounts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The neighbourhood teacher of the ranking loss (docs/joint-model.md, change 9): n_u, the target
 * behaviour of u's K nearest warm users in the source CF space ({@link NeighbourEvidence}), mixed
 * into the user's target distribution with weight η ({@link JointParams#neighbourWeight}). K is
 * {@link JointParams#neighbours}, or selected on the validation cold users as source-knn selects
 * its K. Each training user's neighbours are found once per fit (they do not change between
 * epochs).
 */
final class NeighbourTeacher {
    private static final Logger LOG = LoggerFactory.getLogger(NeighbourTeacher.class);

    private final NeighbourEvidence evidence;
    private final int k;
    private final double[] kValidation;
    private final Map<Integer, NeighbourEvidence.Neighbours> taughtBy = new HashMap<>();

    private NeighbourTeacher(NeighbourEvidence evidence, int k, double[] kValidation) {
        this.evidence = evidence;
        this.k = k;
        this.kValidation = kValidation;
    }

    /**
     * The teacher of a fit in the source CF space {@code sourceCf}; null when η = 0 (no teacher).
     */
    static NeighbourTeacher fit(FitInput in, CfFactors sourceCf) {
        JointParams p = in.params();
        if (p.neighbourWeight == 0) {
            return null;
        }
        if (sourceCf == null) {
            throw new IllegalStateException(
                    "neighbourWeight needs the source-block CF: give the CF space a source"
                            + " factorisation");
        }
        CrossDomainData data = in.data();
        int[] candidates =
                Arrays.stream(data.warmUsers)
                        .filter(u -> data.targetTrain.rowLength(u) > 0)
                        .toArray();
        NeighbourEvidence evidence =
                new NeighbourEvidence(
                        sourceCf.users(), sourceCf.rank(), data.targetTrain, candidates);
        NeighbourTeacher t =
                p.neighbours != JointParams.SELECT_NEIGHBOURS
                        ? new NeighbourTeacher(evidence, p.neighbours, new double[0])
                        : selectK(data, evidence);
        LOG.info("joint: neighbourhood teacher over K = {} neighbours", t.k);
        return t;
    }

    /**
     * The teacher's K, selected on the validation cold users as source-knn selects its K ({@link
     * KSelection}). Without validation cold users: 300.
     */
    private static NeighbourTeacher selectK(CrossDomainData data, NeighbourEvidence evidence) {
        boolean anyValid =
                data.validColdUsers != null
                        && data.targetValid != null
                        && Arrays.stream(data.validColdUsers)
                                .anyMatch(
                                        u ->
                                                u < data.targetValid.numRows()
                                                        && data.targetValid.rowLength(u) > 0);
        if (!anyValid) {
            return new NeighbourTeacher(evidence, 300, new double[0]);
        }
        KSelection s =
                KSelection.select(
                        data,
                        evidence,
                        PopularityCounts.of(data.targetTrain, PopularityCounts.Count.USERS));
        LOG.info(
                "joint: teacher K by validation NDCG@10 of n_u: {} -> {}",
                Arrays.toString(KSelection.CANDIDATE_K),
                Arrays.toString(s.validationNdcg()));
        return new NeighbourTeacher(evidence, s.k(), s.validationNdcg());
    }

    int k() {
        return k;
    }

    /**
     * The validation NDCG@10 of n_u alone for each candidate K, in the order of {@link
     * KSelection#CANDIDATE_K} (NaN: not tried); empty when K was given or not selected.
     */
    double[] kValidation() {
        return kValidation.clone();
    }

    /** Writes n_u into {@code out}; false when u has no similar warm user. */
    boolean distribution(int user, double[] out) {
        return evidence.distribution(
                taughtBy.computeIfAbsent(user, x -> evidence.neighbours(x, k)), out);
    }
}

package io.crossinterest.joint;

import io.crossinterest.data.CrossDomainData;
import io.crossinterest.neighbours.ItemSetNeighbours;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wide path's weight (docs/joint-model.md, change 13): once the deep path is final, its scores
 * are blended with the target rows of the K warm users whose source token sets overlap the user's
 * most ({@link ItemSetNeighbours}), with the weight γ ∈ {@link JointParams#WIDE_WEIGHTS} that ranks
 * the validation cold users best (ties keep the smaller γ, so γ = 0, the deep path alone, unless
 * the blend ranks them better). K = 0 or no validation cold users: no wide path.
 */
final class WidePathWeight {
    private static final Logger LOG = LoggerFactory.getLogger(WidePathWeight.class);

    /**
     * The scorer with the kept blend, γ, and each candidate γ's validation NDCG@10 (empty: none was
     * tried).
     */
    record Result(JointScorer scorer, double weight, Map<Double, Double> validation) {}

    private WidePathWeight() {}

    /**
     * {@code deep}: the trained deep path; {@code encoded}: its P̂_u (and I_u) of every user of the
     * data.
     */
    static Result choose(FitInput in, JointScorer deep, JointScorer.Encoded encoded) {
        int k = in.params().wideNeighbours;
        JointScorer alone = deep.withWidePath(null, 0, 0);
        if (k == 0 || in.users().validCold().length == 0) {
            return new Result(alone, 0, Map.of());
        }
        CrossDomainData data = in.data();
        ItemSetNeighbours index =
                ItemSetNeighbours.build(
                        in.userTokens(),
                        data.targetTrain,
                        data.warmUsers,
                        in.encoder().vocabSize,
                        in.encoder().seqLen);
        if (index.numWarmUsers() == 0) {
            return new Result(alone, 0, Map.of());
        }
        Map<Double, Double> validation = new LinkedHashMap<>();
        double best = Double.NEGATIVE_INFINITY;
        double weight = 0;
        for (double g : JointParams.WIDE_WEIGHTS) {
            JointScorer s = deep.withWidePath(index, k, g);
            double v =
                    data.validationNdcg(
                            (u, out) ->
                                    s.itemScores(
                                            in.userTokens()[u],
                                            encoded.phat()[u],
                                            encoded.interest() == null
                                                    ? null
                                                    : encoded.interest()[u],
                                            out));
            validation.put(g, v);
            if (v > best) {
                best = v;
                weight = g;
            }
        }
        LOG.info(
                "joint: wide path, validation cold NDCG@10 by weight {}: kept {}",
                validation,
                weight);
        return new Result(
                deep.withWidePath(index, k, weight),
                weight,
                Collections.unmodifiableMap(validation));
    }
}

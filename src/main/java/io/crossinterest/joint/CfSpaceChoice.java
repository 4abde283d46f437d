package io.crossinterest.joint;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CF space of a fit, chosen per split (docs/joint-model.md, change 11). Candidates come in
 * families. Within a family they are compared by their start, which is cheap: each is factorised,
 * the ridge map s_u → P_u is fitted in it on the training users, and the space whose map, scored
 * P̂_u·Q_v, ranks the validation cold users best (NDCG@10; ties: the earlier) is the family's pick
 * ({@link BridgeStart#validation}). Each family's pick is then trained, and the trained model with
 * the best validation criterion is kept (ties: the earlier). A start does not predict how far
 * training takes a space. Without the bridge start, source folding or validation cold users there
 * is nothing to compare on, and for a {@link CfSpace#given} space nothing to choose: the first
 * family's first candidate is used.
 */
final class CfSpaceChoice {
    private static final Logger LOG = LoggerFactory.getLogger(CfSpaceChoice.class);

    /** Trains the rest of a fit in one space: {@link JointEstimator}'s steps after the choice. */
    @FunctionalInterface
    interface Trainer {
        TrainedSpace train(String name, CfFactors target, CfFactors source, CfSpace space);
    }

    /**
     * The kept trained space and each compared candidate's bridge validation NDCG@10 (empty: no
     * comparison).
     */
    record Result(TrainedSpace best, Map<String, Double> startValidation) {}

    private CfSpaceChoice() {}

    /**
     * @param needSourceCf whether the fit reads the source-block CF (fold-in, teacher, embedding
     *     start); a given space's source is factorised only then (a named space's always)
     */
    static Result choose(
            FitInput in, List<List<CfSpace>> families, boolean needSourceCf, Trainer trainer) {
        JointParams p = in.params();
        boolean named = families.get(0).get(0).name() != null;
        boolean choose =
                named && p.bridgeRidge > 0 && p.sourceFolding && in.users().validCold().length > 0;
        Map<String, Double> startValidation = new LinkedHashMap<>();
        TrainedSpace best = null;
        for (List<CfSpace> family : choose ? families : families.subList(0, 1)) {
            // the family's pick by its start, then trained; the best trained model is kept
            CfSpace space = family.get(0);
            CfFactors[] factors = null;
            double startNdcg = Double.NEGATIVE_INFINITY;
            for (CfSpace candidate : choose ? family : family.subList(0, 1)) {
                CfFactors[] f = {
                    candidate.target().factorize(in.data()),
                    candidate.source() != null && (named || needSourceCf)
                            ? candidate.source().factorize(in.data())
                            : null
                };
                double v = choose ? BridgeStart.validation(in, f[0], f[1], candidate.als()) : 0;
                if (choose) {
                    startValidation.put(candidate.name(), v);
                    LOG.info(
                            "joint: CF space {}: the bridge's validation cold NDCG@10 {}",
                            candidate.name(),
                            v);
                }
                if (factors == null || v > startNdcg) {
                    startNdcg = v;
                    factors = f;
                    space = candidate;
                }
            }
            TrainedSpace trained = trainer.train(space.name(), factors[0], factors[1], space);
            if (named) {
                LOG.info(
                        "joint: trained in CF space {}: validation {}",
                        space.name(),
                        trained.training().bestCriterion());
            }
            if (best == null
                    || trained.training().bestCriterion() > best.training().bestCriterion()) {
                best = trained;
            }
        }
        return new Result(best, Collections.unmodifiableMap(startValidation));
    }
}

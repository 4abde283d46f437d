package io.crossinterest.joint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one {@link JointEstimator#fit} selected on validation, and how training went: diagnostics
 * for reports and tests, never used for scoring.
 *
 * @param cfSpace the CF space kept ({@link CfSpaceChoice}); null for a {@link CfSpace#given} one
 * @param cfSpaceValidation each compared candidate's bridge validation NDCG@10 (empty when there
 *     was no choice)
 * @param teacherNeighbours the teacher's K (0: no teacher)
 * @param pretrainLosses the encoder's pre-training loss per epoch (empty when the encoder was
 *     given)
 * @param history each epoch of the kept space's training
 * @param bestEpoch the epoch whose weights were kept (0-based; -1: the start, or the bridge alone)
 * @param keptBridgeAlone whether the kept weights are the bridge alone (the start with the ranking
 *     head's bias at 0), which beat every point of the trained path
 * @param startValidation the selection criterion of the start, before training
 * @param bridgeAloneValidation validation cold NDCG@10 of the bridge alone; NaN when it was not a
 *     candidate
 * @param bestCriterion the selection criterion of the kept weights: validation cold NDCG@10 when
 *     {@code selectedByNdcg}, else minus the warm validation loss
 * @param wideNeighbours the wide path's K
 * @param wideWeight γ, the wide path's weight (0: the deep path alone)
 * @param wideValidation validation cold NDCG@10 of each candidate γ (empty: no wide path was tried)
 * @param bridgeMap the ridge map s_u → P_u that W2 started from (rows of W, then b); null without
 */
public record JointFitReport(
        String cfSpace,
        Map<String, Double> cfSpaceValidation,
        int teacherNeighbours,
        double[] teacherKValidation,
        double[] pretrainLosses,
        List<Epoch> history,
        int bestEpoch,
        boolean keptBridgeAlone,
        double startValidation,
        double bridgeAloneValidation,
        double bestCriterion,
        boolean selectedByNdcg,
        int wideNeighbours,
        double wideWeight,
        Map<Double, Double> wideValidation,
        double[][] bridgeMap) {

    /**
     * One epoch of joint training: mean training loss, validation loss (warm slice), validation
     * NDCG@10 (cold).
     */
    public record Epoch(int epoch, double trainLoss, double validLoss, double validNdcg10) {}

    public JointFitReport {
        cfSpaceValidation = Collections.unmodifiableMap(new LinkedHashMap<>(cfSpaceValidation));
        history = List.copyOf(history);
        wideValidation = Collections.unmodifiableMap(new LinkedHashMap<>(wideValidation));
        teacherKValidation = teacherKValidation.clone();
        pretrainLosses = pretrainLosses.clone();
    }

    /**
     * The validation NDCG@10 of n_u alone for each candidate K of the teacher's selection, in the
     * order of {@link io.crossinterest.neighbours.KSelection#CANDIDATE_K} (NaN: not tried, more
     * than the warm users; empty when K was given or not selected).
     */
    @Override
    public double[] teacherKValidation() {
        return teacherKValidation.clone();
    }

    @Override
    public double[] pretrainLosses() {
        return pretrainLosses.clone();
    }

    /**
     * e.g. {@code "space=separate, epoch=7 of 10, teacher k=100, validation ndcg@10=0.0446, wide
     * path k=300 weight=0.5 (validation ndcg@10=0.0512)"} (epoch 0: the starting point, before
     * training; the teacher's K when there is one).
     */
    public String selection() {
        return String.format(
                Locale.ROOT,
                "%sepoch=%d%s of %d, %s%s%s",
                cfSpace == null ? "" : "space=" + cfSpace + ", ",
                bestEpoch + 1,
                keptBridgeAlone ? " (bridge alone)" : "",
                history.size(),
                teacherNeighbours == 0 ? "" : "teacher k=" + teacherNeighbours + ", ",
                selectedByNdcg
                        ? String.format(Locale.ROOT, "validation ndcg@10=%.4f", bestCriterion)
                        : String.format(Locale.ROOT, "warm validation loss=%.4f", -bestCriterion),
                wideValidation.isEmpty()
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                ", wide path k=%d weight=%s (validation ndcg@10=%.4f)",
                                wideNeighbours,
                                wideWeight,
                                wideValidation.get(wideWeight)));
    }
}

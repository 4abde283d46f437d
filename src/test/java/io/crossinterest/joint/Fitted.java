package io.crossinterest.joint;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.encoder.EncoderConfig;
import io.crossinterest.eval.CrossDomainSplit;

import java.util.List;
import java.util.Map;

/**
 * A joint model fitted on a planted split with the split's users encoded: what the tests score and
 * inspect. Each accessor reads the {@link JointModel}, its {@link JointFitReport} or the {@link
 * EncodedUsers}.
 */
record Fitted(JointModel model, EncodedUsers users) {

    static Fitted fit(JointEstimator estimator, CrossDomainSplit split) {
        JointModel m = estimator.fit(split);
        return new Fitted(m, m.encodeUsers(split));
    }

    /** Fitted in the given target CF space, without source-block CF. */
    static Fitted fit(JointParams params, TargetFactorizer target, CrossDomainSplit split) {
        return fit(new JointEstimator(params, CfSpace.given(target, null, null)), split);
    }

    /** Fitted in the given target CF space and source-block CF with its ALS settings. */
    static Fitted fit(
            JointParams params,
            TargetFactorizer target,
            TargetFactorizer source,
            AlsConfig als,
            CrossDomainSplit split) {
        return fit(new JointEstimator(params, CfSpace.given(target, source, als)), split);
    }

    JointFitReport report() {
        return model.report();
    }

    void scoreItems(int user, double[] out) {
        users.itemScores(user, out);
    }

    double[] categoryInterest(int user) {
        return users.categoryInterest(user);
    }

    float[] predictedFactors(int user) {
        return users.predictedFactors(user);
    }

    int[] userTokens(int user) {
        return users.tokens(user);
    }

    JointParams params() {
        return model.params();
    }

    JointScorer scorer() {
        return model.scorer();
    }

    EncoderConfig encoderConfig() {
        return model.encoderConfig();
    }

    CfFactors cfFactors() {
        return model.cfFactors();
    }

    List<JointFitReport.Epoch> history() {
        return report().history();
    }

    int bestEpoch() {
        return report().bestEpoch();
    }

    String selection() {
        return report().selection();
    }

    double[] pretrainLosses() {
        return report().pretrainLosses();
    }

    String cfSpace() {
        return report().cfSpace();
    }

    Map<String, Double> cfSpaceValidation() {
        return report().cfSpaceValidation();
    }

    double wideWeight() {
        return report().wideWeight();
    }

    Map<Double, Double> wideValidation() {
        return report().wideValidation();
    }

    double bridgeAloneValidation() {
        return report().bridgeAloneValidation();
    }

    double startValidation() {
        return report().startValidation();
    }

    boolean keptBridgeAlone() {
        return report().keptBridgeAlone();
    }

    double bestCriterion() {
        return report().bestCriterion();
    }

    int teacherNeighbours() {
        return report().teacherNeighbours();
    }

    double[] teacherKValidation() {
        return report().teacherKValidation();
    }
}

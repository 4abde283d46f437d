package io.crossinterest.eval.joint;

import io.crossinterest.eval.ColdStartEvaluator;
import io.crossinterest.eval.ColdStartModel;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.SelectionReport;
import io.crossinterest.joint.EncodedUsers;
import io.crossinterest.joint.JointEstimator;
import io.crossinterest.joint.JointModel;

import java.util.Map;
import java.util.Objects;

/**
 * The joint transfer model in the cold-start protocol: {@link #fit} runs the {@link JointEstimator}
 * on the split without its test rows and encodes the split's users with the fitted {@link
 * JointModel}; the evaluator then scores them. Its part {@code deep} is the deep path alone, next
 * to the blend with the wide path.
 */
public final class JointColdStartModel implements ColdStartModel, SelectionReport {
    private final String name;
    private final JointEstimator estimator;
    private JointModel model;
    private EncodedUsers users;

    public JointColdStartModel(String name, JointEstimator estimator) {
        this.name = Objects.requireNonNull(name, "name");
        this.estimator = Objects.requireNonNull(estimator, "estimator");
    }

    @Override
    public String name() {
        return name;
    }

    public JointEstimator estimator() {
        return estimator;
    }

    @Override
    public void fit(CrossDomainSplit split) {
        model = estimator.fit(split);
        users = model.encodeUsers(split);
    }

    /** The fitted model (for a bundle: {@link io.crossinterest.joint.JointBundle#save}). */
    public JointModel model() {
        requireFitted();
        return model;
    }

    /** The split's users as the fitted model encodes them. */
    public EncodedUsers users() {
        requireFitted();
        return users;
    }

    @Override
    public void scoreItems(int user, double[] out) {
        requireFitted();
        users.itemScores(user, out);
    }

    /** "deep": the deep path alone (encoder → P̂ → scores), without the wide path's blend. */
    @Override
    public Map<String, ColdStartEvaluator.UserScorer> parts() {
        requireFitted();
        return Map.of("deep", users::deepScores);
    }

    @Override
    public double[] categoryInterest(int user) {
        requireFitted();
        return users.categoryInterest(user);
    }

    @Override
    public String selection() {
        requireFitted();
        return model.report().selection();
    }

    private void requireFitted() {
        if (model == null) {
            throw new IllegalStateException("joint model is not fitted");
        }
    }
}

package io.crossinterest.eval;

import java.util.Map;

/**
 * A model compared in the cold-start protocol (docs/architecture.md §5): the joint transfer model
 * and every baseline implement it, so the evaluator treats them alike.
 *
 * <p>{@link #fit} may read everything in the split except {@link CrossDomainSplit#targetTest}; it
 * selects its hyper-parameters and stopping epoch on {@link CrossDomainSplit#targetValid} only.
 * After fitting, {@link #scoreItems} gives a score for every target item for any user (cold or
 * warm); higher is better. The evaluator excludes items the user has in training itself.
 */
public interface ColdStartModel {

    /**
     * The name used in reports and metrics.json ({@code popularity, target-cf, cmf, emcdr, ptupcdr,
     * joint}).
     */
    String name();

    void fit(CrossDomainSplit split);

    /**
     * Writes a score for each target item (index = target item index) for {@code user} into {@code
     * out}.
     */
    void scoreItems(int user, double[] out);

    /**
     * Interest over the K target categories for {@code user} (index = target category index), or
     * null if the model has no category-level reading. Models without one are scored at category
     * level by aggregating item scores.
     */
    default double[] categoryInterest(int user) {
        return null;
    }

    /**
     * Parts of the fitted model that the evaluator scores next to it, each as its own row {@code
     * <name>-<part>}, at no extra fit: for the joint model, its deep path alone next to the blend.
     * Empty by default.
     */
    default Map<String, ColdStartEvaluator.UserScorer> parts() {
        return Map.of();
    }
}

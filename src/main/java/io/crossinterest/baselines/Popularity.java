package io.crossinterest.baselines;

import io.crossinterest.eval.ColdStartEvaluator;
import io.crossinterest.eval.ColdStartModel;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.SelectionReport;
import io.crossinterest.neighbours.PopularityCounts;
import io.crossinterest.neighbours.PopularityCounts.Count;

import java.util.Locale;

/**
 * Most popular target items, the same list for every user. Two readings of "popular" are compared
 * on the validation cold users and the better one kept: the number of training users who interacted
 * with item i, Σ_u [r_ui &gt; 0], and the total interaction strength Σ_u r_ui (they differ when r
 * is a rating or a behaviour-weighted count).
 */
public final class Popularity implements ColdStartModel, SelectionReport {
    public static final String NAME = "popularity";

    private double[] scores;
    private Count chosen;
    private double validationNdcg;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void fit(CrossDomainSplit split) {
        double best = Double.NEGATIVE_INFINITY;
        for (Count c : Count.values()) {
            double[] s = PopularityCounts.of(split.targetTrain, c);
            double v =
                    ColdStartEvaluator.validationNdcg(
                            split, (u, out) -> System.arraycopy(s, 0, out, 0, s.length));
            if (v > best) {
                best = v;
                scores = s;
                chosen = c;
            }
        }
        validationNdcg = best;
    }

    /** The fitted popularity of each target item. */
    double[] scores() {
        return scores;
    }

    @Override
    public void scoreItems(int user, double[] out) {
        System.arraycopy(scores, 0, out, 0, scores.length);
    }

    @Override
    public String selection() {
        return String.format(
                Locale.ROOT,
                "count=%s, validation ndcg@10=%.4f",
                chosen.name().toLowerCase(Locale.ROOT),
                validationNdcg);
    }
}

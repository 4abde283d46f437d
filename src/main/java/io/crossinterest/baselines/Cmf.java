package io.crossinterest.baselines;

import io.crossinterest.cf.als.Factors;
import io.crossinterest.cf.als.ImplicitAls;
import io.crossinterest.data.InteractionMatrix;
import io.crossinterest.eval.ColdStartEvaluator;
import io.crossinterest.eval.ColdStartModel;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.ModelSettings;
import io.crossinterest.eval.SelectionReport;

import java.util.Locale;

/**
 * Collective matrix factorisation (Singh and Gordon 2008) in its implicit-ALS form: one
 * factorisation of the concatenated user × (source items ∪ target items) matrix [w·R_s | R_t], so
 * each user has one factor P_u shared by both blocks. A cold user's row holds only source items, so
 * P_u is fitted from their source behaviour alone, and score(u, i) = P_u · Q_i for target items i
 * carries it over.
 *
 * <p>Selected on the validation cold users (full-ranking NDCG@10): the source weight w ∈ {@link
 * #SOURCE_WEIGHTS} (it scales the source entries' r, so their confidence 1 + α·w·r) and the ALS
 * iteration (the best iteration's factors are kept).
 */
public final class Cmf implements ColdStartModel, SelectionReport {
    public static final String NAME = "cmf";
    static final double[] SOURCE_WEIGHTS = {0.25, 1.0, 4.0};

    private final ModelSettings settings;
    private Factors users;
    private Factors targetItems;
    private double chosenWeight;
    private int chosenIteration;
    private double validationNdcg = Double.NEGATIVE_INFINITY;

    public Cmf(ModelSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void fit(CrossDomainSplit split) {
        int numSource = split.numSourceItems();
        int numTarget = split.numTargetItems();
        for (double w : SOURCE_WEIGHTS) {
            InteractionMatrix joint =
                    InteractionMatrix.concatenate(split.source, split.targetTrain, w);
            ImplicitAls als = new ImplicitAls(settings.als());
            als.fit(
                    joint,
                    (iteration, x, y, seconds) -> {
                        Factors q = y.rows(numSource, numTarget);
                        double v =
                                ColdStartEvaluator.validationNdcg(
                                        split, (u, out) -> x.scoreAll(u, q, out));
                        if (v > validationNdcg) {
                            validationNdcg = v;
                            users = x.copy();
                            targetItems = q;
                            chosenWeight = w;
                            chosenIteration = iteration;
                        }
                    },
                    false);
        }
    }

    @Override
    public void scoreItems(int user, double[] out) {
        users.scoreAll(user, targetItems, out);
    }

    @Override
    public String selection() {
        return String.format(
                Locale.ROOT,
                "sourceWeight=%s, iteration=%d, validation ndcg@10=%.4f",
                chosenWeight,
                chosenIteration,
                validationNdcg);
    }
}

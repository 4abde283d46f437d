package io.crossinterest.baselines;

import io.crossinterest.cf.als.AlsResult;
import io.crossinterest.eval.ColdStartModel;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.ModelSettings;
import io.crossinterest.eval.SelectionReport;

/**
 * Target-only collaborative filtering: implicit ALS on the target training rows, score(u, i) = P_u
 * · Q_i for users with target training rows; users without (the cold users) fall back to {@link
 * Popularity}, whose count is selected on the validation cold users. The ALS hyper-parameters are
 * the shared ones ({@link Factorizations}): for a cold user the score does not depend on them, so
 * the validation cold users could not choose between them.
 */
public final class TargetCf implements ColdStartModel, SelectionReport {
    public static final String NAME = "target-cf";

    private final ModelSettings settings;
    private final Popularity fallback = new Popularity();
    private AlsResult als;
    private boolean[] hasTargetRows;

    public TargetCf(ModelSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void fit(CrossDomainSplit split) {
        als = Factorizations.target(split, settings);
        hasTargetRows = new boolean[split.numUsers()];
        for (int u = 0; u < split.numUsers(); u++) {
            hasTargetRows[u] = split.targetTrain.rowLength(u) > 0;
        }
        fallback.fit(split);
    }

    @Override
    public void scoreItems(int user, double[] out) {
        if (hasTargetRows[user]) {
            als.users.scoreAll(user, als.items, out);
        } else {
            fallback.scoreItems(user, out);
        }
    }

    @Override
    public String selection() {
        return "cold users: popularity " + fallback.selection();
    }
}

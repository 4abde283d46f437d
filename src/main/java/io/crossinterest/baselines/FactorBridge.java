package io.crossinterest.baselines;

import io.crossinterest.cf.als.AlsResult;
import io.crossinterest.cf.als.Factors;
import io.crossinterest.eval.ColdStartEvaluator;
import io.crossinterest.eval.ColdStartModel;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.ModelSettings;
import io.crossinterest.eval.SelectionReport;

import java.util.Locale;

/**
 * What the bridge baselines share: factorise the source and the target block separately (implicit
 * ALS, {@link Factorizations}), learn a map from a user's source side to their target user factor
 * P^t_u on the warm users active in both blocks, and score a cold user by the mapped factor:
 * score(u, i) = P̂^t_u · Q^t_i. A user with target training rows keeps their own P^t_u. Subclasses
 * say how the map is learnt ({@link Emcdr}: one MLP for everyone; {@link Ptupcdr}: a per-user map
 * from a meta network).
 *
 * <p>Selected on the validation cold users: the epoch (early stopping on full-ranking NDCG@10,
 * patience {@value #PATIENCE} epochs, at most {@link ModelSettings#maxEpochs}); the best epoch's
 * mapped factors are kept.
 */
abstract class FactorBridge implements ColdStartModel, SelectionReport {
    static final int PATIENCE = 5;
    static final int BATCH = 256;
    static final double LEARNING_RATE = 1e-3;

    protected final ModelSettings settings;

    /** The target block's factorisation: P^t (warm users) and Q^t. */
    protected AlsResult target;

    private Factors mapped;
    private boolean[] warm;
    private int bestEpoch;
    private int sinceBest;
    private double validationNdcg = Double.NEGATIVE_INFINITY;

    FactorBridge(ModelSettings settings) {
        this.settings = settings;
    }

    @Override
    public final void fit(CrossDomainSplit split) {
        SmallNetThreads.single(
                () -> {
                    AlsResult source = Factorizations.source(split, settings);
                    target = Factorizations.target(split, settings);
                    warm = BridgeData.hasTargetRows(split);
                    int[] train = BridgeData.warmWithSource(split);
                    if (train.length == 0) {
                        throw new IllegalStateException(
                                name().toUpperCase(Locale.ROOT)
                                        + " needs warm users active in both blocks; the split has none");
                    }
                    learn(split, source, train);
                    return null;
                });
    }

    /**
     * Learns the map on the warm users {@code train}, calling {@link #epochDone} after every epoch
     * while {@link #keepTraining} says so.
     */
    protected abstract void learn(CrossDomainSplit split, AlsResult source, int[] train);

    /** Whether to run epoch {@code epoch}: within the epoch budget and the patience. */
    protected final boolean keepTraining(int epoch) {
        return epoch <= settings.maxEpochs && sinceBest < PATIENCE;
    }

    /**
     * After an epoch: keeps {@code candidate} (mapped factors of all users) if validation NDCG@10
     * improved.
     */
    protected final void epochDone(int epoch, CrossDomainSplit split, Factors candidate) {
        double v =
                ColdStartEvaluator.validationNdcg(
                        split, (u, out) -> candidate.scoreAll(u, target.items, out));
        if (v > validationNdcg) {
            validationNdcg = v;
            bestEpoch = epoch;
            mapped = candidate;
            sinceBest = 0;
        } else {
            sinceBest++;
        }
    }

    @Override
    public void scoreItems(int user, double[] out) {
        // a user with target training rows has their own target factor; the bridge is for the
        // others
        (warm[user] ? target.users : mapped).scoreAll(user, target.items, out);
    }

    @Override
    public String selection() {
        return String.format(
                Locale.ROOT, "epoch=%d, validation ndcg@10=%.4f", bestEpoch, validationNdcg);
    }
}

package io.crossinterest.joint;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.cf.als.AlsResult;
import io.crossinterest.cf.als.AlsSolvers;
import io.crossinterest.data.CrossDomainData;
import io.crossinterest.data.InteractionMatrix;

/**
 * The joint model's CF spaces from one collective factorisation (docs/joint-model.md, change 11):
 * implicit ALS on the concatenated user × (source items ∪ target items) matrix [w·R_s | R_t], the
 * factorisation CMF ({@code baselines.Cmf}) ranks with ({@link InteractionMatrix#concatenate}).
 * Each user has one factor P_u for both blocks, and the item factors split into the source items'
 * Y_s and the target items' Q:
 *
 * <pre>
 *   min Σ_{u,i} c_ui (p_ui − P_u·Y_i)² + λ(‖P‖² + ‖Y‖²),   i over [source | target],   c_ui = 1 + α r_ui
 * </pre>
 *
 * {@link #target()} gives (P, Q) as the target CF space that P̂_u is fitted into; {@link #source()}
 * gives (P, Y_s) as the source CF space that the fold-in s_u, the embedding initialisation and the
 * neighbourhood teacher read. Because Y_s and Q come out of one fit through shared users, a source
 * fold-in lands in the space Q scores, and the bridge from s_u to P_u is near the identity instead
 * of a map between two unrelated factorisations. The fit runs once per split and is shared by both
 * readings.
 */
public final class CollectiveFactorizer {
    private final AlsConfig als;
    private final double sourceWeight;
    private CrossDomainData fitted;
    private CfFactors target;
    private CfFactors source;

    /** {@code sourceWeight}: w, scaling the source block's r (their confidence is 1 + α·w·r). */
    public CollectiveFactorizer(AlsConfig als, double sourceWeight) {
        if (!(sourceWeight > 0)) {
            throw new IllegalArgumentException("source weight must be > 0, got " + sourceWeight);
        }
        this.als = als;
        this.sourceWeight = sourceWeight;
    }

    /** (P, Q): the shared user factors and the target items' factors. */
    public TargetFactorizer target() {
        return split -> {
            fit(split);
            return target;
        };
    }

    /**
     * (P, Y_s): the shared user factors and the source items' factors, indexed like {@code
     * split.sourceItems}.
     */
    public TargetFactorizer source() {
        return split -> {
            fit(split);
            return source;
        };
    }

    public double sourceWeight() {
        return sourceWeight;
    }

    private synchronized void fit(CrossDomainData split) {
        if (fitted == split) {
            return;
        }
        int ns = split.numSourceItems();
        int nt = split.numTargetItems();
        AlsResult r =
                AlsSolvers.fit(
                        InteractionMatrix.concatenate(
                                split.source, split.targetTrain, sourceWeight),
                        als);
        double[] p = r.users.data();
        int k = als.rank;
        target = new CfFactors(k, r.users.numRows(), nt, p, r.items.rows(ns, nt).data());
        source = new CfFactors(k, r.users.numRows(), ns, p, r.items.rows(0, ns).data());
        fitted = split;
    }
}

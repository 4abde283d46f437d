package io.crossinterest.joint;

import io.crossinterest.cf.als.AlsConfig;

import java.util.Objects;

/**
 * A candidate pair of CF spaces for the joint model: {@code target} gives the target block's (P, Q)
 * that P̂_u is fitted into and scored against, {@code source} the source block's (users, item
 * factors) that the fold-in s_u, the token embeddings and the neighbourhood teacher read, and
 * {@code als} the ALS settings the source factors come from (the fold-in solves with the same λ, α
 * and regularisation). {@link CfSpaceChoice} selects one per split on the validation cold users
 * (docs/joint-model.md, change 11).
 *
 * <p>A space made by {@link #given} has no name: it is used as given, never compared, and the model
 * reports no space; its {@code source} may be null (no source-block CF: no fold-in, no teacher,
 * random token embeddings), and its {@code als} null when nothing folds in.
 */
public record CfSpace(
        String name, TargetFactorizer target, TargetFactorizer source, AlsConfig als) {
    public CfSpace {
        Objects.requireNonNull(target, "target");
        if (name != null) {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(als, "als");
        }
    }

    /**
     * Two separate implicit-ALS factorisations with the same settings: the target block's and the
     * source block's.
     */
    public static CfSpace separate(AlsConfig als) {
        return new CfSpace(
                "separate",
                new AlsTargetFactorizer(als),
                AlsTargetFactorizer.sourceBlock(als),
                als);
    }

    /**
     * One collective factorisation of [w·R_s | R_t] ({@link CollectiveFactorizer}) read both ways.
     */
    public static CfSpace collective(AlsConfig als, double sourceWeight) {
        CollectiveFactorizer f = new CollectiveFactorizer(als, sourceWeight);
        return new CfSpace("collective w=" + sourceWeight, f.target(), f.source(), als);
    }

    /**
     * A factorisation given as it is (tests, the harness): unnamed, so it is the only candidate;
     * {@code source} and {@code als} may be null (no source-block CF).
     */
    public static CfSpace given(TargetFactorizer target, TargetFactorizer source, AlsConfig als) {
        return new CfSpace(null, target, source, als);
    }
}

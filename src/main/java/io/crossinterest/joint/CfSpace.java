package io.crossinterest.joint;

/**
 * A candidate pair of CF spaces for the joint model: {@code target} gives the target block's (P, Q) that P̂_u is fitted
 * into and scored against, {@code source} the source block's (users, item factors) that the fold-in s_u, the token
 * embeddings and the neighbourhood teacher read. {@link JointModel#withCfSpaces} selects one per split on the
 * validation cold users (docs/joint-model.md, change 11).
 */
public record CfSpace(String name, TargetFactorizer target, TargetFactorizer source) {
    public CfSpace {
        java.util.Objects.requireNonNull(name, "name");
        java.util.Objects.requireNonNull(target, "target");
        java.util.Objects.requireNonNull(source, "source");
    }

    /** Two separate implicit-ALS factorisations with the same settings: the target block's and the source block's. */
    public static CfSpace separate(io.crossinterest.cf.als.AlsConfig als) {
        return new CfSpace("separate", new AlsTargetFactorizer(als), AlsTargetFactorizer.sourceBlock(als));
    }

    /** One collective factorisation of [w·R_s | R_t] ({@link CollectiveFactorizer}) read both ways. */
    public static CfSpace collective(io.crossinterest.cf.als.AlsConfig als, double sourceWeight) {
        CollectiveFactorizer f = new CollectiveFactorizer(als, sourceWeight);
        return new CfSpace("collective w=" + sourceWeight, f.target(), f.source());
    }
}

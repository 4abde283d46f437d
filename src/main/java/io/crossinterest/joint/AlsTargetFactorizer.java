package io.crossinterest.joint;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.cf.als.AlsResult;
import io.crossinterest.cf.als.ImplicitAls;
import io.crossinterest.eval.CrossDomainSplit;

/** Target-block CF with the project's implicit ALS solver ({@link ImplicitAls}) on the training rows. */
public final class AlsTargetFactorizer implements TargetFactorizer {
    private final AlsConfig config;

    public AlsTargetFactorizer(AlsConfig config) {
        this.config = config;
    }

    /**
     * The same solver on the source block (every user's source rows), for {@link JointModel#withSourceCfInit}; the
     * returned "user" factors are the source block's.
     */
    public static TargetFactorizer sourceBlock(AlsConfig config) {
        return split -> {
            AlsResult r = new ImplicitAls(config).fit(split.source);
            return new CfFactors(config.rank, r.users.numRows(), r.items.numRows(), r.users.data(), r.items.data());
        };
    }

    @Override
    public CfFactors factorize(CrossDomainSplit split) {
        AlsResult r = new ImplicitAls(config).fit(split.targetTrain);
        return new CfFactors(config.rank, r.users.numRows(), r.items.numRows(), r.users.data(), r.items.data());
    }
}

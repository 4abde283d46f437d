package io.crossinterest.joint;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.cf.als.AlsResult;
import io.crossinterest.cf.als.AlsSolvers;
import io.crossinterest.data.CrossDomainData;

/**
 * Target-block CF with the project's implicit ALS on the training rows: in process, or as a Flink
 * job when the configuration's parallelism is above 1 ({@link AlsSolvers}).
 */
public final class AlsTargetFactorizer implements TargetFactorizer {
    private final AlsConfig config;

    public AlsTargetFactorizer(AlsConfig config) {
        this.config = config;
    }

    /**
     * The same solver on the source block (every user's source rows), for the source side of a
     * {@link CfSpace}; the returned "user" factors are the source block's.
     */
    public static TargetFactorizer sourceBlock(AlsConfig config) {
        return split -> {
            AlsResult r = AlsSolvers.fit(split.source, config);
            return new CfFactors(
                    config.rank,
                    r.users.numRows(),
                    r.items.numRows(),
                    r.users.data(),
                    r.items.data());
        };
    }

    @Override
    public CfFactors factorize(CrossDomainData split) {
        AlsResult r = AlsSolvers.fit(split.targetTrain, config);
        return new CfFactors(
                config.rank, r.users.numRows(), r.items.numRows(), r.users.data(), r.items.data());
    }
}

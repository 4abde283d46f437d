package io.crossinterest.joint;

import io.crossinterest.data.CrossDomainData;

/**
 * Collaborative filtering on the target block of a split (DESIGN §3.2): factors P (users) and Q
 * (items) from {@link CrossDomainData#targetTrain}, never from the hidden rows.
 */
@FunctionalInterface
public interface TargetFactorizer {
    CfFactors factorize(CrossDomainData split);
}

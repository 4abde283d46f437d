package io.crossinterest.joint;

/**
 * What the training in one CF space leaves behind, kept while the next family trains ({@link
 * CfSpaceChoice}).
 *
 * @param name the space's name (null for a {@link CfSpace#given} one)
 * @param cf the target CF space (P, Q) P̂_u was fitted into
 * @param teacher the ranking loss's teacher, or null
 * @param bridgeMap the ridge map s_u → P_u W2 started from (rows of W, then b), or null
 * @param pretrainLosses the encoder's pre-training loss per epoch
 * @param scorer the deep path with the kept weights
 */
record TrainedSpace(
        String name,
        CfFactors cf,
        NeighbourTeacher teacher,
        double[][] bridgeMap,
        double[] pretrainLosses,
        JointTraining.Result training,
        JointScorer scorer) {}

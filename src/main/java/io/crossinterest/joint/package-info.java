/**
 * The joint transfer model of DESIGN §3.4 (docs/joint-model.md), in the shape of a Flink ML
 * algorithm: {@link io.crossinterest.joint.JointEstimator} fits an immutable {@link
 * io.crossinterest.joint.JointModel} with the settings of {@link
 * io.crossinterest.joint.JointParams}; the fit is a sequence of steps, one class each ({@link
 * io.crossinterest.joint.CfSpaceChoice}, {@link io.crossinterest.joint.NeighbourTeacher}, {@link
 * io.crossinterest.joint.SourceFolding}, {@link io.crossinterest.joint.EncoderPretraining}, {@link
 * io.crossinterest.joint.BridgeStart}, {@link io.crossinterest.joint.JointTraining}, {@link
 * io.crossinterest.joint.WidePathWeight}), and what it selected is its {@link
 * io.crossinterest.joint.JointFitReport}. The model scores with {@link
 * io.crossinterest.joint.JointScorer}, is saved and loaded as a {@link
 * io.crossinterest.joint.JointBundle}, and scores in the stream through {@link
 * io.crossinterest.joint.JointScoringFunction}.
 *
 * <p>The package reads its training data as {@link io.crossinterest.data.CrossDomainData} and knows
 * nothing of the evaluation (nor of the baselines): the {@code ColdStartModel} named {@code joint}
 * is its adapter in {@code io.crossinterest.eval.joint}; what it shares with the neighbour
 * baselines is in {@code io.crossinterest.neighbours}.
 */
package io.crossinterest.joint;

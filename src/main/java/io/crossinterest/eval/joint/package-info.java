/**
 * The joint transfer model in the cold-start protocol: {@link
 * io.crossinterest.eval.joint.JointColdStartModel} fits a {@link
 * io.crossinterest.joint.JointEstimator} on a split and scores its users; {@link
 * io.crossinterest.eval.joint.JointModelProvider} makes it by name ({@code joint}, and the ablation
 * {@code joint-category-tokens}) with the run's {@link io.crossinterest.eval.ModelSettings}.
 */
package io.crossinterest.eval.joint;

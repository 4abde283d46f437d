/**
 * The baselines of DESIGN §3.5, each a {@link io.crossinterest.eval.ColdStartModel} that selects
 * its key hyper-parameters on the validation cold users only: {@link
 * io.crossinterest.baselines.Popularity}, {@link io.crossinterest.baselines.TargetCf}, {@link
 * io.crossinterest.baselines.Cmf}, {@link io.crossinterest.baselines.Emcdr} and {@link
 * io.crossinterest.baselines.Ptupcdr}. The factorisations are the project's implicit ALS ({@link
 * io.crossinterest.cf.als.ImplicitAls}). Also the neighbour models source-knn ({@link
 * io.crossinterest.baselines.SourceNeighbours}) and source-items ({@link
 * io.crossinterest.baselines.SourceItemNeighbours}), built on {@code io.crossinterest.neighbours},
 * which the joint model shares.
 */
package io.crossinterest.baselines;

/**
 * Implicit-feedback ALS (Hu, Koren, Volinsky 2008) for the target block (DESIGN §3.2), and
 * explicit-rating ALS ({@code implicit = false}: the observed cells only, no confidence, no YᵀY
 * term), in three forms sharing one numerical core ({@code AlsKernels}: the YᵀY trick, a Cholesky
 * solve per row, or warm-started conjugate gradient that never forms the k × k matrix); streaming
 * retraining is implicit only:
 *
 * <ul>
 *   <li>{@link io.crossinterest.cf.als.ImplicitAls}: in-process, multi-threaded over fixed chunks
 *       of rows, deterministic for a seed whatever the thread count. Used by baselines, the joint
 *       model, the retrainer and the benchmark ({@code bench/}).
 *   <li>{@link io.crossinterest.cf.als.Als} / {@link io.crossinterest.cf.als.AlsModel}: the Flink
 *       ML Estimator and Model. Without Flink ML's iteration runtime, the iterations are unrolled
 *       into one bounded (BATCH) job graph of 2·T half-step stages; users and items are hashed into
 *       blocks that live on the parallel subtasks (built once, never re-sent with their factors),
 *       and each half-step ships only the factors each block references plus partial Gram matrices,
 *       and with conjugate gradient each block's own current factors (see {@code AlsBlocks} for the
 *       graph and its cost).
 *   <li>{@link io.crossinterest.cf.als.AlsRetraining}: periodic retraining inside a running
 *       STREAMING job (every N events or every interval of processing or event time), versioned
 *       models broadcast to a user-keyed scorer that folds users in against the latest item
 *       factors.
 * </ul>
 */
package io.crossinterest.cf.als;

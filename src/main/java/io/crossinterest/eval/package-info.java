/**
 * The cold-start protocol of docs/architecture.md §5: data sets as source and target {@link
 * io.crossinterest.eval.InteractionBlock}s ({@link io.crossinterest.eval.EvalDatasets}), seeded or
 * given splits ({@link io.crossinterest.eval.ColdStartSplits}), full-ranking, sampled and
 * category-level metrics ({@link io.crossinterest.eval.RankingMetrics}, {@link
 * io.crossinterest.eval.ColdStartEvaluator}), the run over seeds and models ({@link
 * io.crossinterest.eval.EvaluationRun}, models found by name in {@link
 * io.crossinterest.eval.ModelRegistry}) and its outputs ({@link
 * io.crossinterest.eval.EvaluationReport}).
 *
 * <p>A model plugs in by implementing {@link io.crossinterest.eval.ColdStartModel} and listing a
 * {@link io.crossinterest.eval.ColdStartModelProvider} in {@code
 * META-INF/services/io.crossinterest.eval.ColdStartModelProvider}. A split is the {@link
 * io.crossinterest.data.CrossDomainData} models train on plus the test rows; the joint model's
 * adapter is in {@code io.crossinterest.eval.joint}.
 */
package io.crossinterest.eval;

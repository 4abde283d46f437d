/**
 * The project's one micro-batching operator, in the shape of Flink's bundle operators
 * (flink-table-runtime's {@code AbstractMapBundleOperator} and {@code MapBundleFunction}): {@link
 * io.crossinterest.bundle.AbstractMapBundleOperator} decides when a bundle is finished (size,
 * processing-time delay, watermark, checkpoint barrier, end of input), a {@link
 * io.crossinterest.bundle.MapBundleFunction} decides what the bundle becomes. The stream's scorer
 * ({@code io.crossinterest.serving.ModelServingOperator}) is built on it; why the profile
 * aggregator's write-back buffer is not: docs/architecture.md §2.3, "Micro-batching".
 */
package io.crossinterest.bundle;

package io.crossinterest.bundle;

import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.operators.TimestampedCollector;

import java.io.Serializable;
import java.util.Map;

/**
 * What an {@link AbstractMapBundleOperator} does with its bundle (the operator decides when): how
 * an input joins the bundle's value for its key, and what a finished bundle becomes. In the shape
 * of Flink's {@code MapBundleFunction} (flink-table-runtime), with two additions: an input's
 * timestamp reaches {@link #addInput}, and an output chooses its own timestamp on the collector.
 *
 * <p>Each parallel subtask gets its own deserialised copy, called only from the subtask's task
 * thread.
 *
 * @param <K> the bundle's key
 * @param <V> the bundle's value per key
 * @param <IN> the operator's input
 * @param <OUT> the operator's output
 */
public interface MapBundleFunction<K, V, IN, OUT> extends Serializable {

    /** What the operator lends the function. */
    interface Context {
        /** The operator's metric group. */
        MetricGroup metricGroup();

        /** The operator's processing time (ms), the clock of its flush timer. */
        long currentProcessingTime();
    }

    /** Called once per subtask before the first input. */
    default void open(Context context) throws Exception {}

    /**
     * The key's new value with {@code input} in it.
     *
     * @param value the key's value in the bundle, null when the key is not in it
     * @param timestamp the input record's timestamp, null when it has none
     */
    V addInput(V value, IN input, Long timestamp) throws Exception;

    /**
     * Turns the bundle into outputs and removes what it has finished from {@code bundle}; an entry
     * it leaves stays in the bundle and is offered again at the next flush. The collector's
     * timestamp is the function's to set (absolute, or erased) before each output.
     */
    void finishBundle(Map<K, V> bundle, TimestampedCollector<OUT> out) throws Exception;

    default void close() throws Exception {}
}

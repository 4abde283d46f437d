package io.crossinterest.encoder;

import java.io.Serializable;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * A function applied to micro-batches by {@link MicroBatchOperator}: one output per input, in input order. Each
 * parallel subtask gets its own deserialised copy, so whatever {@link #open} loads (a DL4J network) belongs to one
 * subtask and is only ever called from that subtask's task thread.
 */
public interface BatchFunction<IN, OUT> extends Serializable {

    /** Loads what the function needs (e.g. a model bundle); called once per subtask before the first batch. */
    default void open(RuntimeContext context) throws Exception {
    }

    /** The outputs for {@code batch}, exactly one per element and in the same order. */
    List<OUT> apply(List<IN> batch) throws Exception;

    default void close() throws Exception {
    }
}

package io.crossinterest.bundle;

import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/**
 * The project's one micro-batching operator, in the shape of Flink's bundle operators ({@code
 * AbstractMapBundleOperator} in flink-table-runtime): inputs are folded into a bundle, a map from
 * key to value, by a {@link MapBundleFunction}, and the operator decides when the function finishes
 * the bundle:
 *
 * <ul>
 *   <li>when it holds {@code maxSize} keys ({@link #bundleFull}, which a subclass may override,
 *       e.g. to wait for what the function needs first);
 *   <li>when its first key has waited {@code maxDelayMillis} of processing time;
 *   <li>before a watermark is forwarded, so nothing buffered becomes late downstream;
 *   <li>before every checkpoint barrier ({@link #prepareSnapshotPreBarrier}): a snapshot finds the
 *       bundle empty, so the operator needs no state of its own and a restore loses nothing;
 *   <li>at the end of the input ({@link #finish}; a subclass with {@code endInput} calls {@link
 *       #finishBundle}).
 * </ul>
 *
 * What the function leaves in the bundle stays there until the next of these (the scorer leaves its
 * users while no model has loaded, and keeps them in its own state meanwhile). Keys keep the order
 * of their first input. A subclass says how an input is keyed ({@link #getKey}) and which inputs it
 * has: it hands the records to be bundled to {@link #addInput}. Everything runs on the task's
 * mailbox thread, the timer callback too. With object reuse on, an input is copied before it is
 * kept.
 */
public abstract class AbstractMapBundleOperator<K, V, IN, OUT> extends AbstractStreamOperator<OUT>
        implements ProcessingTimeCallback {
    private static final long serialVersionUID = 1L;

    private final MapBundleFunction<K, V, IN, OUT> function;
    private final int maxSize;
    private final long maxDelayMillis;

    private transient Map<K, V> bundle;
    private transient TimestampedCollector<OUT> collector;
    private transient TypeSerializer<IN> copier;
    private transient ScheduledFuture<?> timer;

    protected AbstractMapBundleOperator(
            MapBundleFunction<K, V, IN, OUT> function, int maxSize, long maxDelayMillis) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("bundle size must be >= 1, got " + maxSize);
        }
        if (maxDelayMillis < 0) {
            throw new IllegalArgumentException(
                    "bundle delay must be >= 0 ms, got " + maxDelayMillis);
        }
        this.function = function;
        this.maxSize = maxSize;
        this.maxDelayMillis = maxDelayMillis;
    }

    /** The bundle key of an input. */
    protected abstract K getKey(IN input) throws Exception;

    /** Creates the bundle, so that a subclass can put back what its own state kept. */
    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        bundle = new LinkedHashMap<>();
    }

    @Override
    public void open() throws Exception {
        super.open();
        collector = new TimestampedCollector<>(output);
        if (getExecutionConfig()
                .isObjectReuseEnabled()) { // upstream may reuse the object we keep: copy it
            copier = getOperatorConfig().<IN>getTypeSerializerIn(0, getUserCodeClassloader());
        }
        function.open(
                new MapBundleFunction.Context() {
                    @Override
                    public MetricGroup metricGroup() {
                        return getMetricGroup();
                    }

                    @Override
                    public long currentProcessingTime() {
                        return getProcessingTimeService().getCurrentProcessingTime();
                    }
                });
    }

    /** Folds a record of the first input into the bundle; finishes the bundle when it is full. */
    protected void addInput(StreamRecord<IN> element) throws Exception {
        IN in = copier == null ? element.getValue() : copier.copy(element.getValue());
        K key = getKey(in);
        bundle.put(
                key,
                function.addInput(
                        bundle.get(key),
                        in,
                        element.hasTimestamp() ? element.getTimestamp() : null));
        if (bundle.size() >= maxSize) {
            bundleFull();
        } else if (timer == null) {
            long now = getProcessingTimeService().getCurrentProcessingTime();
            timer = getProcessingTimeService().registerTimer(now + maxDelayMillis, this);
        }
    }

    /** The bundle reached {@code maxSize} keys: finishes it. */
    protected void bundleFull() throws Exception {
        finishBundle();
    }

    /** Hands the bundle to the function (nothing when it is empty). */
    protected void finishBundle() throws Exception {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (!bundle.isEmpty()) {
            function.finishBundle(bundle, collector);
        }
    }

    /**
     * The bundle as it is now: what the function has left in it (a subclass snapshots that itself).
     */
    protected Map<K, V> bundle() {
        return bundle;
    }

    @Override
    public void onProcessingTime(long time) throws Exception {
        timer = null;
        finishBundle();
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        finishBundle();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        finishBundle();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        finishBundle();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            function.close();
        } finally {
            super.close();
        }
    }
}

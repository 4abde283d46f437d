package io.crossinterest.encoder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;

/**
 * Buffers records and hands them to a {@link BatchFunction} in micro-batches (the encoder's forward pass costs much
 * less per user at batch 32–256 than at batch 1). A batch is flushed when it reaches {@code maxBatchSize}, when its
 * oldest record has waited {@code maxDelayMillis} (processing time), before a watermark is forwarded (so no buffered
 * record becomes late), before a checkpoint barrier ({@link #prepareSnapshotPreBarrier}: nothing is buffered in a
 * snapshot, so the operator needs no state and a restore loses nothing), and at end of input.
 *
 * <p>Every output keeps its input's timestamp. Everything runs on the task's mailbox thread (the timer callback too),
 * so the function is never called concurrently.
 */
public final class MicroBatchOperator<IN, OUT> extends AbstractStreamOperator<OUT>
        implements OneInputStreamOperator<IN, OUT>, BoundedOneInput, ProcessingTimeCallback {
    private static final long serialVersionUID = 1L;

    private final BatchFunction<IN, OUT> function;
    private final int maxBatchSize;
    private final long maxDelayMillis;

    private transient List<IN> values;
    private transient List<Long> timestamps;
    private transient ScheduledFuture<?> timer;
    private transient TypeSerializer<IN> copier;
    private transient Counter batches;
    private transient long lastBatchSize;

    public MicroBatchOperator(BatchFunction<IN, OUT> function, int maxBatchSize, long maxDelayMillis) {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be >= 1, got " + maxBatchSize);
        }
        if (maxDelayMillis < 0) {
            throw new IllegalArgumentException("maxDelayMillis must be >= 0, got " + maxDelayMillis);
        }
        this.function = function;
        this.maxBatchSize = maxBatchSize;
        this.maxDelayMillis = maxDelayMillis;
    }

    @Override
    public void open() throws Exception {
        super.open();
        values = new ArrayList<>(maxBatchSize);
        timestamps = new ArrayList<>(maxBatchSize);
        if (getExecutionConfig().isObjectReuseEnabled()) { // upstream may reuse the object we buffer: copy it
            copier = getOperatorConfig().<IN>getTypeSerializerIn(0, getUserCodeClassloader());
        }
        batches = getMetricGroup().counter("microBatches");
        getMetricGroup().gauge("lastMicroBatchSize", () -> lastBatchSize);
        function.open(getRuntimeContext());
    }

    @Override
    public void processElement(StreamRecord<IN> element) throws Exception {
        values.add(copier == null ? element.getValue() : copier.copy(element.getValue()));
        timestamps.add(element.hasTimestamp() ? element.getTimestamp() : null);
        if (values.size() >= maxBatchSize) {
            flush();
        } else if (values.size() == 1 && timer == null) {
            long now = getProcessingTimeService().getCurrentProcessingTime();
            timer = getProcessingTimeService().registerTimer(now + maxDelayMillis, this);
        }
    }

    @Override
    public void onProcessingTime(long time) throws Exception {
        timer = null;
        flush();
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() throws Exception {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
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

    private void flush() throws Exception {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (values == null || values.isEmpty()) {
            return;
        }
        List<OUT> outs = function.apply(values);
        if (outs.size() != values.size()) {
            throw new IllegalStateException("batch function returned " + outs.size() + " outputs for "
                    + values.size() + " inputs");
        }
        StreamRecord<OUT> record = new StreamRecord<>(null);
        for (int i = 0; i < outs.size(); i++) {
            Long ts = timestamps.get(i);
            if (ts == null) {
                record.replace(outs.get(i));
                record.eraseTimestamp();
            } else {
                record.replace(outs.get(i), ts);
            }
            output.collect(record);
        }
        batches.inc();
        lastBatchSize = values.size();
        values = new ArrayList<>(maxBatchSize);
        timestamps = new ArrayList<>(maxBatchSize);
    }
}

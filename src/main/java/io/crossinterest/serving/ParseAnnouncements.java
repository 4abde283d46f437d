package io.crossinterest.serving;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Reads control messages ({@link ModelAnnouncement#parse}) and the version of the bundle each one
 * points at ({@link ModelAnnouncement#read}: the bundle's metadata.json), and emits the
 * announcement of that version. A message it cannot act on becomes a {@link ControlError} on {@link
 * ModelServingOperator#CONTROL_ERRORS} with the reason and the raw text, and is counted: a
 * malformed one (version −1) in {@code malformedControlMessages}, one whose bundle cannot be read
 * or holds another version than the message names (the version named, else −1) in {@code
 * rejectedAnnouncements}. It never stops the job and is never dropped silently.
 */
public final class ParseAnnouncements extends ProcessFunction<String, ModelAnnouncement> {
    private static final long serialVersionUID = 1L;

    private transient Counter malformed;
    private transient Counter rejected;

    @Override
    public void open(OpenContext openContext) {
        malformed = getRuntimeContext().getMetricGroup().counter("malformedControlMessages");
        rejected = getRuntimeContext().getMetricGroup().counter("rejectedAnnouncements");
    }

    @Override
    public void processElement(String text, Context ctx, Collector<ModelAnnouncement> out) {
        ModelAnnouncement.Message m;
        try {
            m = ModelAnnouncement.parse(text);
        } catch (IllegalArgumentException e) {
            malformed.inc();
            error(ctx, -1, null, "malformed control message: " + e.getMessage(), text);
            return;
        }
        ModelAnnouncement a;
        try {
            a = ModelAnnouncement.read(m);
        } catch (IllegalArgumentException e) {
            rejected.inc();
            long named = m.version() == null ? -1 : m.version();
            error(ctx, named, m.bundle(), "announcement rejected: " + e.getMessage(), text);
            return;
        }
        out.collect(a);
    }

    private static void error(Context ctx, long version, String bundle, String reason, String raw) {
        ctx.output(
                ModelServingOperator.CONTROL_ERRORS,
                new ControlError(version, bundle, reason, raw, -1, System.currentTimeMillis()));
    }
}

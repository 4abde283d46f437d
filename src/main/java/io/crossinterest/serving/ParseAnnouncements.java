package io.crossinterest.serving;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Reads control messages ({@link ModelAnnouncement#parse}); a malformed one becomes a {@link
 * ControlError} (version −1, the reason, the raw text) on {@link
 * ModelServingOperator#CONTROL_ERRORS} and is counted ({@code malformedControlMessages}): it never
 * stops the job and is never dropped silently.
 */
public final class ParseAnnouncements extends ProcessFunction<String, ModelAnnouncement> {
    private static final long serialVersionUID = 1L;

    private transient Counter malformed;

    @Override
    public void open(OpenContext openContext) {
        malformed = getRuntimeContext().getMetricGroup().counter("malformedControlMessages");
    }

    @Override
    public void processElement(String text, Context ctx, Collector<ModelAnnouncement> out) {
        ModelAnnouncement a;
        try {
            a = ModelAnnouncement.parse(text);
        } catch (IllegalArgumentException e) {
            malformed.inc();
            ctx.output(
                    ModelServingOperator.CONTROL_ERRORS,
                    new ControlError(
                            -1,
                            null,
                            "malformed control message: " + e.getMessage(),
                            text,
                            -1,
                            System.currentTimeMillis()));
            return;
        }
        out.collect(a);
    }
}

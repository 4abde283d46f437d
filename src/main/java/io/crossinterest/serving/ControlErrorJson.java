package io.crossinterest.serving;

import io.crossinterest.ingest.JsonLineEncoder;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;

/**
 * A {@link ControlError} as one JSON line: version, bundle, reason, raw text, reporting subtask,
 * time.
 */
public final class ControlErrorJson extends JsonLineEncoder<ControlError> {
    private static final long serialVersionUID = 1L;

    @Override
    protected void write(JsonGenerator g, ControlError e) throws IOException {
        g.writeStartObject();
        g.writeNumberField("version", e.version);
        g.writeStringField("bundle", e.bundle);
        g.writeStringField("reason", e.reason);
        g.writeStringField("raw", e.raw);
        g.writeNumberField("subtask", e.subtask);
        g.writeNumberField("time", e.time);
        g.writeEndObject();
    }
}

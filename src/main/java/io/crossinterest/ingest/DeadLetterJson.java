package io.crossinterest.ingest;

import com.fasterxml.jackson.core.JsonGenerator;
import io.crossinterest.event.DeadLetter;

import java.io.IOException;

/**
 * A {@link DeadLetter} as one JSON line: {@code {"source":..,"position":..,"reason":..,"raw":..}}. The field names
 * are DeadLetter's, so {@code new ObjectMapper().readValue(line, DeadLetter.class)} reads a line back. The raw text is
 * kept exactly (JSON escapes make control characters and U+FFFD replacements of bad bytes safe to write).
 */
public final class DeadLetterJson extends JsonLineEncoder<DeadLetter> {
    private static final long serialVersionUID = 1L;

    @Override
    protected void write(JsonGenerator g, DeadLetter d) throws IOException {
        g.writeStartObject();
        g.writeStringField("source", d.source);
        g.writeNumberField("position", d.position);
        g.writeStringField("reason", d.reason);
        g.writeStringField("raw", d.raw);
        g.writeEndObject();
    }
}

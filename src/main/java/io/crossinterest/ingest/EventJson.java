package io.crossinterest.ingest;

import io.crossinterest.event.BehaviorEvent;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;

/**
 * A {@link BehaviorEvent} in the JSON wire format that {@link JsonLinesParser} reads: {@code
 * {"user":..,"item":..,"category":..,"behavior":"pv","weight":1.0,"timestamp":<epoch ms>}}.
 */
public final class EventJson extends JsonLineEncoder<BehaviorEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    protected void write(JsonGenerator g, BehaviorEvent e) throws IOException {
        g.writeStartObject();
        g.writeStringField(JsonLinesParser.USER, e.user);
        g.writeStringField(JsonLinesParser.ITEM, e.item);
        g.writeStringField(JsonLinesParser.CATEGORY, e.category);
        g.writeStringField(
                JsonLinesParser.BEHAVIOR, e.behavior == null ? null : e.behavior.wireName());
        g.writeNumberField(JsonLinesParser.WEIGHT, e.weight);
        g.writeNumberField(JsonLinesParser.TIMESTAMP, e.timestamp);
        g.writeEndObject();
    }
}

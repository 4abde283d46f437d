package io.crossinterest.profile;

import io.crossinterest.event.Behavior;
import io.crossinterest.ingest.JsonLineEncoder;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;

/**
 * A {@link UserProfile} as one JSON line ({@link ProfileJson}), written field by field with the
 * streaming generator: for a row-format {@code FileSink} and as a Kafka record's value (one per
 * profile update, so no JSON tree is built per update).
 */
public final class ProfileJsonEncoder extends JsonLineEncoder<UserProfile> {
    private static final long serialVersionUID = 2L;

    @Override
    protected void write(JsonGenerator g, UserProfile p) throws IOException {
        g.writeStartObject();
        g.writeStringField("user", p.user);
        g.writeNumberField("events", p.events);
        g.writeNumberField("lastEventTime", p.lastEventTime);
        g.writeObjectFieldStart("counts");
        for (Behavior b : Behavior.values()) {
            long n = p.behaviorCounts[b.ordinal()];
            if (n != 0) {
                g.writeNumberField(b.wireName(), n);
            }
        }
        g.writeEndObject();
        g.writeObjectFieldStart("categories");
        for (int i = 0; i < p.categories.length; i++) {
            g.writeNumberField(p.categories[i], p.scores[i]);
        }
        g.writeEndObject();
        writeStrings(g, "recentItems", p.recentItems);
        writeStrings(g, "recentCategories", p.recentCategories);
        g.writeEndObject();
    }

    private static void writeStrings(JsonGenerator g, String field, String[] values)
            throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }
}

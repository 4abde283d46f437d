package io.crossinterest.serving;

import io.crossinterest.ingest.JsonLineEncoder;
import io.crossinterest.joint.UserScores;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;

/**
 * A scoring output as one JSON line (file sink or Kafka value): {@code
 * {"user":"u1","modelVersion":3,"interests":{"cat":0.62,...},"top":[{"item":"i9","score":3.1},...]}}.
 * {@code modelVersion} is the version of the model that made it (its bundle's, the one the {@code
 * modelVersion} metric, the logs and the start-up line name). {@code interests} (softmax of I_u
 * over the K target categories) is absent when the model has no category layer.
 */
public final class ScoresJson extends JsonLineEncoder<UserScores> {
    private static final long serialVersionUID = 1L;

    @Override
    protected void write(JsonGenerator g, UserScores s) throws IOException {
        g.writeStartObject();
        g.writeStringField("user", s.userId);
        g.writeNumberField("modelVersion", s.modelVersion);
        if (s.interest != null && s.categories != null) {
            g.writeObjectFieldStart("interests");
            for (int c = 0; c < s.categories.length; c++) {
                g.writeNumberField(s.categories[c], s.interest[c]);
            }
            g.writeEndObject();
        }
        g.writeArrayFieldStart("top");
        for (int i = 0; i < s.topItems.length; i++) {
            g.writeStartObject();
            g.writeStringField("item", s.topItems[i]);
            g.writeNumberField("score", s.topScores[i]);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}

package io.crossinterest.cf.als;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.serialization.SerializationSchema;

/**
 * A CF {@link Recommendation} as one JSON object: {@code {"user", "modelVersion", "items": [...],
 * "scores": [...]}} (a Kafka value serializer of the retraining stage).
 */
public final class RecommendationJson implements SerializationSchema<Recommendation> {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public byte[] serialize(Recommendation r) {
        try {
            return JSON.writeValueAsBytes(r);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write recommendation of " + r.user, e);
        }
    }
}

package io.crossinterest.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * A message of the model control stream: "serve the bundle at {@code bundle} as version {@code
 * version}".
 *
 * <p>Wire format (one JSON object per Kafka record on the control topic): {@code {"version": 7,
 * "bundle": "/models/joint-7"}}; other fields are ignored. {@code version} orders the models: a
 * scoring operator switches only to a version greater than the one it serves or has queued; {@code
 * bundle} is a {@link io.crossinterest.joint.JointBundle} directory every task manager can read
 * (shared storage on a cluster). A Flink POJO (it lives in broadcast state).
 */
public class ModelAnnouncement {
    static final String VERSION = "version";
    static final String BUNDLE = "bundle";
    private static final ObjectMapper JSON = new ObjectMapper();

    public long version;
    public String bundle;

    public ModelAnnouncement() {}

    public ModelAnnouncement(long version, String bundle) {
        this.version = version;
        this.bundle = bundle;
    }

    /**
     * Reads one control message.
     *
     * @throws IllegalArgumentException naming what is wrong: not JSON, not an object, a missing or
     *     non-integral {@code version}, a negative version, a missing or empty {@code bundle}
     */
    public static ModelAnnouncement parse(String text) {
        JsonNode n;
        try {
            n = JSON.readTree(text == null ? "" : text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonNode v = n.get(VERSION);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("missing or non-integral \"" + VERSION + "\"");
        }
        if (v.asLong() < 0) {
            throw new IllegalArgumentException("negative \"" + VERSION + "\": " + v.asLong());
        }
        JsonNode b = n.get(BUNDLE);
        if (b == null || !b.isTextual() || b.asText().isBlank()) {
            throw new IllegalArgumentException("missing or empty \"" + BUNDLE + "\"");
        }
        return new ModelAnnouncement(v.asLong(), b.asText());
    }

    /** The wire form read by {@link #parse}. */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put(VERSION, version);
        o.put(BUNDLE, bundle);
        return o.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelAnnouncement a
                && version == a.version
                && Objects.equals(bundle, a.bundle);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, bundle);
    }

    @Override
    public String toString() {
        return "model " + version + " at " + bundle;
    }
}

package io.crossinterest.serving;

import io.crossinterest.joint.JointBundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A message of the model control stream: "serve the bundle at {@code bundle}", whose model is
 * version {@code version}.
 *
 * <p>Wire format (one JSON object per Kafka record on the control topic): {@code {"bundle":
 * "/models/v2"}}; other fields are ignored. The version is the bundle's own ({@link
 * JointBundle#modelVersion}), read from its metadata when the message is parsed ({@link #read}): an
 * optional {@code "version"}, which older scripts still send, must equal it. {@code version} orders
 * the models: a scoring operator switches only to a version greater than the one it serves or has
 * queued; {@code bundle} is a {@link JointBundle} directory every task manager can read (shared
 * storage on a cluster). A Flink POJO (it lives in broadcast state: its fields stay as they are for
 * savepoints).
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

    /** A control message as written: the bundle and the version it names, null when none. */
    public record Message(String bundle, Long version) {}

    /**
     * Reads one control message, without looking at its bundle.
     *
     * @throws IllegalArgumentException naming what is wrong: not JSON, not an object, a missing or
     *     empty {@code bundle}, a {@code version} that is not a whole number or is negative
     */
    public static Message parse(String text) {
        JsonNode n;
        try {
            n = JSON.readTree(text == null ? "" : text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JsonNode b = n.get(BUNDLE);
        if (b == null || !b.isTextual() || b.asText().isBlank()) {
            throw new IllegalArgumentException("missing or empty \"" + BUNDLE + "\"");
        }
        JsonNode v = n.get(VERSION);
        if (v == null || v.isNull()) {
            return new Message(b.asText(), null);
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("non-integral \"" + VERSION + "\": " + v);
        }
        if (v.asLong() < 0) {
            throw new IllegalArgumentException("negative \"" + VERSION + "\": " + v.asLong());
        }
        return new Message(b.asText(), v.asLong());
    }

    /**
     * The announcement of {@code m}: its bundle with the version in the bundle's metadata ({@link
     * JointBundle#readMetadata}, a small JSON file; the network is read later, by the scoring
     * operator's loader).
     *
     * @throws IllegalArgumentException saying why: the bundle's metadata cannot be read, or {@code
     *     m} names another version
     */
    public static ModelAnnouncement read(Message m) {
        long version;
        try {
            version = JointBundle.readMetadata(Path.of(m.bundle())).modelVersion();
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new IllegalArgumentException(
                    "cannot read the bundle: " + why.lines().findFirst().orElse(""));
        }
        if (m.version() != null && m.version() != version) {
            throw new IllegalArgumentException(
                    "the message names version "
                            + m.version()
                            + " but the bundle "
                            + m.bundle()
                            + " holds version "
                            + version);
        }
        return new ModelAnnouncement(version, m.bundle());
    }

    /** The announcement of the bundle in {@code dir}, with the bundle's version. */
    public static ModelAnnouncement of(Path dir) throws IOException {
        return new ModelAnnouncement(JointBundle.readMetadata(dir).modelVersion(), dir.toString());
    }

    /** The wire form read by {@link #parse}: the bundle only (its version is in it). */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
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

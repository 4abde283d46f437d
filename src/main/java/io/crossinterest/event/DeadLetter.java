package io.crossinterest.event;

import java.util.Objects;

/**
 * A record that could not be turned into a {@link BehaviorEvent}: the raw text exactly as read,
 * where it came from ({@code source}: file path or topic; {@code position}: 1-based line number or
 * Kafka offset) and why it was rejected. Dead letters are written out and counted; nothing
 * malformed is silently dropped.
 */
public class DeadLetter {
    public String source;
    public long position;
    public String reason;

    /**
     * The raw text; as written to a topic or file, a prefix of it when it was long (see {@code
     * DeadLetterJson}).
     */
    public String raw;

    /**
     * Only in a written dead letter whose raw text was cut: true, with the whole text's UTF-8
     * length and SHA-256.
     */
    public boolean rawTruncated;

    public long rawBytes;
    public String rawSha256;

    public DeadLetter() {}

    public DeadLetter(String source, long position, String reason, String raw) {
        this.source = source;
        this.position = position;
        this.reason = reason;
        this.raw = raw;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DeadLetter)) {
            return false;
        }
        DeadLetter d = (DeadLetter) o;
        return position == d.position
                && Objects.equals(source, d.source)
                && Objects.equals(reason, d.reason)
                && Objects.equals(raw, d.raw);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, position, reason, raw);
    }

    @Override
    public String toString() {
        return "DeadLetter{source="
                + source
                + ", position="
                + position
                + ", reason="
                + reason
                + ", raw="
                + raw
                + '}';
    }
}

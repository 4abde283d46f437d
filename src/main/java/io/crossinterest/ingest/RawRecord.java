package io.crossinterest.ingest;

import java.util.Objects;

/**
 * One raw record exactly as it arrived, before parsing: a line of a file or the value of a Kafka
 * message.
 *
 * <p>{@code source} names where it came from (a file path, or {@code topic-partition}); {@code
 * position} is the 1-based line number in that file or the Kafka offset. {@code encodingError} is
 * set when the bytes were not valid UTF-8 (the text then holds the decodable part with U+FFFD
 * replacements), so the parser can route it to dead letters with that reason instead of guessing.
 * {@code truncated} is set when the line was longer than the reader's limit and {@code text} holds
 * only its beginning (so a cut line is never mistaken for a valid shorter one).
 */
public class RawRecord {
    public String source;
    public long position;
    public String text;
    public boolean encodingError;
    public boolean truncated;

    public RawRecord() {}

    public RawRecord(String source, long position, String text) {
        this(source, position, text, false);
    }

    public RawRecord(String source, long position, String text, boolean encodingError) {
        this.source = source;
        this.position = position;
        this.text = text;
        this.encodingError = encodingError;
    }

    public RawRecord(
            String source, long position, String text, boolean encodingError, boolean truncated) {
        this(source, position, text, encodingError);
        this.truncated = truncated;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RawRecord)) {
            return false;
        }
        RawRecord r = (RawRecord) o;
        return position == r.position
                && encodingError == r.encodingError
                && truncated == r.truncated
                && Objects.equals(source, r.source)
                && Objects.equals(text, r.text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, position, text, encodingError, truncated);
    }

    @Override
    public String toString() {
        return "RawRecord{"
                + source
                + ':'
                + position
                + (encodingError ? " (bad UTF-8)" : "")
                + (truncated ? " (truncated)" : "")
                + " '"
                + text
                + "'}";
    }
}

package io.crossinterest.ingest;

import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.event.DeadLetter;

import java.util.function.Consumer;

/**
 * The parse step in plain Java (no Flink classes), shared by the Flink {@link ParseFunction} and
 * {@link LocalReader}.
 */
public final class ParseStep {
    private ParseStep() {}

    /**
     * Parses one record: its events go to {@code out}; if it cannot be parsed, returns its dead
     * letter (and nothing went to {@code out}), else null. The one place that turns a failure into
     * a dead letter, shared by {@link ParseFunction} and {@link LocalReader}.
     */
    public static DeadLetter parseOrDeadLetter(
            RecordParser parser, RawRecord record, Consumer<BehaviorEvent> out) {
        try {
            parser.parse(record, out);
            return null;
        } catch (MalformedRecordException e) {
            return new DeadLetter(record.source, record.position, e.getMessage(), record.text);
        } catch (RuntimeException e) {
            return new DeadLetter(
                    record.source,
                    record.position,
                    RejectReason.PARSER_ERROR.code() + ": " + e,
                    record.text);
        }
    }
}

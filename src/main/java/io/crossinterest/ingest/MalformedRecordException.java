package io.crossinterest.ingest;

/**
 * Thrown by a {@link RecordParser} for a record it cannot turn into events. The message is the
 * reason written to the dead-letter output, so it should name the field and the problem
 * ("timestamp: not a number: 'abc'").
 */
public class MalformedRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedRecordException(String reason) {
        super(
                reason, null, false,
                false); // no stack trace: this is data, not a bug, and it is on the hot path
    }
}

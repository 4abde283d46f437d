package io.crossinterest.ingest;

import java.util.Locale;

/**
 * Why a record went to dead letters. Every {@link MalformedRecordException} thrown by the parsers
 * of this package has the message {@code "<code>: <detail>"}, where {@code <code>} is {@link
 * #code()} of one of these constants, so dead letters can be grouped and counted per reason ({@link
 * ParseFunction} keeps a Flink counter per code) while the detail names the field and the offending
 * value.
 */
public enum RejectReason {
    /** The line is empty or only whitespace. */
    EMPTY,
    /** The bytes were not valid UTF-8 ({@link RawRecord#encodingError}). */
    BAD_UTF8,
    /** The line was longer than the reader's limit and was cut ({@link RawRecord#truncated}). */
    OVERSIZED_RECORD,
    /** Not the number of columns the format has. */
    COLUMN_COUNT,
    /** A field is longer than {@link ParseLimits#maxFieldChars()}. */
    OVERSIZED_FIELD,
    /** A field that must be present is empty or absent. */
    MISSING_FIELD,
    /** A numeric field (id, timestamp, weight) is not a number of the expected kind. */
    NOT_A_NUMBER,
    /** The timestamp is negative. */
    NEGATIVE_TIMESTAMP,
    /** The timestamp is further in the future than {@link ParseLimits#maxFutureSkewMillis()}. */
    FUTURE_TIMESTAMP,
    /** The behaviour is not one of {@link io.crossinterest.event.Behavior}'s wire names. */
    UNKNOWN_BEHAVIOR,
    /** The weight or rating is NaN, infinite, negative or outside the format's rating scale. */
    BAD_WEIGHT,
    /** Not a syntactically valid JSON object, or a field of the wrong JSON type. */
    BAD_JSON,
    /** The item is not in the format's item catalogue (MovieLens {@code u.item}). */
    UNKNOWN_ITEM,
    /**
     * The record's source (file path) does not name what the format derives from it (domain,
     * block).
     */
    BAD_SOURCE,
    /**
     * The parser failed with an unexpected exception: a bug, not bad data, but reported as a dead
     * letter (with the exception) so that one odd record cannot stop the job.
     */
    PARSER_ERROR;

    private final String code = name().toLowerCase(Locale.ROOT);

    /** The stable lower-case code that starts the dead-letter reason, e.g. {@code column_count}. */
    public String code() {
        return code;
    }

    /** An exception whose message is {@code "<code>: <detail>"}. */
    public MalformedRecordException exception(String detail) {
        return new MalformedRecordException(code + ": " + detail);
    }

    /**
     * The reason code at the start of a dead-letter reason, or null if it does not start with a
     * known code.
     */
    public static RejectReason ofMessage(String reason) {
        if (reason == null) {
            return null;
        }
        int colon = reason.indexOf(':');
        String code = colon < 0 ? reason : reason.substring(0, colon);
        for (RejectReason r : values()) {
            if (r.code.equals(code)) {
                return r;
            }
        }
        return null;
    }
}

package io.crossinterest.ingest;

import io.crossinterest.event.BehaviorEvent;

import java.util.function.Consumer;

/**
 * Base of the line-oriented parsers: rejects what no format accepts (a line cut by the reader, bad
 * UTF-8, an empty line), then hands the text to {@link #parseLine}. Also holds the field checks
 * every format shares, so that each reason is worded the same way whatever the format.
 *
 * <p>Parsers are immutable apart from a cache of what they derive from the current source file
 * ({@link FromSource}), which is replaced by one reference write, so a parser may be shared between
 * threads (Flink gives each parallel instance its own copy anyway).
 */
public abstract class LineParser implements RecordParser {
    private static final long serialVersionUID = 1L;

    protected final ParseLimits limits;

    protected LineParser(ParseLimits limits) {
        this.limits = limits;
    }

    public ParseLimits limits() {
        return limits;
    }

    @Override
    public final void parse(RawRecord record, Consumer<BehaviorEvent> out)
            throws MalformedRecordException {
        if (record.truncated) {
            throw RejectReason.OVERSIZED_RECORD.exception(
                    "line longer than the reader's limit; cut at "
                            + (record.text == null ? 0 : record.text.length())
                            + " chars");
        }
        if (record.encodingError) {
            throw RejectReason.BAD_UTF8.exception("bytes are not valid UTF-8");
        }
        String text = record.text;
        if (text == null || text.isBlank()) {
            throw RejectReason.EMPTY.exception("empty line");
        }
        parseLine(record.source, text, out);
    }

    /**
     * Parses a non-empty, correctly decoded line from {@code source}. Must not emit anything if it
     * throws.
     */
    protected abstract void parseLine(String source, String text, Consumer<BehaviorEvent> out)
            throws MalformedRecordException;

    /**
     * What a parser derives from a record's source file (the category and the id prefixes), cached
     * for the last source: a file is read line after line. Immutable, so a cache write publishes it
     * whole.
     */
    protected record FromSource(
            String source, String category, String userPrefix, String itemPrefix) {}

    // ---- shared field checks; [from, to) is the field's range in text ----

    /**
     * Splits {@code text} on {@code sep} into between {@code min} and {@code max} columns. Returns
     * the separator positions framed by -1 and text.length(): column i is [cuts[i] + 1, cuts[i +
     * 1]); the count is cuts.length - 1.
     */
    protected static int[] columns(String text, char sep, int min, int max, String layout)
            throws MalformedRecordException {
        int[] cuts = new int[max + 1];
        cuts[0] = -1;
        int n = 1;
        int i = text.indexOf(sep);
        while (i >= 0) {
            if (n == max) {
                throw RejectReason.COLUMN_COUNT.exception(
                        "expected " + layout + ", got more than " + max + " columns");
            }
            cuts[n++] = i;
            i = text.indexOf(sep, i + 1);
        }
        if (n < min) {
            throw RejectReason.COLUMN_COUNT.exception(
                    "expected " + layout + ", got " + n + " column" + (n == 1 ? "" : "s"));
        }
        cuts[n] = text.length();
        if (n == max) {
            return cuts;
        }
        int[] exact = new int[n + 1];
        System.arraycopy(cuts, 0, exact, 0, n + 1);
        return exact;
    }

    /** A non-empty field of at most maxFieldChars chars, as a String. */
    protected final String field(String text, int from, int to, String name)
            throws MalformedRecordException {
        checkLength(text, from, to, name);
        return text.substring(from, to);
    }

    /**
     * A non-empty field made of ASCII digits only (a non-negative integer id), as a String. The id
     * is kept verbatim (no normalisation of leading zeros), as the data sets write their ids.
     */
    protected final String numericId(String text, int from, int to, String name)
            throws MalformedRecordException {
        checkLength(text, from, to, name);
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw RejectReason.NOT_A_NUMBER.exception(
                        name + ": not a non-negative integer: " + quote(text, from, to));
            }
        }
        return text.substring(from, to);
    }

    /**
     * Unix seconds in [from, to) as epoch ms, checked: an optional minus sign and digits; negative
     * is {@code negative_timestamp}; beyond {@link ParseLimits#latestAcceptedTimestamp()} is {@code
     * future_timestamp}.
     */
    protected final long epochSecondsAsMillis(String text, int from, int to, String name)
            throws MalformedRecordException {
        long seconds = signedLong(text, from, to, name);
        // ms = s * 1000; a value whose ms overflow a long is far in the future anyway
        long millis = seconds > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : seconds * 1000;
        return checkTimestamp(millis, text, from, to, name);
    }

    /**
     * Epoch ms checked against the limits (see {@link #epochSecondsAsMillis}); the reason shows the
     * value in ms.
     */
    protected final long checkTimestamp(long millis, String name) throws MalformedRecordException {
        if (millis < 0 || millis > limits.latestAcceptedTimestamp()) {
            String shown = Long.toString(millis);
            checkTimestamp(millis, shown, 0, shown.length(), name);
        }
        return millis;
    }

    private long checkTimestamp(long millis, String text, int from, int to, String name)
            throws MalformedRecordException {
        if (millis < 0) {
            throw RejectReason.NEGATIVE_TIMESTAMP.exception(
                    name + ": negative: " + quote(text, from, to));
        }
        if (millis > limits.latestAcceptedTimestamp()) {
            throw RejectReason.FUTURE_TIMESTAMP.exception(
                    name
                            + ": "
                            + quote(text, from, to)
                            + " is later than the reference time + "
                            + limits.maxFutureSkewMillis()
                            + " ms");
        }
        return millis;
    }

    /** A decimal integer with an optional leading minus sign, without allocating. */
    protected final long signedLong(String text, int from, int to, String name)
            throws MalformedRecordException {
        checkLength(text, from, to, name);
        boolean negative = text.charAt(from) == '-';
        int i = negative ? from + 1 : from;
        if (i == to) {
            throw RejectReason.NOT_A_NUMBER.exception(
                    name + ": not an integer: " + quote(text, from, to));
        }
        long value = 0;
        for (; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw RejectReason.NOT_A_NUMBER.exception(
                        name + ": not an integer: " + quote(text, from, to));
            }
            // accumulate negatively so that Long.MIN_VALUE fits; overflow when value < (MIN +
            // digit) / 10
            int d = c - '0';
            if (value < (Long.MIN_VALUE + d) / 10) {
                throw RejectReason.NOT_A_NUMBER.exception(
                        name + ": integer out of range: " + quote(text, from, to));
            }
            value = value * 10 - d;
        }
        if (!negative && value == Long.MIN_VALUE) {
            throw RejectReason.NOT_A_NUMBER.exception(
                    name + ": integer out of range: " + quote(text, from, to));
        }
        return negative ? value : -value;
    }

    /** A finite, non-negative decimal number (weight or rating). */
    protected final double weight(String text, int from, int to, String name)
            throws MalformedRecordException {
        checkLength(text, from, to, name);
        double w;
        try {
            w = Double.parseDouble(text.substring(from, to));
        } catch (NumberFormatException e) {
            throw RejectReason.NOT_A_NUMBER.exception(
                    name + ": not a number: " + quote(text, from, to));
        }
        return checkWeight(w, name, text, from, to);
    }

    /** Rejects NaN, infinite and negative weights. */
    protected static double checkWeight(double w, String name) throws MalformedRecordException {
        if (Double.isNaN(w) || Double.isInfinite(w) || w < 0) {
            String shown = Double.toString(w);
            checkWeight(w, name, shown, 0, shown.length());
        }
        return w;
    }

    private static double checkWeight(double w, String name, String text, int from, int to)
            throws MalformedRecordException {
        if (Double.isNaN(w) || Double.isInfinite(w)) {
            throw RejectReason.BAD_WEIGHT.exception(
                    name + ": not finite: " + quote(text, from, to));
        }
        if (w < 0) {
            throw RejectReason.BAD_WEIGHT.exception(name + ": negative: " + quote(text, from, to));
        }
        return w;
    }

    /** A rating on the scale [lo, hi] (Douban and MovieLens: 1..5). */
    protected final double rating(String text, int from, int to, double lo, double hi)
            throws MalformedRecordException {
        double r = weight(text, from, to, "rating");
        if (r < lo || r > hi) {
            throw RejectReason.BAD_WEIGHT.exception(
                    "rating: " + quote(text, from, to) + " outside [" + lo + ", " + hi + "]");
        }
        return r;
    }

    protected final void checkLength(String text, int from, int to, String name)
            throws MalformedRecordException {
        if (to <= from) {
            throw RejectReason.MISSING_FIELD.exception(name + ": empty");
        }
        if (to - from > limits.maxFieldChars()) {
            throw RejectReason.OVERSIZED_FIELD.exception(
                    name + ": " + (to - from) + " chars, limit " + limits.maxFieldChars());
        }
    }

    /** The field quoted for a reason, cut to 40 chars so a reason stays one short line. */
    protected static String quote(String text, int from, int to) {
        if (to - from > 40) {
            return "'" + text.substring(from, from + 40) + "...'";
        }
        return "'" + text.substring(from, to) + "'";
    }

    /** The last path segment of a source (file path or URI), e.g. {@code train.txt}. */
    protected static String fileName(String source) {
        return segment(source, 0);
    }

    /**
     * The name of the folder holding a source file, e.g. {@code sport_cloth} for {@code
     * .../sport_cloth/train.txt}.
     */
    protected static String parentName(String source) {
        return segment(source, 1);
    }

    /**
     * Path segment {@code back} steps from the end (0 = the file name), or "" if there are not that
     * many.
     */
    private static String segment(String source, int back) {
        if (source == null) {
            return "";
        }
        int end = source.length();
        while (end > 0 && (source.charAt(end - 1) == '/' || source.charAt(end - 1) == '\\')) {
            end--;
        }
        for (int k = 0; ; k++) {
            int slash =
                    Math.max(source.lastIndexOf('/', end - 1), source.lastIndexOf('\\', end - 1));
            if (k == back) {
                return source.substring(slash + 1, end);
            }
            if (slash < 0) {
                return "";
            }
            end = slash;
        }
    }
}

package io.crossinterest.ingest;

import java.io.Serializable;
import java.time.Duration;

/**
 * Validation limits shared by all parsers: the longest field accepted and how far in the future a
 * timestamp may lie relative to a reference clock. Immutable; {@link #DEFAULTS} fits every data set
 * in {@code ../shared/data}.
 *
 * <p>The reference clock is the wall clock unless a fixed reference time is given ({@link
 * #withReferenceTime}), which tests and replays of old data use so that "far future" does not
 * depend on when they run.
 */
public final class ParseLimits implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Fields up to 256 characters; timestamps up to one day ahead of the wall clock. */
    public static final ParseLimits DEFAULTS =
            new ParseLimits(256, Duration.ofDays(1).toMillis(), Long.MIN_VALUE);

    private final int maxFieldChars;
    private final long maxFutureSkewMillis;

    /** Fixed reference time in epoch ms, or Long.MIN_VALUE for the wall clock. */
    private final long referenceTimeMillis;

    private ParseLimits(int maxFieldChars, long maxFutureSkewMillis, long referenceTimeMillis) {
        if (maxFieldChars < 1) {
            throw new IllegalArgumentException("maxFieldChars must be positive: " + maxFieldChars);
        }
        if (maxFutureSkewMillis < 0) {
            throw new IllegalArgumentException(
                    "maxFutureSkewMillis must not be negative: " + maxFutureSkewMillis);
        }
        this.maxFieldChars = maxFieldChars;
        this.maxFutureSkewMillis = maxFutureSkewMillis;
        this.referenceTimeMillis = referenceTimeMillis;
    }

    /** The longest accepted field (id, category, behaviour, number), in chars. */
    public int maxFieldChars() {
        return maxFieldChars;
    }

    /**
     * A timestamp later than reference time + this many ms is rejected as {@link
     * RejectReason#FUTURE_TIMESTAMP}.
     */
    public long maxFutureSkewMillis() {
        return maxFutureSkewMillis;
    }

    public ParseLimits withMaxFieldChars(int chars) {
        return new ParseLimits(chars, maxFutureSkewMillis, referenceTimeMillis);
    }

    public ParseLimits withMaxFutureSkew(Duration skew) {
        return new ParseLimits(maxFieldChars, skew.toMillis(), referenceTimeMillis);
    }

    /** Judges "future" against this fixed time (epoch ms) instead of the wall clock. */
    public ParseLimits withReferenceTime(long epochMillis) {
        return new ParseLimits(maxFieldChars, maxFutureSkewMillis, epochMillis);
    }

    /** The latest accepted timestamp (epoch ms) right now: reference time + skew. */
    public long latestAcceptedTimestamp() {
        long now =
                referenceTimeMillis == Long.MIN_VALUE
                        ? System.currentTimeMillis()
                        : referenceTimeMillis;
        long latest = now + maxFutureSkewMillis;
        return latest < now ? Long.MAX_VALUE : latest; // saturate on overflow
    }

    @Override
    public String toString() {
        return "ParseLimits{maxFieldChars="
                + maxFieldChars
                + ", maxFutureSkewMillis="
                + maxFutureSkewMillis
                + ", reference="
                + (referenceTimeMillis == Long.MIN_VALUE ? "wall clock" : referenceTimeMillis)
                + '}';
    }
}

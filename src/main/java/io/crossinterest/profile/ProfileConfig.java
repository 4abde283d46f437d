package io.crossinterest.profile;

import java.io.Serializable;
import java.time.Duration;

/**
 * Settings of the per-user aggregation ({@link ProfileAggregator}).
 *
 * <ul>
 *   <li>{@code weights}: behaviour weights (defaults pv 1, click 1, fav 2, cart 3, buy 4; a rating
 *       counts its value);
 *   <li>{@code halfLife}: event-time half-life of a category score (default 7 days; {@link
 *       Duration#ZERO} = no decay);
 *   <li>{@code sequenceLength}: L, the number of most recent behaviour tokens kept (default 100);
 *   <li>{@code idleTtl}: a user's state is dropped after this much processing time without an event
 *       (default 30 days; null = keep forever, as a backfill does);
 *   <li>{@code emitInterval}: profile updates are emitted once per user per interval of event time,
 *       when the watermark passes the end of the interval that holds the user's newest event
 *       (default 10 s; in BATCH mode once per user at the end). {@link Duration#ZERO}: per-event
 *       emission (STREAMING), every accepted event's updated profile at once, in processing order,
 *       with no timer and no wait for the watermark: the low-latency configuration, at the cost of
 *       one update (and one scoring) per event instead of one per user per interval; the state and
 *       the profiles are the same as the interval mode builds from the same events;
 *   <li>{@code miniBatchUsers}: in STREAMING mode the profile operator keeps the states of up to
 *       this many users on the heap between flushes into the state backend (default 100,000; 0 =
 *       write every event through); see {@link ProfileAggregator}. It should hold the users seen
 *       between two watermarks that make their updates due: when it fills up, the buffer is written
 *       out and those users' updates cost a timer, a get and a put more. Heap: ~0.5 KB for a user
 *       with a few events, up to ~7 KB with a full list of L = 100 tokens;
 *   <li>{@code idleTimeout} (STREAMING): an input subtask that has seen no record for this long
 *       (processing time) is idle and no longer holds back the watermark of the others, e.g. when
 *       its Kafka partition is quiet (default 30 s; 0 = never idle);
 *   <li>{@code maxEmitDelay} (STREAMING): once the watermark has not advanced for this long
 *       (processing time), e.g. because the whole input went quiet, every pending update is emitted
 *       (default 60 s; 0 = watermark only). Live traffic, whose event time follows the wall clock,
 *       moves the watermark all the time and emits every update at the end of its emit interval + 5
 *       s of out-of-orderness.
 * </ul>
 *
 * Immutable; the {@code with...} methods return changed copies.
 */
public final class ProfileConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final Duration DEFAULT_HALF_LIFE = Duration.ofDays(7);
    public static final int DEFAULT_SEQUENCE_LENGTH = 100;
    public static final Duration DEFAULT_IDLE_TTL = Duration.ofDays(30);
    public static final Duration DEFAULT_EMIT_INTERVAL = Duration.ofSeconds(10);
    public static final int DEFAULT_MINI_BATCH_USERS = 100_000;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_MAX_EMIT_DELAY = Duration.ofSeconds(60);

    private final BehaviorWeights weights;
    private final long halfLifeMs;
    private final int sequenceLength;
    private final Duration idleTtl;
    private final long emitIntervalMs;
    private final int miniBatchUsers;
    private final long idleTimeoutMs;
    private final long maxEmitDelayMs;

    private ProfileConfig(
            BehaviorWeights weights,
            long halfLifeMs,
            int sequenceLength,
            Duration idleTtl,
            long emitIntervalMs,
            int miniBatchUsers,
            long idleTimeoutMs,
            long maxEmitDelayMs) {
        if (halfLifeMs < 0) {
            throw new IllegalArgumentException(
                    "half-life must be >= 0 (0 = no decay): " + halfLifeMs + " ms");
        }
        if (sequenceLength < 1) {
            throw new IllegalArgumentException("sequence length must be >= 1: " + sequenceLength);
        }
        if (idleTtl != null && (idleTtl.isNegative() || idleTtl.isZero())) {
            throw new IllegalArgumentException("idle TTL must be positive: " + idleTtl);
        }
        if (emitIntervalMs < 0) {
            throw new IllegalArgumentException(
                    "emit interval must be >= 0 (0 = every event): " + emitIntervalMs + " ms");
        }
        if (miniBatchUsers < 0) {
            throw new IllegalArgumentException(
                    "mini-batch users must be >= 0 (0 = no mini-batch): " + miniBatchUsers);
        }
        if (idleTimeoutMs < 0 || maxEmitDelayMs < 0) {
            throw new IllegalArgumentException(
                    "idle timeout and max emit delay must be >= 0 (0 = none): "
                            + idleTimeoutMs
                            + " ms, "
                            + maxEmitDelayMs
                            + " ms");
        }
        this.weights = weights;
        this.halfLifeMs = halfLifeMs;
        this.sequenceLength = sequenceLength;
        this.idleTtl = idleTtl;
        this.emitIntervalMs = emitIntervalMs;
        this.miniBatchUsers = miniBatchUsers;
        this.idleTimeoutMs = idleTimeoutMs;
        this.maxEmitDelayMs = maxEmitDelayMs;
    }

    public static ProfileConfig defaults() {
        return new ProfileConfig(
                BehaviorWeights.defaults(),
                DEFAULT_HALF_LIFE.toMillis(),
                DEFAULT_SEQUENCE_LENGTH,
                DEFAULT_IDLE_TTL,
                DEFAULT_EMIT_INTERVAL.toMillis(),
                DEFAULT_MINI_BATCH_USERS,
                DEFAULT_IDLE_TIMEOUT.toMillis(),
                DEFAULT_MAX_EMIT_DELAY.toMillis());
    }

    public ProfileConfig withWeights(BehaviorWeights w) {
        return new ProfileConfig(
                w,
                halfLifeMs,
                sequenceLength,
                idleTtl,
                emitIntervalMs,
                miniBatchUsers,
                idleTimeoutMs,
                maxEmitDelayMs);
    }

    public ProfileConfig withHalfLife(Duration halfLife) {
        return new ProfileConfig(
                weights,
                halfLife.toMillis(),
                sequenceLength,
                idleTtl,
                emitIntervalMs,
                miniBatchUsers,
                idleTimeoutMs,
                maxEmitDelayMs);
    }

    public ProfileConfig withSequenceLength(int l) {
        return new ProfileConfig(
                weights,
                halfLifeMs,
                l,
                idleTtl,
                emitIntervalMs,
                miniBatchUsers,
                idleTimeoutMs,
                maxEmitDelayMs);
    }

    /** null: never expire idle users. */
    public ProfileConfig withIdleTtl(Duration ttl) {
        return new ProfileConfig(
                weights,
                halfLifeMs,
                sequenceLength,
                ttl,
                emitIntervalMs,
                miniBatchUsers,
                idleTimeoutMs,
                maxEmitDelayMs);
    }

    public ProfileConfig withEmitInterval(Duration interval) {
        return new ProfileConfig(
                weights,
                halfLifeMs,
                sequenceLength,
                idleTtl,
                interval.toMillis(),
                miniBatchUsers,
                idleTimeoutMs,
                maxEmitDelayMs);
    }

    /** 0: no mini-batch, every event is written through to the state backend. */
    public ProfileConfig withMiniBatchUsers(int users) {
        return new ProfileConfig(
                weights,
                halfLifeMs,
                sequenceLength,
                idleTtl,
                emitIntervalMs,
                users,
                idleTimeoutMs,
                maxEmitDelayMs);
    }

    /** {@link Duration#ZERO}: a quiet input subtask holds the watermark back for good. */
    public ProfileConfig withIdleTimeout(Duration timeout) {
        return new ProfileConfig(
                weights,
                halfLifeMs,
                sequenceLength,
                idleTtl,
                emitIntervalMs,
                miniBatchUsers,
                timeout.toMillis(),
                maxEmitDelayMs);
    }

    /** {@link Duration#ZERO}: updates wait for the watermark only. */
    public ProfileConfig withMaxEmitDelay(Duration delay) {
        return new ProfileConfig(
                weights,
                halfLifeMs,
                sequenceLength,
                idleTtl,
                emitIntervalMs,
                miniBatchUsers,
                idleTimeoutMs,
                delay.toMillis());
    }

    public BehaviorWeights weights() {
        return weights;
    }

    /** Half-life in milliseconds; 0 means no decay. */
    public long halfLifeMs() {
        return halfLifeMs;
    }

    public int sequenceLength() {
        return sequenceLength;
    }

    /** null when idle users are kept forever. */
    public Duration idleTtl() {
        return idleTtl;
    }

    /** 0 when every event's update is emitted at once ({@link #emitsEveryEvent}). */
    public long emitIntervalMs() {
        return emitIntervalMs;
    }

    /**
     * Per-event emission (emit interval 0): in STREAMING mode every event's updated profile goes
     * out at once; BATCH mode still emits one final profile per user.
     */
    public boolean emitsEveryEvent() {
        return emitIntervalMs == 0;
    }

    public int miniBatchUsers() {
        return miniBatchUsers;
    }

    /** 0 when a quiet input never counts as idle. */
    public long idleTimeoutMs() {
        return idleTimeoutMs;
    }

    /** 0 when updates wait for the watermark only. */
    public long maxEmitDelayMs() {
        return maxEmitDelayMs;
    }

    @Override
    public String toString() {
        return "ProfileConfig{weights="
                + weights
                + ", halfLifeMs="
                + halfLifeMs
                + ", L="
                + sequenceLength
                + ", idleTtl="
                + idleTtl
                + ", emitIntervalMs="
                + emitIntervalMs
                + ", miniBatchUsers="
                + miniBatchUsers
                + ", idleTimeoutMs="
                + idleTimeoutMs
                + ", maxEmitDelayMs="
                + maxEmitDelayMs
                + '}';
    }
}

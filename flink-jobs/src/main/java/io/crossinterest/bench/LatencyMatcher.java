package io.crossinterest.bench;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Matches the events a benchmark sent to the recommendations they caused, and keeps the latencies.
 *
 * <p>Which events a recommendation reflects: the profile operator emits an update stamped T (the
 * end of the user's emit interval, or with {@code --emit-interval 0} the event's own time), and the
 * update counts the user's events folded in so far ({@code events}); the scoring stage gives the
 * recommendation the update's timestamp T (with {@code --output-timestamps event}, the Kafka
 * timestamp of both records). So the update (user, T) read from the profile topic says how many of
 * the user's events the recommendation (user, T) reflects, n, and the user's first n events (in the
 * order they were sent, which is their partition's order) are caused by it if no earlier
 * recommendation reflected them. Their latency is the time the recommendation was read minus the
 * event's Kafka timestamp (both on this machine's clock). A recommendation read before its profile
 * update waits for it; an update replaced in the scoring stage by a newer one of the same user has
 * no recommendation, and its events are matched by the user's next one. An update without
 * source-block behaviour is never scored (the model reads only the source block): its events can
 * cause no recommendation and are counted apart ({@link #withoutSourceHistory}), not left to wait
 * for the user's first source-block event (which measured the user's behaviour, not the job: a
 * user's first target-block events waited seconds for it). Events of users who never get a
 * recommendation stay unmatched ({@link #unmatched}).
 *
 * <p>Latencies go into 1 ms buckets up to 10 minutes (longer ones into the last), enough for the
 * percentiles; and the worst latency of the events sent in each second of the counted window (up to
 * an hour) is kept, so that a tail can be placed in time (next to checkpoints and collections).
 * Thread-safe: the producer registers events while a consumer reports outputs.
 */
public final class LatencyMatcher {
    static final int MAX_MS = 600_000;
    static final int MAX_SECONDS = 3_600;

    private final Map<String, User> users = new HashMap<>();
    private final long[] histogram = new long[MAX_MS + 1];
    private final long[] worstBySecond = new long[MAX_SECONDS];
    private int secondsSeen;
    private long matched;
    private long withoutSourceHistory;
    private long counted;
    private long countFromMs = Long.MIN_VALUE;

    private static final class User {
        long sent; // events sent so far = the index of the newest
        long reflected; // events already matched
        final ArrayDeque<Long> pending =
                new ArrayDeque<>(); // Kafka timestamps of events sent but not matched
        final ArrayDeque<long[]> updates =
                new ArrayDeque<>(); // {T, n, 1 if scored else 0} of profile updates not yet used
        final ArrayDeque<long[]> recommendations =
                new ArrayDeque<>(); // {T, readAt} waiting for their update
    }

    /** An event of {@code user} was sent with Kafka timestamp {@code timestampMs}. */
    public synchronized void sent(String user, long timestampMs) {
        User u = users.computeIfAbsent(user, k -> new User());
        u.sent++;
        u.pending.addLast(timestampMs);
        if (timestampMs >= countFromMs) {
            counted++;
        }
    }

    /**
     * A profile update of {@code user} at {@code t} counting {@code events} events was read; {@code
     * scored}: it has source-block behaviour, so the scoring stage scores it.
     */
    public synchronized void profile(String user, long t, long events, boolean scored) {
        User u = users.get(user);
        if (u == null) {
            return; // not an event of this run
        }
        u.updates.addLast(new long[] {t, events, scored ? 1 : 0});
        drain(u);
    }

    /** A recommendation of {@code user} at {@code t} was read at {@code readAtMs}. */
    public synchronized void recommendation(String user, long t, long readAtMs) {
        User u = users.get(user);
        if (u == null) {
            return;
        }
        u.recommendations.addLast(new long[] {t, readAtMs});
        drain(u);
    }

    /**
     * Matches the user's waiting recommendations whose update has been read, and settles the events
     * of updates that will not be scored.
     */
    private void drain(User u) {
        while (true) {
            // an update without source-block behaviour gets no recommendation
            while (!u.updates.isEmpty() && u.updates.peekFirst()[2] == 0) {
                reflect(u, u.updates.pollFirst()[1], -1);
            }
            if (u.recommendations.isEmpty()) {
                return;
            }
            long[] rec = u.recommendations.peekFirst();
            // updates before the recommendation's were replaced: their events go with a later one
            while (!u.updates.isEmpty()
                    && u.updates.peekFirst()[0] < rec[0]
                    && u.updates.peekFirst()[2] == 1) {
                u.updates.pollFirst();
            }
            if (u.updates.isEmpty()) {
                return; // its update is not read yet
            }
            if (u.updates.peekFirst()[2] == 0) {
                continue; // an unscored update before the recommendation's: settled at the top
            }
            if (u.updates.peekFirst()[0] != rec[0]) {
                return; // its update is not read yet
            }
            long n = u.updates.pollFirst()[1];
            u.recommendations.pollFirst();
            reflect(u, n, rec[1]);
        }
    }

    /**
     * The user's events up to the n-th are reflected by a recommendation read at {@code readAtMs},
     * or by none ({@code readAtMs} &lt; 0: no source-block history).
     */
    private void reflect(User u, long n, long readAtMs) {
        for (long last = Math.min(n, u.sent); u.reflected < last; u.reflected++) {
            long sentAt = u.pending.pollFirst();
            if (sentAt < countFromMs) {
                continue;
            }
            if (readAtMs < 0) {
                withoutSourceHistory++;
            } else {
                long ms = Math.min(Math.max(0, readAtMs - sentAt), MAX_MS);
                histogram[(int) ms]++;
                matched++;
                if (countFromMs != Long.MIN_VALUE) { // a window was opened: place it in time
                    int second = (int) Math.min((sentAt - countFromMs) / 1000, MAX_SECONDS - 1);
                    worstBySecond[second] = Math.max(worstBySecond[second], ms);
                    secondsSeen = Math.max(secondsSeen, second + 1);
                }
            }
        }
    }

    /** Users with at least one event sent. */
    public synchronized int users() {
        return users.size();
    }

    /**
     * Events counted (sent at or after the last {@link #countFrom}) and matched to a
     * recommendation.
     */
    public synchronized long matched() {
        return matched;
    }

    /**
     * Events counted whose update had no source-block behaviour: no recommendation can follow them.
     */
    public synchronized long withoutSourceHistory() {
        return withoutSourceHistory;
    }

    /** Events counted and not (yet) matched, nor without source-block history. */
    public synchronized long unmatched() {
        return counted - matched - withoutSourceHistory;
    }

    /**
     * The latency at quantile {@code q} (0 < q <= 1) of the matched events, in ms; -1 when none.
     */
    public synchronized long quantileMs(double q) {
        if (matched == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * matched);
        long seen = 0;
        for (int ms = 0; ms < histogram.length; ms++) {
            seen += histogram[ms];
            if (seen >= rank) {
                return ms;
            }
        }
        return MAX_MS;
    }

    /**
     * The worst latency (ms) of the matched events sent in each second since {@link #countFrom}, up
     * to the last second with a matched event; 0 for a second without one; empty before {@link
     * #countFrom}.
     */
    public synchronized long[] worstMsBySecond() {
        return Arrays.copyOf(worstBySecond, secondsSeen);
    }

    /**
     * From now on only events sent at or after {@code fromMs} count (e.g. after a warm-up): the
     * latencies so far are forgotten, and events sent before still match recommendations but their
     * latencies do not count.
     */
    public synchronized void countFrom(long fromMs) {
        Arrays.fill(histogram, 0);
        Arrays.fill(worstBySecond, 0);
        secondsSeen = 0;
        matched = 0;
        withoutSourceHistory = 0;
        countFromMs = fromMs;
        counted = 0;
        for (User u : users.values()) {
            for (long t : u.pending) {
                if (t >= fromMs) {
                    counted++;
                }
            }
        }
    }
}

package io.crossinterest.profile;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;

import java.util.Arrays;

/**
 * The keyed state of one user: one row of the user × category matrix O as decayed scores, behaviour
 * counts, the newest event time, the newest L behaviour tokens and the pending emission.
 *
 * <h2>Decay, independent of arrival order</h2>
 *
 * With half-life h, an event of weight w at time t_i is worth w·2^(−(T−t_i)/h) at time T. The state
 * keeps, per category c, the score referred to the newest event time a = max_i t_i:
 *
 * <pre>
 *   S_c = Σ_{i ∈ c} w_i · 2^(−(a − t_i)/h)
 * </pre>
 *
 * An event (w, t) updates it in O(#categories): if t &gt; a, every S is first carried forward to t,
 * S ← S · 2^(−(t − a)/h), and a ← t; then S_c(event) += w · 2^(−(a − t)/h) (factor 1 when t = a).
 * Both branches keep the invariant, so the state after a set of events is the same sum whatever
 * order they came in (up to floating-point rounding, ~1e-15 relative per step), which is why a
 * BATCH backfill and a STREAMING run agree. A reader wanting the scores at a later time T
 * multiplies all of them by 2^(−(T − a)/h): the ratios between categories do not change. With h = 0
 * there is no decay (plain weighted counts). All factors are ≤ 1, so nothing overflows; a category
 * whose events are many half-lives old underflows towards 0, which is what decay means.
 *
 * <h2>Schema versions</h2>
 *
 * In keyed state it is written by {@link ProfileStateSerializer} (a fixed binary layout with a
 * versioned snapshot); the first release wrote it with Flink's PojoSerializer, and restoring such a
 * savepoint migrates every value once. A new field means a new format version of that serializer,
 * with a reader for the older ones. The public fields and the no-arg constructor remain so that the
 * POJO state of the first release can still be read.
 */
public class ProfileState {
    /** No emission pending. */
    public static final long NONE = Long.MIN_VALUE;

    private static final String[] NO_CATEGORIES = new String[0];
    private static final double[] NO_SCORES = new double[0];

    /** Category ids, sorted (binary search); parallel to {@link #scores}. */
    public String[] categories = NO_CATEGORIES;

    /** S_c referred to {@link #lastEventTime} (see the class comment). */
    public double[] scores = NO_SCORES;

    /** Events per behaviour, indexed by {@link Behavior#ordinal()}. */
    public long[] behaviorCounts = new long[Behavior.values().length];

    public long events;

    /** a = the newest event time seen (epoch ms); {@link Long#MIN_VALUE} before the first event. */
    public long lastEventTime = Long.MIN_VALUE;

    /**
     * The newest L behaviour tokens, sorted by (event time, item, category, behaviour ordinal),
     * oldest first (ties in time, frequent in the second-resolution Taobao data, are ordered by
     * content, not by arrival); four parallel arrays (items, categories, behaviour ordinals, event
     * times) so the state stays a POJO of arrays. Keeping them sorted and cut to L on insertion
     * makes them the same set whatever the arrival order.
     */
    public String[] tokenItems = NO_CATEGORIES;

    public String[] tokenCategories = NO_CATEGORIES;
    public byte[] tokenBehaviors = new byte[0];
    public long[] tokenTimes = new long[0];

    /** Event time of the registered emission timer, or {@link #NONE} (cleared when it fires). */
    public long pendingEmit = NONE;

    public ProfileState() {}

    /**
     * Folds one event into the state: the decay update of the class comment, the behaviour count
     * and the newest time.
     *
     * @param w the event's weight before decay ({@link BehaviorWeights#of})
     * @param halfLifeMs h in ms; 0 = no decay
     */
    public void add(BehaviorEvent e, double w, long halfLifeMs) {
        long t = e.timestamp;
        double contribution = w;
        if (events == 0) {
            lastEventTime = t;
        } else if (t > lastEventTime) {
            if (halfLifeMs > 0) {
                double carry = decay(t - lastEventTime, halfLifeMs); // S ← S · 2^(−(t − a)/h)
                for (int i = 0; i < scores.length; i++) {
                    scores[i] *= carry;
                }
            }
            lastEventTime = t;
        } else if (t < lastEventTime && halfLifeMs > 0) {
            contribution = w * decay(lastEventTime - t, halfLifeMs); // w · 2^(−(a − t)/h)
        }
        int k = Arrays.binarySearch(categories, e.category);
        if (k >= 0) {
            scores[k] += contribution;
        } else {
            int at = -k - 1;
            String[] cs = new String[categories.length + 1];
            double[] ss = new double[scores.length + 1];
            System.arraycopy(categories, 0, cs, 0, at);
            System.arraycopy(scores, 0, ss, 0, at);
            cs[at] = e.category;
            ss[at] = contribution;
            System.arraycopy(categories, at, cs, at + 1, categories.length - at);
            System.arraycopy(scores, at, ss, at + 1, scores.length - at);
            categories = cs;
            scores = ss;
        }
        behaviorCounts[e.behavior.ordinal()]++;
        events++;
    }

    /**
     * Inserts the token of {@code e} into the sorted newest-L tokens: binary search for its place
     * in that order; if the list is full, the oldest token (or the new one, if it is older than
     * all) drops out. O(L) copying, O(log L) comparisons.
     */
    public void addToken(BehaviorEvent e, int l) {
        int n = tokenTimes.length;
        int lo = 0;
        int hi = n;
        while (lo < hi) { // first index whose token is greater than the new one
            int mid = (lo + hi) >>> 1;
            if (compareToken(mid, e) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        int at = lo;
        int drop = n >= l ? 1 : 0; // drop the oldest when full
        if (drop == 1 && at == 0) {
            return; // older than all of the newest L
        }
        int m = n + 1 - drop;
        String[] items = new String[m];
        String[] cats = new String[m];
        byte[] bs = new byte[m];
        long[] ts = new long[m];
        // old tokens [drop, at) then the new one then [at, n)
        int before = at - drop;
        System.arraycopy(tokenItems, drop, items, 0, before);
        System.arraycopy(tokenCategories, drop, cats, 0, before);
        System.arraycopy(tokenBehaviors, drop, bs, 0, before);
        System.arraycopy(tokenTimes, drop, ts, 0, before);
        items[before] = e.item;
        cats[before] = e.category;
        bs[before] = (byte) e.behavior.ordinal();
        ts[before] = e.timestamp;
        System.arraycopy(tokenItems, at, items, before + 1, n - at);
        System.arraycopy(tokenCategories, at, cats, before + 1, n - at);
        System.arraycopy(tokenBehaviors, at, bs, before + 1, n - at);
        System.arraycopy(tokenTimes, at, ts, before + 1, n - at);
        tokenItems = items;
        tokenCategories = cats;
        tokenBehaviors = bs;
        tokenTimes = ts;
    }

    /** Token i against the token of e: time, item, category (nulls first), behaviour ordinal. */
    private int compareToken(int i, BehaviorEvent e) {
        int c = Long.compare(tokenTimes[i], e.timestamp);
        if (c == 0) {
            c = compareNullsFirst(tokenItems[i], e.item);
        }
        if (c == 0) {
            c = compareNullsFirst(tokenCategories[i], e.category);
        }
        if (c == 0) {
            c = Integer.compare(tokenBehaviors[i], e.behavior.ordinal());
        }
        return c;
    }

    private static int compareNullsFirst(String a, String b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return a.compareTo(b);
    }

    /** 2^(−Δ/h) = exp(−Δ·ln2/h) for Δ ≥ 0. */
    static double decay(long deltaMs, long halfLifeMs) {
        return Math.exp(-Math.log(2) * ((double) deltaMs / halfLifeMs));
    }
}

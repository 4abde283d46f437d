package io.crossinterest.profile;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;

import java.util.Arrays;

/**
 * The keyed state of one user (all but the recent tokens, which live in list state): one row of the user × category
 * matrix O as decayed scores, behaviour counts, the newest event time and the pending emission.
 *
 * <h2>Decay, independent of arrival order</h2>
 *
 * With half-life h, an event of weight w at time t_i is worth w·2^(−(T−t_i)/h) at time T. The state keeps, per category
 * c, the score referred to the newest event time a = max_i t_i:
 *
 * <pre>
 *   S_c = Σ_{i ∈ c} w_i · 2^(−(a − t_i)/h)
 * </pre>
 *
 * An event (w, t) updates it in O(#categories): if t &gt; a, every S is first carried forward to t,
 * S ← S · 2^(−(t − a)/h), and a ← t; then S_c(event) += w · 2^(−(a − t)/h) (factor 1 when t = a). Both branches keep the
 * invariant, so the state after a set of events is the same sum whatever order they came in (up to floating-point
 * rounding, ~1e-15 relative per step), which is why a BATCH backfill and a STREAMING run agree. A reader wanting the
 * scores at a later time T multiplies all of them by 2^(−(T − a)/h): the ratios between categories do not change.
 * With h = 0 there is no decay (plain weighted counts). All factors are ≤ 1, so nothing overflows; a category whose
 * events are many half-lives old underflows towards 0, which is what decay means.
 *
 * <h2>Schema versions</h2>
 *
 * A Flink POJO (public fields, no-arg constructor, only primitive arrays and String[]), so Flink's PojoSerializer
 * (not Kryo) writes it and its snapshot records the field list: version n+1 may add fields (they start at their
 * defaults when restoring a savepoint of version n) or remove fields, never change a field's type or rename one. The
 * version history is kept in {@link #SCHEMA_VERSION}'s comment.
 */
public class ProfileState {
    /**
     * 1: categories, scores, behaviorCounts, events, lastEventTime, tokensStored, pendingEmit.
     */
    public static final int SCHEMA_VERSION = 1;

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
    /** Tokens in the list state (it holds up to 2L between compactions). */
    public int tokensStored;
    /** Event time of the registered emission timer, or {@link #NONE}. */
    public long pendingEmit = NONE;

    public ProfileState() {}

    /**
     * Folds one event into the state: the decay update of the class comment, the behaviour count and the newest time.
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

    /** 2^(−Δ/h) = exp(−Δ·ln2/h) for Δ ≥ 0. */
    static double decay(long deltaMs, long halfLifeMs) {
        return Math.exp(-Math.log(2) * ((double) deltaMs / halfLifeMs));
    }
}

package io.crossinterest.data;

import java.util.PriorityQueue;

/**
 * The top K of a score vector with ties broken by a seeded pseudo-random key per item ({@link
 * #tieKey}): the ranking the evaluation's metrics read (with the user as salt) and the neighbour
 * searches use (salt 0). A constant score ranks like a random order instead of like the item order.
 */
public final class Ranking {
    private Ranking() {}

    /**
     * A pseudo-random key in [0, 1) for breaking ties of item {@code item} in the ranking of {@code
     * salt} (SplitMix64).
     */
    public static double tieKey(long salt, int item) {
        long z = salt * 0x9E3779B97F4A7C15L + item;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }

    /** True when item a ranks before item b: higher score, or equal score and higher tie key. */
    public static boolean before(double sa, double ka, double sb, double kb) {
        return sa > sb || (sa == sb && ka > kb);
    }

    /**
     * The {@code k} best items by score, best first, skipping items with {@code excluded[i]} (null:
     * none excluded). O(n log k) with a bounded heap.
     */
    public static int[] topK(double[] scores, boolean[] excluded, int k, long salt) {
        PriorityQueue<Integer> heap =
                new PriorityQueue<>(
                        k + 1,
                        (a, b) ->
                                a.equals(b)
                                        ? 0
                                        : before(
                                                        scores[a],
                                                        tieKey(salt, a),
                                                        scores[b],
                                                        tieKey(salt, b))
                                                ? 1
                                                : -1); // worst on top
        for (int i = 0; i < scores.length; i++) {
            if (excluded != null && excluded[i]) {
                continue;
            }
            if (heap.size() < k) {
                heap.add(i);
            } else {
                int worst = heap.peek();
                if (before(scores[i], tieKey(salt, i), scores[worst], tieKey(salt, worst))) {
                    heap.poll();
                    heap.add(i);
                }
            }
        }
        int[] out = new int[heap.size()];
        for (int r = out.length - 1; r >= 0; r--) {
            out[r] = heap.poll();
        }
        return out;
    }
}

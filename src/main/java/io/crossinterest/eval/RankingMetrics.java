package io.crossinterest.eval;

import io.crossinterest.data.Ranking;

/**
 * The ranking metrics of the cold-start protocol (docs/architecture.md §5), as pure functions on
 * one user's scores.
 *
 * <p>Ties between equal scores are broken by a seeded pseudo-random key per (user, item) ({@link
 * Ranking#tieKey}), the expected behaviour of a random tie-break without favouring low or high item
 * indices: a constant-score model ranks like a random one instead of like the item order. The top-K
 * with that tie-break is {@link Ranking#topK}.
 */
public final class RankingMetrics {
    private RankingMetrics() {}

    /**
     * Recall@k = |top k ∩ relevant| / |relevant| (the denominator is all relevant items, not
     * min(|relevant|, k)).
     */
    public static double recallAtK(int[] ranked, boolean[] relevant, int numRelevant, int k) {
        if (numRelevant == 0) {
            throw new IllegalArgumentException("no relevant items");
        }
        int hits = 0;
        for (int r = 0; r < Math.min(k, ranked.length); r++) {
            if (relevant[ranked[r]]) {
                hits++;
            }
        }
        return (double) hits / numRelevant;
    }

    /**
     * NDCG@k with binary relevance: DCG = Σ_{r=1..k} rel_r / log2(r + 1), divided by the ideal DCG
     * Σ_{r=1..min(|relevant|, k)} 1 / log2(r + 1).
     */
    public static double ndcgAtK(int[] ranked, boolean[] relevant, int numRelevant, int k) {
        if (numRelevant == 0) {
            throw new IllegalArgumentException("no relevant items");
        }
        double dcg = 0;
        for (int r = 1; r <= Math.min(k, ranked.length); r++) {
            if (relevant[ranked[r - 1]]) {
                dcg += discount(r);
            }
        }
        double ideal = 0;
        for (int r = 1; r <= Math.min(numRelevant, k); r++) {
            ideal += discount(r);
        }
        return dcg / ideal;
    }

    /** 1 / log2(r + 1) for a 1-based rank r. */
    public static double discount(int rank) {
        return 1.0 / (Math.log(rank + 1) / Math.log(2));
    }

    /**
     * The 1-based rank of a positive among sampled negatives: 1 + #(negatives scoring higher) +
     * #(ties broken against the positive), ties broken by {@link Ranking#tieKey} as in the full
     * ranking.
     */
    public static int rankAmong(
            double positiveScore,
            double positiveKey,
            double[] negativeScores,
            double[] negativeKeys) {
        int rank = 1;
        for (int j = 0; j < negativeScores.length; j++) {
            if (Ranking.before(negativeScores[j], negativeKeys[j], positiveScore, positiveKey)) {
                rank++;
            }
        }
        return rank;
    }

    /** Reciprocal rank 1/rank. */
    public static double mrr(int rank) {
        return 1.0 / rank;
    }

    /**
     * NDCG@k of one positive at {@code rank} (one relevant item, so the ideal DCG is 1):
     * 1/log2(rank+1) if rank ≤ k.
     */
    public static double ndcgOfRank(int rank, int k) {
        return rank <= k ? discount(rank) : 0.0;
    }

    /** Hit ratio: 1 if rank ≤ k. */
    public static double hitOfRank(int rank, int k) {
        return rank <= k ? 1.0 : 0.0;
    }

    /**
     * Category-level NDCG@k: categories ranked by {@code interest} (ties by {@link
     * Ranking#tieKey}), binary relevance {@code used[c]}, ideal DCG over min(|used|, k).
     */
    public static double categoryNdcgAtK(double[] interest, boolean[] used, int k, long salt) {
        int numUsed = 0;
        for (boolean b : used) {
            numUsed += b ? 1 : 0;
        }
        return ndcgAtK(Ranking.topK(interest, null, k, salt), used, numUsed, k);
    }

    /**
     * Category-level AUC: the probability that a used category has higher interest than an unused
     * one, ties counting one half, = (1/(|P||N|)) Σ_{p∈P, n∈N} ([s_p > s_n] + ½[s_p = s_n]). NaN
     * when all or no categories are used (AUC is undefined; such users are left out of the mean).
     */
    public static double auc(double[] interest, boolean[] used) {
        double sum = 0;
        long pairs = 0;
        for (int p = 0; p < used.length; p++) {
            if (!used[p]) {
                continue;
            }
            for (int n = 0; n < used.length; n++) {
                if (used[n]) {
                    continue;
                }
                sum += interest[p] > interest[n] ? 1.0 : interest[p] == interest[n] ? 0.5 : 0.0;
                pairs++;
            }
        }
        return pairs == 0 ? Double.NaN : sum / pairs;
    }

    /**
     * Means over ranked positives of the one-positive metrics: MRR = 1/r, NDCG@k = [r ≤ k]/log2(r +
     * 1), HR@k = [r ≤ k] for k in {1, 5, 10} (the sampled protocol and given candidate lists).
     */
    public static final class PositiveRanks {
        private double mrr;
        private double ndcg5;
        private double ndcg10;
        private double hr1;
        private double hr5;
        private double hr10;
        private int count;

        public void add(int rank) {
            mrr += RankingMetrics.mrr(rank);
            ndcg5 += ndcgOfRank(rank, 5);
            ndcg10 += ndcgOfRank(rank, 10);
            hr1 += hitOfRank(rank, 1);
            hr5 += hitOfRank(rank, 5);
            hr10 += hitOfRank(rank, 10);
            count++;
        }

        public int count() {
            return count;
        }

        public double mrr() {
            return mrr / count;
        }

        public double ndcg5() {
            return ndcg5 / count;
        }

        public double ndcg10() {
            return ndcg10 / count;
        }

        public double hr1() {
            return hr1 / count;
        }

        public double hr5() {
            return hr5 / count;
        }

        public double hr10() {
            return hr10 / count;
        }
    }
}

package io.crossinterest.eval;

import io.crossinterest.data.InteractionMatrix;
import io.crossinterest.data.Ranking;
import io.crossinterest.data.TwinListings;

import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Scores a fitted {@link ColdStartModel} on held-out cold users (docs/architecture.md §5).
 *
 * <p>For each user u with held-out target items T_u (the user's row of {@code truth}), let S_u be
 * the items that are not prediction targets for u ({@link CrossDomainSplit#markSeen}): u's training
 * row (empty for a cold user), the twins of u's own source items ({@link
 * io.crossinterest.data.TwinListings}), and at test time u's validation rows. Items of S_u are
 * removed from T_u and from the candidates alike:
 *
 * <ul>
 *   <li>full ranking: all target items outside S_u are ranked by the model's scores; {@code
 *       recall@10} = |top10 ∩ T_u| / |T_u|, {@code ndcg@10} with binary relevance and ideal DCG
 *       over min(|T_u|, 10);
 *   <li>sampled: each positive i ∈ T_u is ranked against {@value #SAMPLED_NEGATIVES} negatives
 *       drawn uniformly without replacement (seeded per user and positive) from the target items u
 *       has neither in training nor in T_u (all of them if there are fewer); {@code sampled.mrr},
 *       {@code sampled.ndcg@5/10}, {@code sampled.hr@1/5/10} of that rank, averaged over u's
 *       positives;
 *   <li>category level, only when the target block has K &gt; 1 categories: the categories u used
 *       are those of the items in T_u; the model's interest over the K categories ({@link
 *       ColdStartModel#categoryInterest}, or, for models without one, the rank-discounted category
 *       mass of its top-100 items, Σ_{r≤100} [c ∈ cats(item_r)] / log2(r+1)) gives {@code
 *       interest.ndcg@5} and {@code interest.auc} (users who used all K categories have no AUC and
 *       are left out of its mean).
 * </ul>
 *
 * Every metric is the mean over users; ties are broken by a seeded pseudo-random key ({@link
 * Ranking#tieKey}).
 */
public final class ColdStartEvaluator {
    public static final int SAMPLED_NEGATIVES = 999;

    /**
     * Depth of the ranking dumped per user and used for the category mass of models without a
     * category reading.
     */
    public static final int DUMP_DEPTH = 100;

    public static final String RECALL_10 = "recall@10";
    public static final String NDCG_10 = "ndcg@10";
    public static final String S_MRR = "sampled.mrr";
    public static final String S_NDCG_5 = "sampled.ndcg@5";
    public static final String S_NDCG_10 = "sampled.ndcg@10";
    public static final String S_HR_1 = "sampled.hr@1";
    public static final String S_HR_5 = "sampled.hr@5";
    public static final String S_HR_10 = "sampled.hr@10";
    public static final String I_NDCG_5 = "interest.ndcg@5";
    public static final String I_AUC = "interest.auc";

    /** The item-level metrics, in report order. */
    public static final List<String> ITEM_METRICS =
            List.of(RECALL_10, NDCG_10, S_MRR, S_NDCG_5, S_NDCG_10, S_HR_1, S_HR_5, S_HR_10);

    public static final List<String> INTEREST_METRICS = List.of(I_NDCG_5, I_AUC);

    /**
     * Scores target items for a user (a fitted model, or a model under training during validation).
     */
    @FunctionalInterface
    public interface UserScorer {
        void scoreItems(int user, double[] out);
    }

    /** Receives the top items of each evaluated user (for --dump-rankings). */
    @FunctionalInterface
    public interface RankingSink {
        void accept(int user, int[] topItems, double[] scores);
    }

    private ColdStartEvaluator() {}

    /**
     * The metrics of {@code model} on the test cold users of {@code split} (reads {@link
     * CrossDomainSplit#targetTest}).
     */
    public static Map<String, Double> evaluateTest(
            CrossDomainSplit split, ColdStartModel model, long seed, RankingSink sink) {
        return evaluate(
                split,
                model::scoreItems,
                model::categoryInterest,
                split.testColdUsers,
                split.targetTest,
                seed,
                true,
                sink);
    }

    /**
     * Hidden rows removed from the truth because they are twins of the user's own source items, and
     * their users.
     */
    public record TwinsRemoved(long rows, long users) {
        public TwinsRemoved plus(TwinsRemoved o) {
            return new TwinsRemoved(rows + o.rows, users + o.users);
        }
    }

    /**
     * How many of the test cold users' hidden rows the protocol removes as twins ({@link
     * CrossDomainSplit#twins}), counting only rows that are not already excluded for another reason
     * (training or validation rows).
     */
    public static TwinsRemoved twinsRemoved(CrossDomainSplit split) {
        boolean[] other = new boolean[split.numTargetItems()];
        boolean[] twin = new boolean[split.numTargetItems()];
        InteractionMatrix truth = split.targetTest;
        CrossDomainSplit withoutTwins = split.withTwins(TwinListings.none());
        long rows = 0;
        long users = 0;
        for (int u : split.testColdUsers) {
            if (truth.rowLength(u) == 0) {
                continue;
            }
            withoutTwins.markSeen(u, other, true, true);
            split.twins.mark(split.source, split.sourceItems, u, twin, true);
            long removed = 0;
            for (int k = truth.rowStart(u); k < truth.rowEnd(u); k++) {
                int i = truth.col(k);
                if (twin[i] && !other[i]) {
                    removed++;
                }
            }
            rows += removed;
            users += removed > 0 ? 1 : 0;
            withoutTwins.markSeen(u, other, false, true);
            split.twins.mark(split.source, split.sourceItems, u, twin, false);
        }
        return new TwinsRemoved(rows, users);
    }

    /**
     * Full-ranking NDCG@10 on the validation cold users: the selection criterion of every model's
     * hyper-parameters and stopping epoch.
     */
    public static double validationNdcg(CrossDomainSplit split, UserScorer scorer) {
        if (!anyTarget(split, split.validColdUsers, split.targetValid)) {
            return 0.0; // every validation item is a seen item or a twin: no evidence, every
            // candidate ties
        }
        return evaluate(
                        split,
                        scorer,
                        u -> null,
                        split.validColdUsers,
                        split.targetValid,
                        0,
                        false,
                        null)
                .get(NDCG_10);
    }

    /**
     * Whether some user has a row of {@code truth} that is a prediction target (not seen, not a
     * twin).
     */
    static boolean anyTarget(CrossDomainSplit split, int[] users, InteractionMatrix truth) {
        boolean[] seen = new boolean[split.numTargetItems()];
        boolean testTime = truth == split.targetTest;
        for (int u : users) {
            split.markSeen(u, seen, true, testTime);
            boolean any = false;
            for (int k = truth.rowStart(u); k < truth.rowEnd(u) && !any; k++) {
                any = !seen[truth.col(k)];
            }
            split.markSeen(u, seen, false, testTime);
            if (any) {
                return true;
            }
        }
        return false;
    }

    /**
     * Evaluates {@code users} against their rows of {@code truth}. With {@code sampled} false only
     * the full-ranking metrics are computed (cheaper; used for validation).
     */
    public static Map<String, Double> evaluate(
            CrossDomainSplit split,
            UserScorer scorer,
            IntFunction<double[]> categoryInterest,
            int[] users,
            InteractionMatrix truth,
            long seed,
            boolean sampled,
            RankingSink sink) {
        int numItems = split.numTargetItems();
        int numCats = split.targetCategories.size();
        boolean categoryLevel = sampled && numCats > 1;
        Map<String, Double> sums = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        double[] scores = new double[numItems];
        boolean[] seen = new boolean[numItems];
        boolean[] relevant = new boolean[numItems];
        boolean testTime = truth == split.targetTest;
        for (int u : users) {
            if (truth.rowLength(u) == 0) {
                continue;
            }
            Arrays.fill(scores, 0);
            scorer.scoreItems(u, scores);
            split.markSeen(u, seen, true, testTime);
            int numRel = 0;
            for (int k = truth.rowStart(u); k < truth.rowEnd(u); k++) {
                int i = truth.col(k);
                if (!seen[
                        i]) { // an item already seen (training row, twin, known positive) is not a
                    // target
                    relevant[i] = true;
                    numRel++;
                }
            }
            if (numRel > 0) {
                long salt = seed * 0x632BE59BD9B4E019L + u;
                int depth = sink != null || categoryLevel ? DUMP_DEPTH : 10;
                int[] top = Ranking.topK(scores, seen, depth, salt);
                add(sums, counts, RECALL_10, RankingMetrics.recallAtK(top, relevant, numRel, 10));
                add(sums, counts, NDCG_10, RankingMetrics.ndcgAtK(top, relevant, numRel, 10));
                if (sampled) {
                    sampledMetrics(scores, seen, relevant, truth, u, numItems, salt, sums, counts);
                }
                if (categoryLevel) {
                    double[] interest = categoryInterest.apply(u);
                    if (interest == null) {
                        interest = categoryMass(top, split.targetItemCategories, numCats);
                    }
                    boolean[] used = new boolean[numCats];
                    for (int k = truth.rowStart(u); k < truth.rowEnd(u); k++) {
                        for (int c : split.targetItemCategories[truth.col(k)]) {
                            used[c] = true;
                        }
                    }
                    add(
                            sums,
                            counts,
                            I_NDCG_5,
                            RankingMetrics.categoryNdcgAtK(interest, used, 5, salt));
                    double auc = RankingMetrics.auc(interest, used);
                    if (!Double.isNaN(auc)) {
                        add(sums, counts, I_AUC, auc);
                    }
                }
                if (sink != null) {
                    sink.accept(u, top, scores);
                }
            }
            split.markSeen(u, seen, false, testTime);
            for (int k = truth.rowStart(u); k < truth.rowEnd(u); k++) {
                relevant[truth.col(k)] = false;
            }
        }
        if (counts.isEmpty()) {
            throw new IllegalStateException(
                    "no user with held-out items to evaluate (after removing seen items and"
                            + " twins of the users' own source items)");
        }
        Map<String, Double> means = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : sums.entrySet()) {
            means.put(e.getKey(), e.getValue() / counts.get(e.getKey()));
        }
        return means;
    }

    private static void sampledMetrics(
            double[] scores,
            boolean[] seen,
            boolean[] relevant,
            InteractionMatrix truth,
            int u,
            int numItems,
            long salt,
            Map<String, Double> sums,
            Map<String, Integer> counts) {
        int numCandidates = 0;
        for (int i = 0; i < numItems; i++) {
            if (!seen[i] && !relevant[i]) {
                numCandidates++;
            }
        }
        int numNeg = Math.min(SAMPLED_NEGATIVES, numCandidates);
        double[] negScores = new double[numNeg];
        double[] negKeys = new double[numNeg];
        RankingMetrics.PositiveRanks ranks = new RankingMetrics.PositiveRanks();
        for (int k = truth.rowStart(u); k < truth.rowEnd(u); k++) {
            int pos = truth.col(k);
            if (!relevant[pos]) {
                continue;
            }
            Random rnd = new Random(salt * 31 + pos);
            int[] negs = sampleNegatives(seen, relevant, numItems, numCandidates, numNeg, rnd);
            for (int j = 0; j < numNeg; j++) {
                negScores[j] = scores[negs[j]];
                negKeys[j] = Ranking.tieKey(salt, negs[j]);
            }
            ranks.add(
                    RankingMetrics.rankAmong(
                            scores[pos], Ranking.tieKey(salt, pos), negScores, negKeys));
        }
        add(sums, counts, S_MRR, ranks.mrr());
        add(sums, counts, S_NDCG_5, ranks.ndcg5());
        add(sums, counts, S_NDCG_10, ranks.ndcg10());
        add(sums, counts, S_HR_1, ranks.hr1());
        add(sums, counts, S_HR_5, ranks.hr5());
        add(sums, counts, S_HR_10, ranks.hr10());
    }

    /** {@code n} distinct items, uniformly among those neither seen nor relevant. */
    static int[] sampleNegatives(
            boolean[] seen,
            boolean[] relevant,
            int numItems,
            int numCandidates,
            int n,
            Random rnd) {
        int[] out = new int[n];
        if (n == numCandidates) {
            int m = 0;
            for (int i = 0; i < numItems; i++) {
                if (!seen[i] && !relevant[i]) {
                    out[m++] = i;
                }
            }
            return out;
        }
        if (2L * n > numCandidates) { // dense: partial Fisher-Yates over the candidate list
            int[] cand = new int[numCandidates];
            int m = 0;
            for (int i = 0; i < numItems; i++) {
                if (!seen[i] && !relevant[i]) {
                    cand[m++] = i;
                }
            }
            for (int j = 0; j < n; j++) {
                int r = j + rnd.nextInt(numCandidates - j);
                int t = cand[j];
                cand[j] = cand[r];
                cand[r] = t;
                out[j] = cand[j];
            }
            return out;
        }
        Set<Integer> taken = new HashSet<>(2 * n); // sparse: rejection sampling
        int m = 0;
        while (m < n) {
            int i = rnd.nextInt(numItems);
            if (!seen[i] && !relevant[i] && taken.add(i)) {
                out[m++] = i;
            }
        }
        return out;
    }

    /** Σ_{r ≤ |top|} [c ∈ cats(top_r)] / log2(r + 1): the category reading of an item ranking. */
    static double[] categoryMass(int[] top, int[][] itemCategories, int numCats) {
        double[] mass = new double[numCats];
        for (int r = 1; r <= top.length; r++) {
            for (int c : itemCategories[top[r - 1]]) {
                mass[c] += RankingMetrics.discount(r);
            }
        }
        return mass;
    }

    private static void add(
            Map<String, Double> sums, Map<String, Integer> counts, String metric, double v) {
        sums.merge(metric, v, Double::sum);
        counts.merge(metric, 1, Integer::sum);
    }
}

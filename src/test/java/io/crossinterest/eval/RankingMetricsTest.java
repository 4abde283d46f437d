package io.crossinterest.eval;

import io.crossinterest.data.Ranking;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metrics on cases computed by hand. */
class RankingMetricsTest {
    private static final double EPS = 1e-12;
    private static final double LOG2_3 = Math.log(3) / Math.log(2);
    private static final double LOG2_4 = 2.0;
    private static final double LOG2_5 = Math.log(5) / Math.log(2);

    private static boolean[] mark(int n, int... items) {
        boolean[] b = new boolean[n];
        for (int i : items) {
            b[i] = true;
        }
        return b;
    }

    @Test
    void topKOrdersByScoreAndSkipsExcluded() {
        double[] s = {0.1, 0.9, 0.5, 0.7, 0.3};
        assertArrayEquals(new int[] {1, 3, 2}, Ranking.topK(s, null, 3, 7));
        assertArrayEquals(new int[] {3, 2, 4}, Ranking.topK(s, mark(5, 1), 3, 7));
        assertArrayEquals(new int[] {1, 3, 2, 4, 0}, Ranking.topK(s, null, 10, 7));
    }

    @Test
    void tiesAreBrokenBySeededKeyNotByIndex() {
        double[] s = new double[1000];
        int[] a = Ranking.topK(s, null, 10, 1);
        int[] b = Ranking.topK(s, null, 10, 1);
        int[] c = Ranking.topK(s, null, 10, 2);
        assertArrayEquals(a, b);
        assertTrue(!Arrays.equals(a, c));
        assertTrue(Arrays.stream(a).anyMatch(i -> i >= 10), "ties must not favour low indices");
    }

    @Test
    void recallAndNdcgHandComputed() {
        // ranking 4,2,7,1,0 ; relevant {2, 0, 9} (9 not ranked)
        int[] ranked = {4, 2, 7, 1, 0};
        boolean[] rel = mark(10, 2, 0, 9);
        // hits in top 5: items 2 (rank 2) and 0 (rank 5) -> recall 2/3
        assertEquals(2.0 / 3, RankingMetrics.recallAtK(ranked, rel, 3, 10), EPS);
        assertEquals(1.0 / 3, RankingMetrics.recallAtK(ranked, rel, 3, 2), EPS);
        // DCG = 1/log2(3) + 1/log2(6); IDCG over min(3,10)=3: 1 + 1/log2(3) + 1/log2(4)
        double dcg = 1 / LOG2_3 + 1 / (Math.log(6) / Math.log(2));
        double idcg = 1 + 1 / LOG2_3 + 1 / LOG2_4;
        assertEquals(dcg / idcg, RankingMetrics.ndcgAtK(ranked, rel, 3, 10), EPS);
        // at k=2 the ideal is over min(3,2)=2 ranks
        assertEquals(
                (1 / LOG2_3) / (1 + 1 / LOG2_3), RankingMetrics.ndcgAtK(ranked, rel, 3, 2), EPS);
        // a perfect ranking has NDCG 1
        assertEquals(1.0, RankingMetrics.ndcgAtK(new int[] {2, 0, 9, 4}, rel, 3, 10), EPS);
    }

    @Test
    void sampledRankMetrics() {
        double[] negs = {0.9, 0.1, 0.5, 0.5};
        double[] keys = {0.1, 0.2, 0.3, 0.9};
        // positive 0.5 with key 0.5: beaten by 0.9, and by the tie with key 0.9 -> rank 3
        int rank = RankingMetrics.rankAmong(0.5, 0.5, negs, keys);
        assertEquals(3, rank);
        assertEquals(1.0 / 3, RankingMetrics.mrr(rank), EPS);
        assertEquals(1 / LOG2_4, RankingMetrics.ndcgOfRank(rank, 5), EPS);
        assertEquals(0.0, RankingMetrics.hitOfRank(rank, 1));
        assertEquals(1.0, RankingMetrics.hitOfRank(rank, 5));
        assertEquals(0.0, RankingMetrics.ndcgOfRank(11, 10));
        assertEquals(1 / LOG2_5, RankingMetrics.ndcgOfRank(4, 10), EPS);
    }

    @Test
    void categoryAucAndNdcg() {
        double[] interest = {0.9, 0.2, 0.5, 0.5};
        boolean[] used = {true, false, true, false};
        // pairs (used, unused): (0,1)=1 (0,3)=1 (2,1)=1 (2,3)=0.5 -> 3.5/4
        assertEquals(3.5 / 4, RankingMetrics.auc(interest, used), EPS);
        assertTrue(
                Double.isNaN(RankingMetrics.auc(interest, new boolean[] {true, true, true, true})));
        // order: 0, then 2/3 tie (broken by key), then 1. used {0,2}
        double n = RankingMetrics.categoryNdcgAtK(interest, used, 5, 3);
        double best = 1.0;
        double worst = (1 + 1 / LOG2_4) / (1 + 1 / LOG2_3);
        assertTrue(Math.abs(n - best) < EPS || Math.abs(n - worst) < EPS, "ndcg " + n);
    }
}

package io.crossinterest.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LatencyMatcherTest {

    /**
     * A recommendation is tied to its profile update by (user, T); the update's count says which
     * events it covers.
     */
    @Test
    void eventsAreMatchedToTheFirstRecommendationWhoseUpdateCountsThem() {
        LatencyMatcher m = new LatencyMatcher();
        m.sent("a", 1_000);
        m.sent("a", 1_200);
        m.sent("a", 1_300);
        m.sent("b", 1_100);
        // update of a at T=9999 counted its first two events; its recommendation is read at 2,000
        m.profile("a", 9_999, 2, true);
        m.recommendation("a", 9_999, 2_000);
        assertEquals(2, m.matched());
        assertEquals(2, m.unmatched());
        // a recommendation read before its update waits for it
        m.recommendation("a", 19_999, 2_500);
        assertEquals(2, m.matched());
        m.profile("a", 19_999, 3, true);
        assertEquals(3, m.matched());
        // latencies 1000, 800, 1200: the median is 1000, the maximum 1200
        assertEquals(1_000, m.quantileMs(0.5));
        assertEquals(1_200, m.quantileMs(1.0));
        assertEquals(1, m.unmatched()); // b has no recommendation yet
    }

    /**
     * An update the scoring stage replaced (no recommendation) leaves its events to the user's next
     * recommendation.
     */
    @Test
    void anUpdateWithoutRecommendationPassesItsEventsOn() {
        LatencyMatcher m = new LatencyMatcher();
        m.sent("u", 0);
        m.sent("u", 100);
        m.profile("u", 10_000, 1, true); // replaced: no recommendation at 10,000
        m.profile("u", 20_000, 2, true);
        m.recommendation("u", 20_000, 5_000);
        assertEquals(2, m.matched());
        assertEquals(5_000, m.quantileMs(1.0));
        assertEquals(4_900, m.quantileMs(0.5));
    }

    /**
     * An update without source-block behaviour is never scored: its events are counted apart at
     * once, not matched to the user's first recommendation after their first source-block event.
     */
    @Test
    void eventsOfAnUpdateWithoutSourceHistoryAreCountedApart() {
        LatencyMatcher m = new LatencyMatcher();
        m.sent("u", 0); // target block
        m.sent("u", 100); // target block
        m.sent("u", 3_000); // source block
        m.profile("u", 0, 1, false);
        m.profile("u", 100, 2, false);
        assertEquals(2, m.withoutSourceHistory());
        assertEquals(1, m.unmatched());
        m.profile("u", 3_000, 3, true);
        m.recommendation("u", 3_000, 3_040);
        assertEquals(1, m.matched());
        assertEquals(40, m.quantileMs(1.0)); // not 3,040 for the first event
        assertEquals(0, m.unmatched());
        // a recommendation read before its update, behind an unscored one, waits for it
        m.sent("u", 4_000);
        m.sent("u", 5_000);
        m.recommendation("u", 5_000, 5_020);
        m.profile("u", 4_000, 4, false); // the window lost the source tokens for a moment
        assertEquals(3, m.withoutSourceHistory());
        m.profile("u", 5_000, 5, true);
        assertEquals(2, m.matched());
        assertEquals(20, m.quantileMs(0.5));
    }

    /** After a warm-up only events sent from then on count; earlier ones still match, uncounted. */
    @Test
    void onlyEventsSentAfterTheWarmUpCount() {
        LatencyMatcher m = new LatencyMatcher();
        m.sent("u", 0);
        m.profile("u", 1, 1, true);
        m.recommendation("u", 1, 50_000);
        m.sent("u", 55_000); // sent during the warm-up, matched after it: not counted
        m.sent("u", 60_000);
        m.countFrom(60_000);
        assertEquals(0, m.matched());
        assertEquals(-1, m.quantileMs(0.5));
        assertEquals(1, m.unmatched());
        m.sent("u", 60_010);
        assertEquals(2, m.unmatched());
        m.profile("u", 2, 4, true);
        m.recommendation("u", 2, 60_040);
        assertEquals(2, m.matched());
        assertEquals(0, m.unmatched());
        assertEquals(40, m.quantileMs(1.0)); // not the warm-up event's 5,040 ms
        assertEquals(30, m.quantileMs(0.5));
        assertEquals(1, m.users());
        // output of users the run never sent is ignored
        m.profile("other", 1, 1, true);
        m.recommendation("other", 1, 1);
        assertEquals(2, m.matched());
    }

    /** The worst latency of each second's events, by the second they were sent in the window. */
    @Test
    void theWorstLatencyIsKeptPerSecondSent() {
        LatencyMatcher m = new LatencyMatcher();
        m.sent("u", 500); // before the window: matched, not placed
        m.profile("u", 1, 1, true);
        m.recommendation("u", 1, 900);
        assertEquals(0, m.worstMsBySecond().length, "no window yet");
        m.countFrom(10_000);
        m.sent("u", 10_100);
        m.sent("v", 10_900);
        m.sent("u", 12_200);
        m.profile("u", 2, 2, true);
        m.recommendation("u", 2, 10_130); // 30 ms, second 0
        m.profile("v", 3, 1, true);
        m.recommendation("v", 3, 11_400); // 500 ms, second 0
        m.profile("u", 4, 3, true);
        m.recommendation("u", 4, 12_270); // 70 ms, second 2
        assertArrayEquals(new long[] {500, 0, 70}, m.worstMsBySecond());
        m.countFrom(20_000);
        assertEquals(0, m.worstMsBySecond().length, "a new window forgets the old one");
    }
}

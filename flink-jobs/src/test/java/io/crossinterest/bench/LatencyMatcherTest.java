package io.crossinterest.bench;

import org.junit.jupiter.api.Test;

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
        m.profile("a", 9_999, 2);
        m.recommendation("a", 9_999, 2_000);
        assertEquals(2, m.matched());
        assertEquals(2, m.unmatched());
        // a recommendation read before its update waits for it
        m.recommendation("a", 19_999, 2_500);
        assertEquals(2, m.matched());
        m.profile("a", 19_999, 3);
        assertEquals(3, m.matched());
        // latencies 1000, 800, 1200: the median is 1000, the maximum 1200
        assertEquals(1_000, m.quantileMs(0.5));
        assertEquals(1_200, m.quantileMs(1.0));
        assertEquals(1, m.unmatched()); // b has no recommendation yet
    }

    /**
     * An update the scoring stage skipped (no recommendation) leaves its events to the user's next
     * recommendation.
     */
    @Test
    void anUpdateWithoutRecommendationPassesItsEventsOn() {
        LatencyMatcher m = new LatencyMatcher();
        m.sent("u", 0);
        m.sent("u", 100);
        m.profile("u", 10_000, 1); // skipped: no recommendation at 10,000
        m.profile("u", 20_000, 2);
        m.recommendation("u", 20_000, 5_000);
        assertEquals(2, m.matched());
        assertEquals(5_000, m.quantileMs(1.0));
        assertEquals(4_900, m.quantileMs(0.5));
    }

    /** After a warm-up only events sent from then on count; earlier ones still match, uncounted. */
    @Test
    void onlyEventsSentAfterTheWarmUpCount() {
        LatencyMatcher m = new LatencyMatcher();
        m.sent("u", 0);
        m.profile("u", 1, 1);
        m.recommendation("u", 1, 50_000);
        m.sent("u", 55_000); // sent during the warm-up, matched after it: not counted
        m.sent("u", 60_000);
        m.countFrom(60_000);
        assertEquals(0, m.matched());
        assertEquals(-1, m.quantileMs(0.5));
        assertEquals(1, m.unmatched());
        m.sent("u", 60_010);
        assertEquals(2, m.unmatched());
        m.profile("u", 2, 4);
        m.recommendation("u", 2, 60_040);
        assertEquals(2, m.matched());
        assertEquals(0, m.unmatched());
        assertEquals(40, m.quantileMs(1.0)); // not the warm-up event's 5,040 ms
        assertEquals(30, m.quantileMs(0.5));
        assertEquals(1, m.users());
        // output of users the run never sent is ignored
        m.profile("other", 1, 1);
        m.recommendation("other", 1, 1);
        assertEquals(2, m.matched());
    }
}

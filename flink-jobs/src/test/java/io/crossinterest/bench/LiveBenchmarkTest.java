package io.crossinterest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveBenchmarkTest {

    /** The slope between the first commit and the last one made while the backlog was still being read. */
    @Test
    void theRateIsTheSlopeWhileTheBacklogIsBeingRead() {
        List<long[]> samples = List.of(new long[] {0, 0}, new long[] {1_000, 0}, new long[] {2_000, 10_000},
                new long[] {3_000, 10_000}, new long[] {12_000, 100_000}, new long[] {13_000, 120_000},
                new long[] {30_000, 120_000});
        // 10,000 at 2 s to 100,000 at 12 s: 9,000 events/s; the idle tail to the final commit does not count
        assertEquals(9_000, LiveBenchmark.consumptionRate(samples, 120_000, 0), 1e-9);
        // a backlog read before a second commit: from the submission to the first sample with everything
        assertEquals(12_000, LiveBenchmark.consumptionRate(List.of(new long[] {5_000, 10_000}, new long[] {10_000,
                120_000}), 120_000, 0), 1e-9);
        assertTrue(Double.isNaN(LiveBenchmark.consumptionRate(List.of(new long[] {5, 0}), 10, 0)));
    }

    /** live-bench.json: the fields the docs and the result table read. */
    @Test
    void theJsonHasTheFieldsOfTheResultFile() {
        LiveBenchmark.Result r = new LiveBenchmark.Result();
        r.cores = 2;
        r.eventsPerS = 30_000;
        r.latencyMs = new long[] {5_000, 14_000, 15_000};
        r.visibilityMs = new long[] {9_000, 20_000, 21_000};
        r.checkpointIntervalS = 10;
        r.soakMinutes = 3;
        r.rssMbStart = 1_000;
        r.rssMbEnd = 1_050;
        r.stateMbStart = 10;
        r.stateMbEnd = 12;
        r.stateBytesPerUser = 350;
        JsonNode j = r.toJson();
        assertEquals(15_000, j.path("events_per_s_per_core").asLong());
        assertEquals(14_000, j.path("latency_ms").path("p99").asLong());
        assertEquals(15_000, j.path("latency_ms").path("p999").asLong());
        assertEquals(5_000, j.path("latency_ms").path("p50").asLong());
        assertEquals(350, j.path("state_bytes_per_user").asLong());
        for (String f : List.of("minutes", "rss_mb_start", "rss_mb_end", "state_mb_start", "state_mb_end")) {
            assertTrue(j.path("soak").has(f), f);
        }
        assertEquals(10, j.path("visibility_latency_ms").path("checkpoint_interval_s").asInt());
        assertFalse(j.path("goals").path("events_per_s_per_core").path("met").asBoolean()); // 15k < 20k
        assertFalse(j.path("goals").path("p99_latency_ms").path("met").asBoolean());
        // RSS +5 % is flat, state +20 % is not
        assertFalse(j.path("goals").path("memory_flat").path("met").asBoolean());
        assertTrue(LiveBenchmark.flat(1_000, 1_050));
    }

    /** stream-bench.json keeps its top-level fields and adds the realistic replay's under "realistic". */
    @Test
    void theStreamBenchmarkResultNamesItsFields() {
        StreamBenchmark.Result r = new StreamBenchmark.Result();
        r.events = 1_000;
        r.users = 10;
        r.cores = 2;
        r.flinkSeconds = 1;
        r.ceilingSeconds = 0.5;
        JsonNode j = r.toJson();
        assertEquals(500, j.path("events_per_s_per_core").asLong());
        assertEquals(2_000, j.path("ceiling_events_per_s").asLong());
        assertEquals(100.0, j.path("events_per_user").asDouble());
        assertEquals(0.25, j.path("ratio").asDouble());
        JsonNode g = StreamBenchmark.goal("x", 0.26, 0.5);
        assertFalse(g.path("met").asBoolean());
        assertEquals(0.5, g.path("at_least").asDouble());
    }
}

package io.crossinterest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LiveBenchmarkTest {

    /**
     * The backlog over the time from submission to the commit of its last event; the slope is kept
     * apart.
     */
    @Test
    void theRateIsTheBacklogOverTheTimeToItsLastCommit() {
        List<long[]> samples =
                List.of(
                        new long[] {1_000, 0},
                        new long[] {2_000, 10_000},
                        new long[] {3_000, 10_000},
                        new long[] {12_000, 100_000},
                        new long[] {13_000, 120_000},
                        new long[] {30_000, 120_000});
        // submitted at 1 s, everything committed at 13 s: 120,000 / 12 s
        assertEquals(10_000, LiveBenchmark.consumptionRate(samples, 120_000, 1_000), 1e-9);
        assertTrue(Double.isNaN(LiveBenchmark.consumptionRate(List.of(new long[] {5, 10}), 20, 0)));
        // 10,000 at 2 s to 100,000 at 12 s
        assertEquals(9_000, LiveBenchmark.commitSlope(samples, 120_000), 1e-9);
        assertTrue(
                Double.isNaN(
                        LiveBenchmark.commitSlope(
                                List.of(new long[] {5, 10}, new long[] {6, 20}), 20)));
    }

    /**
     * live-bench.json: the fields the docs and the result table read, and the configuration of each
     * figure.
     */
    @Test
    void theJsonHasTheFieldsOfTheResultFile() {
        LiveBenchmark.Result r = new LiveBenchmark.Result();
        r.cores = 2;
        r.throughput.config = LiveBenchmark.Config.DEFAULTS;
        r.throughput.eventsPerS = 30_000;
        r.latencyConfig = new LiveBenchmark.Config("0", "10ms", "5ms", "at-least-once");
        r.lowLatencyThroughput.config = r.latencyConfig;
        r.lowLatencyThroughput.eventsPerS = 4_000;
        r.latencyRate = 2_000;
        r.soakConfig = LiveBenchmark.Config.DEFAULTS;
        r.soakRate = 15_000;
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
        for (String f :
                List.of(
                        "minutes",
                        "rss_mb_start",
                        "rss_mb_end",
                        "state_mb_start",
                        "state_mb_end")) {
            assertTrue(j.path("soak").has(f), f);
        }
        assertEquals(10, j.path("visibility_latency_ms").path("checkpoint_interval_s").asInt());
        assertEquals(
                2_000, j.path("throughput_low_latency").path("events_per_s_per_core").asLong());
        assertEquals(2_000, j.path("latency").path("rate_events_per_s").asLong());
        assertEquals(15_000, j.path("soak").path("rate_events_per_s").asLong());
        // which configuration each figure is from
        for (String phase : List.of("throughput", "throughput_low_latency", "latency", "soak")) {
            for (String f :
                    List.of("emit_interval", "max_scoring_delay", "buffer_timeout", "delivery")) {
                assertTrue(j.path(phase).path("configuration").has(f), phase + "." + f);
            }
        }
        assertEquals("0", j.path("latency").path("configuration").path("emit_interval").asText());
        assertEquals("at-least-once", j.path("latency").path("delivery").asText());
        assertEquals(
                "10s", j.path("throughput").path("configuration").path("emit_interval").asText());
        assertEquals("exactly-once", j.path("visibility_latency_ms").path("delivery").asText());
        assertFalse(
                j.path("goals").path("events_per_s_per_core").path("met").asBoolean()); // 15k < 20k
        assertFalse(j.path("goals").path("p99_latency_ms").path("met").asBoolean());
        // RSS +5 % is flat, state +20 % is not
        assertFalse(j.path("goals").path("memory_flat").path("met").asBoolean());
        assertTrue(LiveBenchmark.flat(1_000, 1_050));
    }

    /**
     * The soak's start and end are the means of the first and last third of its samples, so one
     * peak of a sawtooth does not decide flatness; too few samples give no figure.
     */
    @Test
    void theSoakComparesTheFirstAndLastThirdOfItsSamples() {
        // a sawtooth around a flat level: the last point alone is 40 % above the first
        double[] t = LiveBenchmark.thirds(List.of(100.0, 140.0, 100.0, 140.0, 100.0, 140.0));
        assertEquals(120.0, t[0], 1e-9);
        assertEquals(120.0, t[1], 1e-9);
        assertTrue(LiveBenchmark.flat(t[0], t[1]));
        // a trend: 7 samples, thirds of 2
        double[] up = LiveBenchmark.thirds(List.of(10.0, 12.0, 14.0, 16.0, 18.0, 20.0, 22.0));
        assertEquals(11.0, up[0], 1e-9);
        assertEquals(21.0, up[1], 1e-9);
        assertFalse(LiveBenchmark.flat(up[0], up[1]));
        assertTrue(Double.isNaN(LiveBenchmark.thirds(List.of(1.0, 2.0))[0]));
        LiveBenchmark.Result r = new LiveBenchmark.Result();
        r.soakSamples.add(new double[] {0, 1_000, 10, 7.5});
        r.soakSamples.add(new double[] {30, 1_010, 11, Double.NaN});
        r.soakWarmupSeconds = 440;
        r.throughput.config = LiveBenchmark.Config.DEFAULTS;
        r.lowLatencyThroughput.config = LiveBenchmark.Config.DEFAULTS;
        r.latencyConfig = LiveBenchmark.Config.DEFAULTS;
        r.soakConfig = LiveBenchmark.Config.DEFAULTS;
        JsonNode soak = r.toJson().path("soak");
        assertEquals(440, soak.path("warmup_seconds").asLong());
        assertEquals(2, soak.path("samples").size());
        assertEquals(30, soak.path("samples").path(1).path("s").asLong());
        assertEquals(1_010.0, soak.path("samples").path(1).path("rss_mb").asDouble(), 1e-9);
        assertEquals(11.0, soak.path("samples").path(1).path("state_mb").asDouble(), 1e-9);
        // RocksDB's live data where the job reported it, null where it did not
        assertEquals(7.5, soak.path("samples").path(0).path("live_state_mb").asDouble(), 1e-9);
        assertTrue(soak.path("samples").path(1).path("live_state_mb").isNull());
        assertTrue(soak.path("live_state_mb_start").isNull(), "no thirds without every sample");
    }

    /**
     * The collections in the latency window: counted from this JVM's collectors (a requested full
     * collection is one), summed, the longest kept, long ones counted apart; in the file under
     * latency.gc_in_window.
     */
    @Test
    void garbageCollectionInTheLatencyWindowIsCountedAndReported() throws Exception {
        try (GcPauses gc = new GcPauses()) {
            System.gc();
            long deadline = System.nanoTime() + 30_000_000_000L; // notifications come on their own
            while (gc.counts()[0] == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(gc.counts()[0] >= 1, "System.gc() was seen");
        }
        GcPauses made = new GcPauses();
        made.close(); // no more notifications: only what is added below (and any before close)
        long[] base = made.counts();
        made.add(10, 1_000);
        made.add(70, 2_070);
        made.add(50, 3_050);
        long[] c = made.counts();
        assertEquals(3, c[0] - base[0]);
        assertEquals(130, c[1] - base[1]);
        assertTrue(c[2] >= 70, "longest");
        assertEquals(2, c[3] - base[3], "at least 50 ms");
        List<long[]> longOnes = made.longPauses();
        long[] last = longOnes.get(longOnes.size() - 1);
        assertArrayEquals(new long[] {3_000, 50}, last, "started at its report less its duration");
        assertArrayEquals(
                new long[] {2_000, 70},
                longOnes.get(longOnes.size() - 2),
                "in order, 10 ms not kept");
        LiveBenchmark.Result r = new LiveBenchmark.Result();
        r.throughput.config = LiveBenchmark.Config.DEFAULTS;
        r.lowLatencyThroughput.config = LiveBenchmark.Config.DEFAULTS;
        r.latencyConfig = LiveBenchmark.Config.DEFAULTS;
        r.soakConfig = LiveBenchmark.Config.DEFAULTS;
        JsonNode without = r.toJson().path("latency");
        assertFalse(without.has("gc_in_window"), "not measured: no field");
        r.latencyGc = new long[] {3, 130, 70, 2};
        r.latencyLongPauses = List.of(new long[] {2_500, 70}, new long[] {40_000, 50});
        r.latencyWorstBySecond = new long[] {40, 0, 300};
        r.latencyCheckpoints = List.<long[]>of(new long[] {5_838, 130, 57, 26, 44, 14});
        JsonNode gcNode = r.toJson().path("latency").path("gc_in_window");
        assertEquals(3, gcNode.path("collections").asLong());
        assertEquals(130, gcNode.path("total_ms").asLong());
        assertEquals(70, gcNode.path("longest_ms").asLong());
        assertEquals(2, gcNode.path("at_least_50_ms").asLong());
        assertEquals(2.5, gcNode.path("at_least_50_ms_at").path(0).path("second").asDouble());
        assertEquals(50, gcNode.path("at_least_50_ms_at").path(1).path("ms").asLong());
        JsonNode l = r.toJson().path("latency");
        assertEquals("[40,0,300]", l.path("worst_ms_by_second_sent").toString());
        JsonNode cp = l.path("checkpoints_in_window").path("checkpoints").path(0);
        assertEquals(5.838, cp.path("second").asDouble());
        assertEquals(130, cp.path("end_to_end_ms").asLong());
        assertEquals(57, cp.path("sync_ms").asLong());
        assertEquals(26, cp.path("async_ms").asLong());
        assertEquals(44, cp.path("alignment_ms").asLong());
        assertEquals(14, cp.path("start_delay_ms").asLong());
    }

    /**
     * stream-bench.json keeps its top-level fields and adds the realistic replay's under
     * "realistic".
     */
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

package io.crossinterest.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The figures of {@code bench live} (the whole live graph from Kafka to Kafka on a local broker) and the measurements
 * they are made of. The orchestration (broker, model, the three runs of the {@code stream} command) is
 * {@code BenchLiveCommand}'s; what can be computed from numbers alone is here.
 *
 * <ul>
 *   <li>throughput: a backlog of events in the input topic, the job reading it from the start; its consumer group's
 *       committed offsets (committed at each checkpoint) sampled once a second; events/s is the slope between the
 *       first and the last commit made while the backlog was still being read ({@link #consumptionRate});
 *   <li>latency at half that rate, at-least-once, read uncommitted: from an event's Kafka timestamp to the reading of
 *       the recommendation it caused ({@link LatencyMatcher}); visibility with exactly-once, read committed, the same
 *       way (outputs appear when the checkpoint that covers them completes);
 *   <li>the soak at half rate, exactly-once: resident memory of this JVM (which runs the job) and the size of the
 *       retained checkpoint (the state: incremental RocksDB checkpoints keep the shared files a checkpoint refers to)
 *       at its start and end; state bytes per user = the state at the end / the users whose events were sent.
 * </ul>
 */
public final class LiveBenchmark {
    private LiveBenchmark() {}

    /** Goals of the benchmark. */
    public static final double GOAL_EVENTS_PER_S_PER_CORE = 20_000;
    public static final double GOAL_P99_MS = 100;
    /** Memory is flat when the end is within this fraction of the start. */
    public static final double FLAT_TOLERANCE = 0.10;

    /** What one run measured. */
    public static final class Result {
        public long backlogEvents;
        public double throughputSeconds;
        public double eventsPerS;
        public int cores;
        public double halfRate;
        public long users;
        public int checkpointIntervalS;
        public double latencySeconds;
        public long latencyEvents;
        public long latencyUnmatched;
        public long[] latencyMs = new long[3];
        public long visibilityEvents;
        public long[] visibilityMs = new long[3];
        public double soakMinutes;
        public double rssMbStart;
        public double rssMbEnd;
        public double stateMbStart;
        public double stateMbEnd;
        public long stateBytesPerUser;

        public double eventsPerSPerCore() {
            return eventsPerS / cores;
        }

        /** The figures, with the goals met or missed (field names as in live-bench.json). */
        public ObjectNode toJson() {
            ObjectMapper m = new ObjectMapper();
            ObjectNode o = m.createObjectNode();
            o.put("cores", cores);
            ObjectNode t = o.putObject("throughput");
            t.put("backlog_events", backlogEvents);
            t.put("seconds", StreamBenchmark.round(throughputSeconds, 10));
            o.put("events_per_s", Math.round(eventsPerS));
            o.put("events_per_s_per_core", Math.round(eventsPerSPerCore()));
            o.put("half_rate_events_per_s", Math.round(halfRate));
            o.put("users", users);
            o.set("latency_ms", quantiles(m, latencyMs));
            ObjectNode l = o.putObject("latency");
            l.put("delivery", "at-least-once");
            l.put("isolation", "read_uncommitted");
            l.put("seconds", latencySeconds);
            l.put("events_matched", latencyEvents);
            l.put("events_unmatched", latencyUnmatched);
            ObjectNode v = o.putObject("visibility_latency_ms");
            v.setAll(quantiles(m, visibilityMs));
            v.put("delivery", "exactly-once");
            v.put("isolation", "read_committed");
            v.put("checkpoint_interval_s", checkpointIntervalS);
            v.put("events_matched", visibilityEvents);
            o.put("checkpoint_interval_s", checkpointIntervalS);
            o.put("state_bytes_per_user", stateBytesPerUser);
            ObjectNode s = o.putObject("soak");
            s.put("minutes", soakMinutes);
            s.put("rss_mb_start", StreamBenchmark.round(rssMbStart, 10));
            s.put("rss_mb_end", StreamBenchmark.round(rssMbEnd, 10));
            s.put("state_mb_start", StreamBenchmark.round(stateMbStart, 10));
            s.put("state_mb_end", StreamBenchmark.round(stateMbEnd, 10));
            ObjectNode g = o.putObject("goals");
            g.set("events_per_s_per_core", StreamBenchmark.goal("events/s per core through the whole live graph",
                    eventsPerSPerCore(), GOAL_EVENTS_PER_S_PER_CORE));
            ObjectNode p99 = m.createObjectNode();
            p99.put("what", "p99 latency at half load (ms), at most");
            p99.put("value", latencyMs[1]);
            p99.put("at_most", GOAL_P99_MS);
            p99.put("met", latencyMs[1] >= 0 && latencyMs[1] < GOAL_P99_MS);
            g.set("p99_latency_ms", p99);
            ObjectNode flat = m.createObjectNode();
            flat.put("what", "resident memory and state flat over the soak: end within " + (int) (FLAT_TOLERANCE * 100)
                    + " % of start");
            flat.put("rss_end_over_start", StreamBenchmark.round(rssMbEnd / rssMbStart, 1000));
            flat.put("state_end_over_start", StreamBenchmark.round(stateMbEnd / stateMbStart, 1000));
            flat.put("met", flat(rssMbStart, rssMbEnd) && flat(stateMbStart, stateMbEnd));
            g.set("memory_flat", flat);
            return o;
        }
    }

    static boolean flat(double start, double end) {
        return start > 0 && end <= start * (1 + FLAT_TOLERANCE);
    }

    private static ObjectNode quantiles(ObjectMapper m, long[] q) {
        ObjectNode o = m.createObjectNode();
        o.put("p50", q[0]);
        o.put("p99", q[1]);
        o.put("p999", q[2]);
        return o;
    }

    /** p50, p99 and p99.9 of the matcher's latencies. */
    public static long[] quantiles(LatencyMatcher matcher) {
        return new long[] {matcher.quantileMs(0.5), matcher.quantileMs(0.99), matcher.quantileMs(0.999)};
    }

    /**
     * Events/s from samples {time ms, committed offset sum} of a job submitted at {@code startMs} reading a backlog of
     * {@code total} events: the slope between the first sample with a commit and the last sample before everything was
     * committed (the commits in between were made while the job was busy with the backlog: no start-up, no idle tail).
     * With fewer than two such commits (a backlog read within about one checkpoint interval) it is the backlog over the
     * time from submission to the first sample that has everything, start-up included; NaN when nothing was committed.
     */
    public static double consumptionRate(List<long[]> samples, long total, long startMs) {
        long[] first = null;
        long[] lastBusy = null;
        long[] done = null;
        for (long[] s : samples) {
            if (s[1] <= 0) {
                continue;
            }
            if (first == null) {
                first = s;
            }
            if (s[1] < total) {
                if (s[1] > first[1]) {
                    lastBusy = s;
                }
            } else if (done == null) {
                done = s;
            }
        }
        if (first == null) {
            return Double.NaN;
        }
        if (lastBusy != null) {
            return (lastBusy[1] - first[1]) * 1000.0 / (lastBusy[0] - first[0]);
        }
        return done == null || done[0] <= startMs ? Double.NaN : done[1] * 1000.0 / (done[0] - startMs);
    }

    /** Resident memory of this process (VmRSS of /proc/self/status), in bytes; -1 where there is no /proc. */
    public static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** Bytes of the regular files under {@code dir} (0 when it does not exist). */
    public static long directoryBytes(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // deleted meanwhile (a checkpoint being subsumed)
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }
}

package io.crossinterest.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The figures of {@code bench live} (the whole live graph from Kafka to Kafka on a local broker)
 * and the measurements they are made of. The orchestration (broker, model, the three runs of the
 * {@code stream} command) is {@code BenchLiveCommand}'s; what can be computed from numbers alone is
 * here.
 *
 * <ul>
 *   <li>throughput: a backlog of events in the input topic, the job reading it from the start; its
 *       consumer group's committed offsets (committed at each checkpoint) sampled once a second;
 *       events/s is the backlog over the time from submission to the commit of its last event, a
 *       lower bound ({@link #consumptionRate});
 *   <li>latency at half that rate, at-least-once, read uncommitted: from an event's Kafka timestamp
 *       to the reading of the recommendation it caused ({@link LatencyMatcher}); visibility with
 *       exactly-once, read committed, the same way (outputs appear when the checkpoint that covers
 *       them completes);
 *   <li>the soak at half rate, exactly-once: resident memory of this JVM (which runs the job) and
 *       the size of the retained checkpoint (the state: incremental RocksDB checkpoints keep the
 *       shared files a checkpoint refers to), and next to it RocksDB's own estimate of its live
 *       data (Flink's {@code estimate-live-data-size} metric summed over the column families and
 *       subtasks, read through the REST API: what the files hold without the versions a compaction
 *       has not yet dropped), sampled every {@value #SOAK_SAMPLE_SECONDS} s after a warm-up that
 *       has passed over the whole population; both go up and down (the heap fills before it is
 *       collected, compactions rewrite the files), so start and end are the means of the first and
 *       the last third of the samples ({@link #thirds}), and flat means the end within {@link
 *       #FLAT_TOLERANCE} of the start; state bytes per user = the last sample's state / the users
 *       whose events were sent.
 * </ul>
 */
public final class LiveBenchmark {
    private LiveBenchmark() {}

    /** Goals of the benchmark. */
    public static final double GOAL_EVENTS_PER_S_PER_CORE = 20_000;

    public static final double GOAL_P99_MS = 100;

    private static void putOrNull(ObjectNode o, String field, double v) {
        if (Double.isNaN(v)) {
            o.putNull(field);
        } else {
            o.put(field, StreamBenchmark.round(v, 10));
        }
    }

    /** Seconds between two samples of the soak. */
    public static final int SOAK_SAMPLE_SECONDS = 30;

    /** Memory is flat when the end is within this fraction of the start. */
    public static final double FLAT_TOLERANCE = 0.10;

    /**
     * The {@code stream} options a run of the benchmark differs in: {@code --emit-interval}, {@code
     * --max-scoring-delay}, {@code --buffer-timeout}, {@code --delivery}. Each figure of
     * live-bench.json names the one it was measured with.
     */
    public record Config(
            String emitInterval, String maxScoringDelay, String bufferTimeout, String delivery) {
        /** The {@code stream} command's defaults (the buffer timeout: Flink's). */
        public static final Config DEFAULTS = new Config("10s", "200ms", "100ms", "exactly-once");

        /** The command-line arguments. */
        public List<String> args() {
            return List.of(
                    "--emit-interval",
                    emitInterval,
                    "--max-scoring-delay",
                    maxScoringDelay,
                    "--buffer-timeout",
                    bufferTimeout,
                    "--delivery",
                    delivery);
        }

        void writeTo(ObjectNode o) {
            o.put("emit_interval", emitInterval);
            o.put("max_scoring_delay", maxScoringDelay);
            o.put("buffer_timeout", bufferTimeout);
            o.put("delivery", delivery);
        }

        @Override
        public String toString() {
            return "emit interval "
                    + emitInterval
                    + ", scoring delay "
                    + maxScoringDelay
                    + ", buffer timeout "
                    + bufferTimeout
                    + ", "
                    + delivery;
        }
    }

    /** One throughput run: a backlog read from the start in one configuration. */
    public static final class Throughput {
        public Config config;
        public long backlogEvents;
        public double seconds;
        public double commitSlope;
        public double eventsPerS;

        ObjectNode toJson(ObjectNode t, int cores) {
            config.writeTo(t.putObject("configuration"));
            t.put("backlog_events", backlogEvents);
            t.put("seconds", StreamBenchmark.round(seconds, 10));
            t.put(
                    "measure",
                    "backlog / seconds from submission to the commit of its last event (a lower bound)");
            t.put(
                    "events_per_s_between_commits",
                    Double.isNaN(commitSlope) ? null : Math.round(commitSlope));
            t.put("events_per_s", Math.round(eventsPerS));
            t.put("events_per_s_per_core", Math.round(eventsPerS / cores));
            return t;
        }
    }

    /** What one run measured. */
    public static final class Result {
        /** In the command's default configuration: the headline events/s. */
        public Throughput throughput = new Throughput();

        /** In the latency run's configuration: what it can carry. */
        public Throughput lowLatencyThroughput = new Throughput();

        public Config latencyConfig;
        public Config soakConfig;
        public int cores;

        /** Events/s of the latency run: half {@link #lowLatencyThroughput}, or {@code --rate}. */
        public double latencyRate;

        /** Events/s of the soak: half {@link #throughput}, or {@code --rate}. */
        public double soakRate;

        /** Whether the rates were given ({@code --rate}) rather than half the measured ones. */
        public boolean rateGiven;

        public long users;
        public int checkpointIntervalS;
        public double latencySeconds;
        public long latencyEvents;
        public long latencyUnmatched;
        public long latencyWithoutSourceHistory;
        public long[] latencyMs = new long[3];

        /**
         * Garbage collection in this JVM (job, feed and consumer) over the measured latency window
         * ({@link GcPauses#counts}); null when not measured.
         */
        public long[] latencyGc;

        /**
         * The collections of at least {@link GcPauses#LONG_MS} ms in the latency window: {ms from
         * the window's start, ms}.
         */
        public List<long[]> latencyLongPauses = new ArrayList<>();

        /** The worst latency of the events sent in each second of the latency window (ms). */
        public long[] latencyWorstBySecond = new long[0];

        /**
         * The checkpoints that completed in the latency window, from the job manager's statistics:
         * {ms from the window's start to the trigger, end-to-end ms, the longest synchronous part,
         * asynchronous part, alignment and start delay of any subtask (ms)}.
         */
        public List<long[]> latencyCheckpoints = new ArrayList<>();

        public long visibilityEvents;
        public long[] visibilityMs = new long[3];
        public double soakMinutes;

        /** Seconds of the soak's warm-up (before its first sample). */
        public long soakWarmupSeconds;

        /**
         * The soak's samples: {seconds since its start, RSS MB, state MB, RocksDB live data MB (NaN
         * when the metric was not there)}.
         */
        public List<double[]> soakSamples = new ArrayList<>();

        public double rssMbStart;
        public double rssMbEnd;
        public double stateMbStart;
        public double stateMbEnd;
        public double liveStateMbStart = Double.NaN;
        public double liveStateMbEnd = Double.NaN;
        public long stateBytesPerUser;

        public double eventsPerSPerCore() {
            return throughput.eventsPerS / cores;
        }

        /** The figures, with the goals met or missed (field names as in live-bench.json). */
        public ObjectNode toJson() {
            ObjectMapper m = new ObjectMapper();
            ObjectNode o = m.createObjectNode();
            o.put("cores", cores);
            throughput.toJson(o.putObject("throughput"), cores);
            o.put("events_per_s", Math.round(throughput.eventsPerS));
            o.put("events_per_s_per_core", Math.round(eventsPerSPerCore()));
            lowLatencyThroughput.toJson(o.putObject("throughput_low_latency"), cores);
            String rate = rateGiven ? "given (--rate)" : null;
            o.put("users", users);
            o.set("latency_ms", quantiles(m, latencyMs));
            ObjectNode l = o.putObject("latency");
            latencyConfig.writeTo(l.putObject("configuration"));
            l.put("delivery", latencyConfig.delivery());
            l.put("isolation", "read_uncommitted");
            l.put("rate_events_per_s", Math.round(latencyRate));
            l.put(
                    "rate",
                    rate != null
                            ? rate
                            : "half the throughput of the same configuration (throughput_low_latency)");
            l.put("seconds", latencySeconds);
            l.put("events_matched", latencyEvents);
            l.put("events_unmatched", latencyUnmatched);
            l.put("events_without_source_history", latencyWithoutSourceHistory);
            if (latencyGc != null) {
                ObjectNode gc = l.putObject("gc_in_window");
                gc.put(
                        "what",
                        "this JVM's collections (job, feed, consumer) while latencies counted");
                gc.put("collections", latencyGc[0]);
                gc.put("total_ms", latencyGc[1]);
                gc.put("longest_ms", latencyGc[2]);
                gc.put("at_least_" + GcPauses.LONG_MS + "_ms", latencyGc[3]);
                ArrayNode pauses = gc.putArray("at_least_" + GcPauses.LONG_MS + "_ms_at");
                for (long[] p : latencyLongPauses) {
                    pauses.addObject().put("second", p[0] / 1000.0).put("ms", p[1]);
                }
            }
            ArrayNode worst = l.putArray("worst_ms_by_second_sent");
            for (long w : latencyWorstBySecond) {
                worst.add(w);
            }
            ObjectNode cps = l.putObject("checkpoints_in_window");
            cps.put(
                    "what",
                    "checkpoints triggered in the window (job manager's statistics): the trigger's "
                            + "second of the window, end-to-end ms, and the longest synchronous "
                            + "part, asynchronous part, barrier alignment and start delay of any "
                            + "subtask (ms)");
            ArrayNode list = cps.putArray("checkpoints");
            for (long[] c : latencyCheckpoints) {
                ObjectNode n = list.addObject();
                n.put("second", c[0] / 1000.0);
                n.put("end_to_end_ms", c[1]);
                n.put("sync_ms", c[2]);
                n.put("async_ms", c[3]);
                n.put("alignment_ms", c[4]);
                n.put("start_delay_ms", c[5]);
            }
            ObjectNode v = o.putObject("visibility_latency_ms");
            v.setAll(quantiles(m, visibilityMs));
            soakConfig.writeTo(v.putObject("configuration"));
            v.put("delivery", soakConfig.delivery());
            v.put("isolation", "read_committed");
            v.put("checkpoint_interval_s", checkpointIntervalS);
            v.put("events_matched", visibilityEvents);
            o.put("checkpoint_interval_s", checkpointIntervalS);
            o.put("state_bytes_per_user", stateBytesPerUser);
            ObjectNode s = o.putObject("soak");
            soakConfig.writeTo(s.putObject("configuration"));
            s.put("rate_events_per_s", Math.round(soakRate));
            s.put("rate", rate != null ? rate : "half the throughput (default configuration)");
            s.put("minutes", soakMinutes);
            s.put("warmup_seconds", soakWarmupSeconds);
            s.put(
                    "measure",
                    "start and end: means of the first and last third of the samples (every "
                            + SOAK_SAMPLE_SECONDS
                            + " s), taken after a warm-up over the whole population");
            s.put("rss_mb_start", StreamBenchmark.round(rssMbStart, 10));
            s.put("rss_mb_end", StreamBenchmark.round(rssMbEnd, 10));
            s.put("state_mb_start", StreamBenchmark.round(stateMbStart, 10));
            s.put("state_mb_end", StreamBenchmark.round(stateMbEnd, 10));
            s.put(
                    "state_measure",
                    "state_mb: the retained checkpoint's files; live_state_mb: RocksDB's"
                            + " estimate-live-data-size summed over column families and subtasks");
            putOrNull(s, "live_state_mb_start", liveStateMbStart);
            putOrNull(s, "live_state_mb_end", liveStateMbEnd);
            ArrayNode samples = s.putArray("samples");
            for (double[] x : soakSamples) {
                ObjectNode n =
                        samples.addObject()
                                .put("s", Math.round(x[0]))
                                .put("rss_mb", StreamBenchmark.round(x[1], 10))
                                .put("state_mb", StreamBenchmark.round(x[2], 10));
                if (x.length > 3) {
                    putOrNull(n, "live_state_mb", x[3]);
                }
            }
            ObjectNode g = o.putObject("goals");
            g.set(
                    "events_per_s_per_core",
                    StreamBenchmark.goal(
                            "events/s per core through the whole live graph",
                            eventsPerSPerCore(),
                            GOAL_EVENTS_PER_S_PER_CORE));
            ObjectNode p99 = m.createObjectNode();
            p99.put(
                    "what",
                    "p99 latency at half the load the configuration carries (ms), at most ("
                            + latencyConfig
                            + ", read uncommitted)");
            p99.put("value", latencyMs[1]);
            p99.put("at_most", GOAL_P99_MS);
            p99.put("met", latencyMs[1] >= 0 && latencyMs[1] < GOAL_P99_MS);
            g.set("p99_latency_ms", p99);
            ObjectNode flat = m.createObjectNode();
            flat.put(
                    "what",
                    "resident memory and state flat over the soak: the mean of the last third of "
                            + "the samples within "
                            + (int) (FLAT_TOLERANCE * 100)
                            + " % of the first third's");
            flat.put("rss_end_over_start", StreamBenchmark.round(rssMbEnd / rssMbStart, 1000));
            flat.put(
                    "state_end_over_start", StreamBenchmark.round(stateMbEnd / stateMbStart, 1000));
            flat.put("met", flat(rssMbStart, rssMbEnd) && flat(stateMbStart, stateMbEnd));
            g.set("memory_flat", flat);
            return o;
        }
    }

    /**
     * The means of the first and the last third of {@code values} (at least one value each; NaN for
     * fewer than three values): the soak's start and end, which one sample of a sawtooth would not
     * give.
     */
    public static double[] thirds(List<Double> values) {
        int n = values.size();
        if (n < 3) {
            return new double[] {Double.NaN, Double.NaN};
        }
        int k = n / 3;
        double first = 0;
        double last = 0;
        for (int i = 0; i < k; i++) {
            first += values.get(i);
            last += values.get(n - 1 - i);
        }
        return new double[] {first / k, last / k};
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
        return new long[] {
            matcher.quantileMs(0.5), matcher.quantileMs(0.99), matcher.quantileMs(0.999)
        };
    }

    /**
     * Events/s of a job submitted at {@code startMs} reading a backlog of {@code total} events,
     * from samples {time ms, committed offset sum} (offsets are committed when a checkpoint
     * completes): the backlog over the time from submission to the first sample that has everything
     * committed. Start-up (scheduling, restoring nothing, loading the model) and up to one
     * checkpoint interval after the last event are included, so it is a lower bound of the
     * sustained rate; NaN when the backlog was not all committed.
     */
    public static double consumptionRate(List<long[]> samples, long total, long startMs) {
        for (long[] s : samples) {
            if (s[1] >= total && s[0] > startMs) {
                return total * 1000.0 / (s[0] - startMs);
            }
        }
        return Double.NaN;
    }

    /**
     * The slope of the committed offsets between the first commit and the last one before
     * everything was committed ({@code NaN} with fewer than two such commits). Not the headline
     * figure: a commit is seen when its checkpoint completes, and a slow first checkpoint (the
     * first upload of the state, the first transactions) puts the first point late and the slope
     * high (under load it once said about twice what the job then sustained).
     */
    public static double commitSlope(List<long[]> samples, long total) {
        long[] first = null;
        long[] last = null;
        for (long[] s : samples) {
            if (s[1] <= 0 || s[1] >= total) {
                continue;
            }
            if (first == null) {
                first = s;
            } else if (s[1] > first[1]) {
                last = s;
            }
        }
        return first == null || last == null
                ? Double.NaN
                : (last[1] - first[1]) * 1000.0 / (last[0] - first[0]);
    }

    /**
     * Resident memory of this process (VmRSS of /proc/self/status), in bytes; -1 where there is no
     * /proc.
     */
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
            return files.filter(Files::isRegularFile)
                    .mapToLong(
                            f -> {
                                try {
                                    return Files.size(f);
                                } catch (IOException e) {
                                    return 0; // deleted meanwhile (a checkpoint being subsumed)
                                }
                            })
                    .sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }
}

package io.crossinterest.bench;

import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.event.DeadLetter;
import io.crossinterest.ingest.MalformedRecordException;
import io.crossinterest.ingest.RawRecord;
import io.crossinterest.ingest.RecordParser;
import io.crossinterest.pipeline.ProfilePipeline;
import io.crossinterest.profile.InMemoryProfiles;
import io.crossinterest.profile.ProfileConfig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The stream benchmark (DESIGN §6): a Taobao replay ({@link Replay}) through the real graph, parse
 * + event time + keyBy(user) + aggregate, in STREAMING mode with RocksDB and checkpoints, next to
 *
 * <ul>
 *   <li>the ceiling: one thread that makes the same records, parses them with the same parser and
 *       aggregates them with the same code into a heap hash map ({@link InMemoryProfiles}), with no
 *       Flink, no serialisation and no RocksDB;
 *   <li>the floor: a job over the same records that does only what every event of a keyed RocksDB
 *       job costs at least, keyBy(user) and one get and one put of a counter per event ({@link
 *       #runFloor}).
 * </ul>
 *
 * <p>Throughput is events / wall time of the job (JobExecutionResult net runtime: scheduling, the
 * run and the final checkpoint-free shutdown) and of the loop. Per core = events/s divided by the
 * cores the job could use, min(parallelism, available processors). The ratio compares per-core
 * throughputs: Flink per core / ceiling.
 */
public final class StreamBenchmark {
    private StreamBenchmark() {}

    /** The measurements of one replay: the Flink job and the ceiling. */
    public static final class Result {
        public long events;
        public long users;
        public int cores;
        public double flinkSeconds;
        public double ceilingSeconds;
        public long ceilingUsers;

        public double eventsPerUser() {
            return (double) events / users;
        }

        public double eventsPerS() {
            return events / flinkSeconds;
        }

        public double eventsPerSPerCore() {
            return eventsPerS() / cores;
        }

        public double ceilingEventsPerS() {
            return events / ceilingSeconds;
        }

        /** Flink per core / ceiling (one core). */
        public double ratio() {
            return eventsPerSPerCore() / ceilingEventsPerS();
        }

        /** The figures of this replay (field names as in stream-bench.json). */
        public ObjectNode toJson() {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("events", events);
            o.put("users", users);
            o.put("events_per_user", round(eventsPerUser(), 100));
            o.put("flink_seconds", flinkSeconds);
            o.put("events_per_s", Math.round(eventsPerS()));
            o.put("events_per_s_per_core", Math.round(eventsPerSPerCore()));
            o.put("ceiling_seconds", ceilingSeconds);
            o.put("ceiling_events_per_s", Math.round(ceilingEventsPerS()));
            o.put("ratio", round(ratio(), 1000));
            o.put("ceiling_users", ceilingUsers);
            return o;
        }
    }

    /**
     * A goal of the benchmark: the measured value, the bound it must reach, and whether it does.
     */
    public static ObjectNode goal(String what, double value, double atLeast) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("what", what);
        o.put("value", round(value, 1000));
        o.put("at_least", atLeast);
        o.put("met", value >= atLeast);
        return o;
    }

    static double round(double x, int scale) {
        return Math.round(x * scale) / (double) scale;
    }

    private static DataStream<RawRecord> replay(StreamExecutionEnvironment env, Replay replay) {
        DataGeneratorSource<RawRecord> source =
                new DataGeneratorSource<>(replay, replay.count(), Types.POJO(RawRecord.class));
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "taobao replay")
                .uid("taobao-replay");
    }

    /**
     * Runs the replay through the graph on {@code env} (configured by the caller: STREAMING,
     * RocksDB, checkpoints, parallelism) and returns the job's net runtime in seconds. Outputs go
     * to discarding sinks.
     */
    public static double runFlink(
            StreamExecutionEnvironment env,
            Replay replay,
            ProcessFunction<RawRecord, BehaviorEvent> parse,
            OutputTag<DeadLetter> deadLetters,
            ProfileConfig config)
            throws Exception {
        ProfilePipeline.build(
                        replay(env, replay),
                        parse,
                        deadLetters,
                        config,
                        ProfilePipeline.DEFAULT_OUT_OF_ORDERNESS)
                .sinkTo(new DiscardingSink<>(), new DiscardingSink<>());
        JobExecutionResult r = env.execute("bench stream");
        return r.getNetRuntime(TimeUnit.MILLISECONDS) / 1000.0;
    }

    /**
     * The floor: the same records keyed by their user (the text before the first comma, no parse)
     * into one keyed operator that gets the user's counter from the state backend and puts it back
     * incremented, nothing else and no output. On the same environment as {@link #runFlink}, it is
     * what any job that keeps per-user state in RocksDB pays per event. Returns the net runtime in
     * seconds.
     */
    public static double runFloor(StreamExecutionEnvironment env, Replay replay) throws Exception {
        replay(env, replay)
                .keyBy(r -> r.text.substring(0, r.text.indexOf(',')), Types.STRING)
                .process(new CountPerUser(), Types.LONG)
                .uid("floor-count")
                .name("floor: get + put per event")
                .sinkTo(new DiscardingSink<>());
        JobExecutionResult r = env.execute("bench stream floor");
        return r.getNetRuntime(TimeUnit.MILLISECONDS) / 1000.0;
    }

    /** One get and one put of a per-user counter per event; emits nothing. */
    static final class CountPerUser extends KeyedProcessFunction<String, RawRecord, Long> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext openContext) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public void processElement(RawRecord r, Context ctx, Collector<Long> out) throws Exception {
            Long c = count.value();
            count.update(c == null ? 1L : c + 1);
        }
    }

    /**
     * The ceiling: the same events, made, parsed and aggregated in one thread in memory. Returns
     * seconds; fills {@code users} with the number of profiles (a sanity check of the run).
     */
    public static double runCeiling(
            Replay replay, RecordParser parser, ProfileConfig config, long[] users)
            throws IOException {
        replay.load();
        InMemoryProfiles profiles = new InMemoryProfiles(config);
        long dead = 0;
        long start = System.nanoTime();
        for (long g = 0; g < replay.count(); g++) {
            try {
                parser.parse(replay.record(g), profiles::add);
            } catch (MalformedRecordException e) {
                dead++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (dead > 0) {
            throw new IOException(dead + " replayed records did not parse: the replay is broken");
        }
        users[0] = profiles.size();
        return seconds;
    }
}

package io.crossinterest.bench;

import io.crossinterest.pipeline.ProfilePipeline;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.event.DeadLetter;
import io.crossinterest.ingest.MalformedRecordException;
import io.crossinterest.ingest.RawRecord;
import io.crossinterest.ingest.RecordParser;
import io.crossinterest.profile.InMemoryProfiles;
import io.crossinterest.profile.ProfileConfig;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.OutputTag;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * The stream benchmark (DESIGN §6): the Taobao replay ({@link TaobaoReplay}) through the real graph, parse + event time
 * + keyBy(user) + aggregate, in STREAMING mode with RocksDB and checkpoints, next to the ceiling: one thread that makes
 * the same records, parses them with the same parser and aggregates them with the same code into a heap hash map
 * ({@link InMemoryProfiles}), with no Flink, no serialisation and no RocksDB.
 *
 * <p>Throughput is events / wall time of the job (JobExecutionResult net runtime: scheduling, the run and the final
 * checkpoint-free shutdown) and of the loop. Per core = events/s divided by the cores the job could use,
 * min(parallelism, available processors). The ratio compares per-core throughputs: Flink per core / ceiling.
 */
public final class StreamBenchmark {
    private StreamBenchmark() {}

    /** The measurements of one run. */
    public static final class Result {
        public long events;
        public int parallelism;
        public int cores;
        public double flinkSeconds;
        public double ceilingSeconds;
        public long ceilingUsers;
        /** The one-minute load average when the run started (other work on the machine skews both sides). */
        public double loadAverageAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

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

        public ObjectNode toJson() {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("events", events);
            o.put("parallelism", parallelism);
            o.put("cores", cores);
            o.put("state_backend", "rocksdb");
            o.put("flink_seconds", flinkSeconds);
            o.put("events_per_s", Math.round(eventsPerS()));
            o.put("events_per_s_per_core", Math.round(eventsPerSPerCore()));
            o.put("ceiling_seconds", ceilingSeconds);
            o.put("ceiling_events_per_s", Math.round(ceilingEventsPerS()));
            o.put("ratio", Math.round(ratio() * 1000) / 1000.0);
            o.put("ceiling_users", ceilingUsers);
            o.put("load_average_at_start", loadAverageAtStart);
            o.put("available_processors", Runtime.getRuntime().availableProcessors());
            o.put("java", System.getProperty("java.version"));
            o.put("os_arch", System.getProperty("os.arch"));
            return o;
        }
    }

    /**
     * Runs the replay through the graph on {@code env} (configured by the caller: STREAMING, RocksDB, checkpoints,
     * parallelism) and returns the job's net runtime in seconds. Outputs go to discarding sinks.
     */
    public static double runFlink(StreamExecutionEnvironment env, TaobaoReplay replay,
            ProcessFunction<RawRecord, BehaviorEvent> parse, OutputTag<DeadLetter> deadLetters, ProfileConfig config)
            throws Exception {
        DataGeneratorSource<RawRecord> source = new DataGeneratorSource<>(replay, replay.count(),
                Types.POJO(RawRecord.class));
        DataStream<RawRecord> raw = env.fromSource(source, WatermarkStrategy.noWatermarks(), "taobao replay")
                .uid("taobao-replay");
        ProfilePipeline.build(raw, parse, deadLetters, config, ProfilePipeline.DEFAULT_OUT_OF_ORDERNESS)
                .sinkTo(new DiscardingSink<>(), new DiscardingSink<>());
        JobExecutionResult r = env.execute("bench stream");
        return r.getNetRuntime(TimeUnit.MILLISECONDS) / 1000.0;
    }

    /**
     * The ceiling: the same events, made, parsed and aggregated in one thread in memory. Returns seconds; fills
     * {@code users} with the number of profiles (a sanity check of the run).
     */
    public static double runCeiling(TaobaoReplay replay, RecordParser parser, ProfileConfig config, long[] users)
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

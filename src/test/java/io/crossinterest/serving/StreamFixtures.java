package io.crossinterest.serving;

import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.ingest.InputFormats;
import io.crossinterest.ingest.ParseFunction;
import io.crossinterest.ingest.ParseLimits;
import io.crossinterest.ingest.RawLineFormat;
import io.crossinterest.ingest.RawRecord;
import io.crossinterest.pipeline.ProfilePipeline;
import io.crossinterest.profile.ProfileConfig;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The unbounded inputs of the serving tests, through the production ingest path: JSON-lines event
 * files in a continuously monitored directory → {@link RawLineFormat} → {@link ParseFunction} →
 * {@link ProfilePipeline}; control messages as text lines from another monitored directory.
 *
 * <p>Event time is laid out in phases so that each phase gives exactly one profile update per user:
 * a phase's events fall in one emit interval (one hour), and each phase ends with a sentinel event
 * two hours later whose watermark passes the end of that interval.
 */
public final class StreamFixtures {
    public static final ProfileConfig PROFILES =
            ProfileConfig.defaults().withEmitInterval(Duration.ofHours(1));
    public static final String SENTINEL = "zz-sentinel";
    private static final long HOUR = 3_600_000L;

    private StreamFixtures() {}

    /** Start of phase p (hour-aligned plus one minute). */
    public static long phaseStart(int p) {
        return Math.floorDiv(PlantedModels.T0, HOUR) * HOUR + p * 10 * HOUR + 60_000L;
    }

    /**
     * The sentinel events closing phase p: target-block events (the sentinel has no source history,
     * so it is never scored), two in a row so that both parse subtasks at parallelism 2 see one
     * after the round-robin.
     */
    public static List<BehaviorEvent> sentinel(int p) {
        List<BehaviorEvent> out = new ArrayList<>();
        out.add(PlantedModels.targetEvent(SENTINEL, 0, phaseStart(p) + 2 * HOUR));
        out.add(PlantedModels.targetEvent(SENTINEL, 1, phaseStart(p) + 2 * HOUR));
        return out;
    }

    public static DataStream<RawRecord> events(StreamExecutionEnvironment env, Path dir) {
        FileSource<RawRecord> src =
                FileSource.forBulkFileFormat(
                                new RawLineFormat(), new org.apache.flink.core.fs.Path(dir.toUri()))
                        .monitorContinuously(Duration.ofMillis(100))
                        .build();
        return env.fromSource(src, WatermarkStrategy.noWatermarks(), "event files")
                .setParallelism(1)
                .uid("event-source");
    }

    /** Control messages: the lines of the files appearing in {@code dir}. */
    public static FileSource<String> controlSource(Path dir) {
        return FileSource.forRecordStreamFormat(
                        new TextLineInputFormat(), new org.apache.flink.core.fs.Path(dir.toUri()))
                .monitorContinuously(Duration.ofMillis(100))
                .build();
    }

    public static DataStream<String> control(StreamExecutionEnvironment env, Path dir) {
        return env.fromSource(controlSource(dir), WatermarkStrategy.noWatermarks(), "control files")
                .setParallelism(1)
                .uid("control-source");
    }

    public static ProfilePipeline.Outputs profiles(DataStream<RawRecord> raw) {
        return ProfilePipeline.build(
                raw,
                new ParseFunction(InputFormats.parser(InputFormats.JSONL, ParseLimits.DEFAULTS)),
                ParseFunction.DEAD_LETTERS,
                PROFILES,
                Duration.ZERO);
    }
}

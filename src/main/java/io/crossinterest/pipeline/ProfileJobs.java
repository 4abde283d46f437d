package io.crossinterest.pipeline;

import io.crossinterest.event.DeadLetter;
import io.crossinterest.ingest.ParseFunction;
import io.crossinterest.ingest.RawRecord;
import io.crossinterest.ingest.RecordParser;
import io.crossinterest.profile.ProfileConfig;
import io.crossinterest.profile.UserProfile;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.base.source.hybrid.HybridSource;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The profile jobs, flink-training style: each takes its source and sinks as arguments, the command
 * line wires the defaults (files, Kafka) and the tests wire their own. The graph is {@link
 * ProfilePipeline}'s with the ingest parse step ({@link ParseFunction}, dead letters on its side
 * output).
 *
 * <ul>
 *   <li>{@link #backfill}: BATCH over bounded input (files), one final profile per user;
 *   <li>{@link #stream}: STREAMING (RocksDB, checkpoints, exactly-once sinks) from Kafka or from
 *       {@link #history} (a HybridSource: files, then Kafka).
 * </ul>
 *
 * The environment (mode, state backend, checkpoints, restarts) is configured by the caller ({@link
 * Environments}).
 */
public final class ProfileJobs {
    public static final String SOURCE_UID = "raw-source";

    private ProfileJobs() {}

    /** The graph on {@code raw} with the ingest parse step for {@code parser}. */
    public static ProfilePipeline.Outputs graph(
            DataStream<RawRecord> raw, RecordParser parser, ProfileConfig config) {
        return ProfilePipeline.build(
                raw,
                new ParseFunction(parser),
                ParseFunction.DEAD_LETTERS,
                config,
                ProfilePipeline.DEFAULT_OUT_OF_ORDERNESS);
    }

    /** The job's raw records from {@code source}, under the stable uid {@value #SOURCE_UID}. */
    private static DataStream<RawRecord> rawRecords(
            StreamExecutionEnvironment env, Source<RawRecord, ?, ?> source, String sourceName) {
        // the type is given: a HybridSource does not tell it
        return env.fromSource(
                        source,
                        WatermarkStrategy.noWatermarks(),
                        sourceName,
                        Types.POJO(RawRecord.class))
                .uid(SOURCE_UID);
    }

    /**
     * source → graph → profile and dead-letter sinks on {@code env}; returns the graph's outputs so
     * that callers can hang further stages (scoring, CF retraining) on the same operators before
     * executing.
     */
    public static ProfilePipeline.Outputs wire(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> source,
            String sourceName,
            RecordParser parser,
            ProfileConfig config,
            Sink<UserProfile> profiles,
            Sink<DeadLetter> deadLetters) {
        ProfilePipeline.Outputs graph = graph(rawRecords(env, source, sourceName), parser, config);
        graph.sinkTo(profiles, deadLetters);
        return graph;
    }

    /** Runs the graph to the end of a bounded source and returns the result (env in BATCH mode). */
    public static JobExecutionResult backfill(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> source,
            RecordParser parser,
            ProfileConfig config,
            Sink<UserProfile> profiles,
            Sink<DeadLetter> deadLetters)
            throws Exception {
        wire(env, source, "files", parser, config, profiles, deadLetters);
        return env.execute("cross-interest backfill");
    }

    /**
     * Submits the streaming job and returns its client (env in STREAMING mode); it runs until
     * cancelled.
     */
    public static JobClient stream(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> source,
            RecordParser parser,
            ProfileConfig config,
            Sink<UserProfile> profiles,
            Sink<DeadLetter> deadLetters)
            throws Exception {
        wire(env, source, "raw records", parser, config, profiles, deadLetters);
        return env.executeAsync("cross-interest stream");
    }

    /**
     * History then live: the files first, then Kafka from the group's committed offsets (earliest
     * for a new group).
     */
    public static HybridSource<RawRecord> history(
            FileSource<RawRecord> files, KafkaSource<RawRecord> live) {
        return HybridSource.builder(files).addSource(live).build();
    }
}

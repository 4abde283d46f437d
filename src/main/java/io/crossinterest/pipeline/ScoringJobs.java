package io.crossinterest.pipeline;

import io.crossinterest.event.DeadLetter;
import io.crossinterest.ingest.RawRecord;
import io.crossinterest.ingest.RecordParser;
import io.crossinterest.joint.UserScores;
import io.crossinterest.profile.ProfileConfig;
import io.crossinterest.profile.UserProfile;
import io.crossinterest.serving.ControlError;
import io.crossinterest.serving.ControlErrorJson;
import io.crossinterest.serving.ScoresJson;
import io.crossinterest.serving.ScoringConfig;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.util.Properties;

/**
 * Wiring of the scoring stage ({@link ScoringStage}) into a streaming job: the model control
 * source, the sinks of scores and control errors, and {@link #attach}, which hangs the stage on a
 * profile graph's updates. The stream command calls these with Kafka; anything else can pass its
 * own source and sinks.
 *
 * <p>Control topic: one JSON {@link io.crossinterest.serving.ModelAnnouncement} per record, read
 * from the group's committed offsets (the earliest for a new group: a fresh job replays the
 * announcements, and the version order leaves it serving the newest). Scores and control errors go
 * to Kafka as a {@link KafkaOutput} says (by default exactly once: transactions committed with
 * checkpoints; {@code transaction.timeout.ms} 10 min, under the broker's default 15 min maximum);
 * scores are keyed by user.
 */
public final class ScoringJobs {
    public static final String CONTROL_SOURCE_UID = "model-control-source";

    private ScoringJobs() {}

    /** The control topic as text, unbounded. */
    public static KafkaSource<String> controlSource(
            String bootstrapServers, String topic, String groupId) {
        return controlSource(bootstrapServers, new Properties(), topic, groupId);
    }

    /**
     * As {@link #controlSource(String, String, String)} with Kafka client properties ({@link
     * KafkaIo}).
     */
    public static KafkaSource<String> controlSource(
            String bootstrapServers, Properties client, String topic, String groupId) {
        return KafkaSource.<String>builder()
                .setProperties(client)
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(
                        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(
                        KafkaRecordDeserializationSchema.valueOnly(new SimpleStringSchema()))
                .build();
    }

    /**
     * Scores as JSON ({@link ScoresJson}), the user as the record key, written as {@code output}
     * says.
     */
    public static KafkaSink<UserScores> scoresSink(
            String bootstrapServers,
            String topic,
            String transactionalIdPrefix,
            KafkaOutput output) {
        return KafkaIo.sink(
                bootstrapServers,
                transactionalIdPrefix,
                output,
                new KafkaRecords<>(
                        topic,
                        (UserScores s) -> s.userId,
                        new ScoresJson(),
                        (UserScores s) -> "scores of user " + s.userId,
                        output));
    }

    /** Control errors as JSON ({@link ControlErrorJson}), written as {@code output} says. */
    public static KafkaSink<ControlError> controlErrorSink(
            String bootstrapServers,
            String topic,
            String transactionalIdPrefix,
            KafkaOutput output) {
        return KafkaIo.sink(
                bootstrapServers,
                transactionalIdPrefix,
                output,
                new KafkaRecords<>(
                        topic,
                        null,
                        new ControlErrorJson(),
                        (ControlError e) -> "control error of version " + e.version,
                        output));
    }

    /**
     * The stream job with the scoring stage: {@link ProfileJobs#stream}'s graph (the same source
     * uid and operators, so a savepoint of the profile-only job restores into this one) plus {@link
     * #attach}. Submits it and returns its client; it runs until cancelled.
     */
    public static JobClient stream(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> source,
            RecordParser parser,
            ProfileConfig profileConfig,
            Sink<UserProfile> profiles,
            Sink<DeadLetter> deadLetters,
            Source<String, ?, ?> control,
            ScoringConfig scoring,
            Sink<UserScores> scores,
            Sink<ControlError> controlErrors)
            throws Exception {
        ProfilePipeline.Outputs graph =
                ProfileJobs.wire(
                        env, source, "raw records", parser, profileConfig, profiles, deadLetters);
        attach(graph.profiles, control, scoring, scores, controlErrors);
        return env.executeAsync("cross-interest stream");
    }

    /**
     * Attaches the scoring stage to {@code profiles}: {@code control} (parallelism 1, stable uid) →
     * stage → sinks. Adding this to a running profile job is a savepoint upgrade: the profile
     * operators keep their uids and state, the new operators start empty (and serve {@code
     * config}'s initial model).
     */
    public static ScoringStage.Outputs attach(
            DataStream<UserProfile> profiles,
            Source<String, ?, ?> control,
            ScoringConfig config,
            Sink<UserScores> scores,
            Sink<ControlError> controlErrors) {
        StreamExecutionEnvironment env = profiles.getExecutionEnvironment();
        DataStream<String> messages =
                env.fromSource(
                                control,
                                WatermarkStrategy.noWatermarks(),
                                "model control",
                                Types.STRING)
                        .setParallelism(1)
                        .uid(CONTROL_SOURCE_UID)
                        .name("model control");
        ScoringStage.Outputs out = ScoringStage.build(profiles, messages, config);
        out.sinkTo(scores, controlErrors);
        return out;
    }
}

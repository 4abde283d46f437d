package io.crossinterest.pipeline;

import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.event.DeadLetter;
import io.crossinterest.ingest.RawRecord;
import io.crossinterest.profile.ProfileAggregator;
import io.crossinterest.profile.ProfileConfig;
import io.crossinterest.profile.UserProfile;
import io.crossinterest.profile.UserProfileSerializer;
import io.crossinterest.types.SerializerTypeInfo;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.OutputTag;

import java.time.Duration;

/**
 * The aggregation graph, the same in BATCH and STREAMING mode:
 *
 * <pre>
 *   raw records ─> parse ─> event time ─> keyBy(user) ─> aggregate (keyed state) ─> profile updates
 *                    └─> dead letters (side output)
 * </pre>
 *
 * It takes its input stream and the parse step as arguments and returns its two outputs, so the
 * jobs attach their own sources and sinks and the tests run the real graph with test ones.
 * Timestamps are the events' own; watermarks allow {@code outOfOrderness} (they only matter in
 * STREAMING mode, where they drive the emission of profile updates). In STREAMING mode a parse
 * subtask without input for {@link ProfileConfig#idleTimeoutMs} is idle (its quiet partitions do
 * not hold back the watermark), and the profile operator emits the pending updates once the
 * watermark has stood still for {@link ProfileConfig#maxEmitDelayMs}; with an emit interval of 0 it
 * emits every event's update at once and the watermark no longer delays profiles. BATCH mode emits
 * one final profile per user in either case.
 */
public final class ProfilePipeline {
    public static final String PARSE_UID = "parse";
    public static final String WATERMARKS_UID = "event-time";
    public static final String PROFILE_SINK_UID = "profile-sink";
    public static final String DEAD_LETTER_SINK_UID = "dead-letter-sink";

    /** Behaviour events between operators (the keyBy shuffle): {@link BehaviorEventSerializer}. */
    public static final TypeInformation<BehaviorEvent> EVENT_TYPE =
            new SerializerTypeInfo<>(BehaviorEvent.class, BehaviorEventSerializer.INSTANCE);

    /** Profile updates between operators: {@link UserProfileSerializer}. */
    public static final TypeInformation<UserProfile> PROFILE_TYPE =
            new SerializerTypeInfo<>(UserProfile.class, UserProfileSerializer.INSTANCE);

    /**
     * Default bound on how late (in event time) an event may arrive before the watermark passes it.
     */
    public static final Duration DEFAULT_OUT_OF_ORDERNESS = Duration.ofSeconds(5);

    private ProfilePipeline() {}

    /** The two outputs of the graph, and the parsed, timestamped events for further consumers. */
    public static final class Outputs {
        public final DataStream<UserProfile> profiles;
        public final DataStream<DeadLetter> deadLetters;

        /**
         * Parsed events with event time and watermarks (e.g. for CF retraining:
         * AlsRetraining.attachToTargetBlock).
         */
        public final DataStream<BehaviorEvent> events;

        Outputs(
                DataStream<UserProfile> profiles,
                DataStream<DeadLetter> deadLetters,
                DataStream<BehaviorEvent> events) {
            this.profiles = profiles;
            this.deadLetters = deadLetters;
            this.events = events;
        }

        /**
         * Attaches the sinks (stable uids, so a sink's state, e.g. Kafka transactions, survives
         * upgrades).
         */
        public void sinkTo(Sink<UserProfile> profileSink, Sink<DeadLetter> deadLetterSink) {
            profiles.sinkTo(profileSink).uid(PROFILE_SINK_UID).name("profile sink");
            deadLetters.sinkTo(deadLetterSink).uid(DEAD_LETTER_SINK_UID).name("dead-letter sink");
        }
    }

    /**
     * Builds parse → event time → keyBy(user) → aggregate on {@code raw}.
     *
     * @param parse the parse step: events on its main output, malformed records on the side output
     *     {@code deadLetters}
     */
    public static Outputs build(
            DataStream<RawRecord> raw,
            ProcessFunction<RawRecord, BehaviorEvent> parse,
            OutputTag<DeadLetter> deadLetters,
            ProfileConfig config,
            Duration outOfOrderness) {
        // the mini-batch of the profile operator only in STREAMING mode (BATCH keeps one key at a
        // time)
        boolean streaming =
                raw.getExecutionEnvironment().getConfiguration().get(ExecutionOptions.RUNTIME_MODE)
                        == RuntimeExecutionMode.STREAMING;
        SingleOutputStreamOperator<BehaviorEvent> events =
                raw.process(parse, EVENT_TYPE).uid(PARSE_UID).name("parse");
        DataStream<DeadLetter> dead = events.getSideOutput(deadLetters);
        WatermarkStrategy<BehaviorEvent> watermarks =
                WatermarkStrategy.<BehaviorEvent>forBoundedOutOfOrderness(outOfOrderness)
                        .withTimestampAssigner((e, previous) -> e.timestamp);
        if (streaming && config.idleTimeoutMs() > 0) {
            // a subtask without records for this long (a quiet partition) is idle: the others'
            // watermark goes on
            watermarks = watermarks.withIdleness(Duration.ofMillis(config.idleTimeoutMs()));
        }
        DataStream<BehaviorEvent> timed =
                events.assignTimestampsAndWatermarks(watermarks)
                        .uid(WATERMARKS_UID)
                        .name("event time");
        // BATCH emits one final profile per user whatever the interval (it only dates the
        // profile): per-event emission is for STREAMING
        ProfileConfig aggregation =
                streaming || !config.emitsEveryEvent()
                        ? config
                        : config.withEmitInterval(ProfileConfig.DEFAULT_EMIT_INTERVAL);
        DataStream<UserProfile> profiles =
                timed.keyBy(e -> e.user, Types.STRING)
                        .transform(
                                ProfileAggregator.NAME,
                                PROFILE_TYPE,
                                new ProfileAggregator(
                                        aggregation,
                                        streaming ? config.miniBatchUsers() : 0,
                                        streaming ? config.maxEmitDelayMs() : 0))
                        .uid(ProfileAggregator.UID)
                        .name(ProfileAggregator.NAME);
        return new Outputs(profiles, dead, timed);
    }
}

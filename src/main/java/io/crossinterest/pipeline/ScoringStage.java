package io.crossinterest.pipeline;

import io.crossinterest.joint.SourceHistory;
import io.crossinterest.joint.UserScores;
import io.crossinterest.profile.UserProfile;
import io.crossinterest.serving.ControlError;
import io.crossinterest.serving.ModelAnnouncement;
import io.crossinterest.serving.ModelServingOperator;
import io.crossinterest.serving.ParseAnnouncements;
import io.crossinterest.serving.ScoringConfig;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The scoring half of the job graph (docs/architecture.md §2), attached to the profile updates of
 * {@link ProfilePipeline}:
 *
 * <pre>
 *   profile updates ─> recent behaviour (item, category tokens) ──────┐
 *                                                                     ├─> encode + joint scoring (micro-batched) ─> scores
 *   control messages ─> parse, read the bundle's version ─> broadcast ┘        └─> control errors (side output)
 *        └─> malformed, no bundle, another version: control errors
 * </pre>
 *
 * Scores are interests over the K target categories and the top-N target items of a user, naming
 * the model version that made them ({@link ModelServingOperator}: the model is hot-swapped from the
 * control stream, restored from state). The stage takes its inputs as arguments and returns its
 * outputs, so the stream job attaches Kafka and the tests attach their own sources and sinks. Every
 * operator has a stable uid: a savepoint of a job without this stage restores into a job with it
 * (the new operators start empty), and later versions keep its state.
 */
public final class ScoringStage {
    public static final String HISTORY_UID = "recent-behaviour";
    public static final String CONTROL_PARSE_UID = "control-parse";
    public static final String CONTROL_PARSE_NAME = "parse control messages";
    public static final String SCORING_UID = "model-scoring";
    public static final String SCORES_SINK_UID = "scores-sink";
    public static final String CONTROL_ERROR_SINK_UID = "control-error-sink";
    public static final String SCORING_NAME = "encode + joint scoring";

    private ScoringStage() {}

    /** The two outputs of the stage. */
    public static final class Outputs {
        public final DataStream<UserScores> scores;
        public final DataStream<ControlError> controlErrors;

        Outputs(DataStream<UserScores> scores, DataStream<ControlError> controlErrors) {
            this.scores = scores;
            this.controlErrors = controlErrors;
        }

        /**
         * Attaches the sinks with stable uids (a transactional Kafka sink keeps its state across
         * upgrades).
         */
        public void sinkTo(Sink<UserScores> scoresSink, Sink<ControlError> controlErrorSink) {
            scores.sinkTo(scoresSink).uid(SCORES_SINK_UID).name("scores sink");
            controlErrors
                    .sinkTo(controlErrorSink)
                    .uid(CONTROL_ERROR_SINK_UID)
                    .name("control-error sink");
        }
    }

    /**
     * Builds the stage.
     *
     * @param profiles the profile updates (a user's updates come in order from one aggregator
     *     subtask)
     * @param control control messages, JSON {@link ModelAnnouncement}s (a Kafka control topic, or
     *     any source in tests)
     */
    public static Outputs build(
            DataStream<UserProfile> profiles, DataStream<String> control, ScoringConfig config) {
        // the user's recent behaviour as (item, category) tokens; the scorer keeps those of its
        // model's source block
        DataStream<SourceHistory> histories =
                profiles.map(
                                p -> new SourceHistory(p.user, p.recentItems, p.recentCategories),
                                Types.POJO(SourceHistory.class))
                        .uid(HISTORY_UID)
                        .name("recent behaviour");
        SingleOutputStreamOperator<ModelAnnouncement> announcements =
                control.process(new ParseAnnouncements(), Types.POJO(ModelAnnouncement.class))
                        .setParallelism(1)
                        .uid(CONTROL_PARSE_UID)
                        .name(CONTROL_PARSE_NAME);
        SingleOutputStreamOperator<UserScores> scores =
                histories
                        .connect(announcements.broadcast())
                        .transform(
                                SCORING_NAME,
                                Types.POJO(UserScores.class),
                                new ModelServingOperator(config))
                        .uid(SCORING_UID)
                        .name(SCORING_NAME);
        DataStream<ControlError> errors =
                announcements
                        .getSideOutput(ModelServingOperator.CONTROL_ERRORS)
                        .union(scores.getSideOutput(ModelServingOperator.CONTROL_ERRORS));
        return new Outputs(scores, errors);
    }
}

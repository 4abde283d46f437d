package io.crossinterest.jobs;

import io.crossinterest.joint.JointBundle;
import io.crossinterest.joint.UserScores;
import io.crossinterest.pipeline.KafkaOutput;
import io.crossinterest.pipeline.ScoringJobs;
import io.crossinterest.serving.ControlError;
import io.crossinterest.serving.ScoringConfig;

import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * The scoring-stage options of {@code stream} (a picocli mixin): with {@code
 * --recommendations-topic} the job also maps each updated user's source-block behaviour to
 * interests over the target categories and top-N target items, served by the model of {@code
 * --model} and hot-swapped through {@code --control-topic}.
 */
public class ScoringOptions {
    @Option(
            names = "--model",
            paramLabel = "DIR",
            description =
                    "Joint model bundle served from the start, as the model version it holds (without it, "
                            + "scoring waits for the first announcement on --control-topic). A restored job serves the "
                            + "model it served before, unless this bundle's version is greater (an upgrade).")
    Path model;

    @Option(
            names = "--control-topic",
            paramLabel = "TOPIC",
            description =
                    "Model announcements, JSON {\"bundle\": \"DIR\"}: a bundle of a greater version (read from "
                            + "it) is loaded off the hot path and takes over without a restart.")
    String controlTopic;

    @Option(
            names = "--control-error-topic",
            paramLabel = "TOPIC",
            description =
                    "Announcements not acted on (malformed, bundle unreadable or of another version than named, "
                            + "not newer, failed to load) "
                            + "(default: the control topic + \"-errors\").")
    String controlErrorTopic;

    @Option(
            names = "--recommendations-topic",
            paramLabel = "TOPIC",
            description =
                    "Interests and top-N target items per updated user, JSON, naming the model version; "
                            + "enables the scoring stage.")
    String recommendationsTopic;

    @Option(
            names = "--max-scoring-delay",
            defaultValue = "200ms",
            paramLabel = "DURATION",
            description =
                    "Profile updates are scored in micro-batches of up to 64 users; a batch is scored once "
                            + "its oldest update has waited this long (default ${DEFAULT-VALUE}; 0 = at once). "
                            + "With --emit-interval 0: 10ms or less for low latency.")
    String maxScoringDelay;

    @Option(
            names = "--top-n",
            defaultValue = "10",
            paramLabel = "N",
            description = "Target items per recommendation (default ${DEFAULT-VALUE}).")
    int topN;

    /**
     * Whether any scoring option was given (then the stage runs, and {@link #validate} has checked
     * the rest).
     */
    boolean enabled() {
        return model != null || controlTopic != null || recommendationsTopic != null;
    }

    /** One clear line per mistake (exit 2). */
    void validate() {
        if (!enabled()) {
            return;
        }
        if (recommendationsTopic == null) {
            throw new UsageError("--recommendations-topic: needed with --model or --control-topic");
        }
        if (controlTopic == null) {
            throw new UsageError(
                    "--control-topic: needed with --recommendations-topic (model announcements)");
        }
        if (model != null && !Files.isRegularFile(model.resolve("metadata.json"))) {
            throw new UsageError("--model: not a model bundle (no metadata.json): " + model);
        }
        if (topN < 1) {
            throw new UsageError("--top-n: must be >= 1: " + topN);
        }
        scoringDelay();
    }

    /** {@code --max-scoring-delay}; a bad value is one line naming it. */
    Duration scoringDelay() {
        return ProfileOptions.duration("--max-scoring-delay", maxScoringDelay, true);
    }

    /**
     * Refuses a {@code --model} whose encoder reads more source tokens than the profile keeps per
     * user ({@code --sequence-length} L): the stream would feed it shorter histories than training
     * did. (A bundle announced later is refused by the scoring operator, on the control-error
     * topic.)
     */
    void checkHistoryLength(int historyLength) {
        if (model == null) {
            return;
        }
        JointBundle.Metadata md = metadata();
        String refusal = config(historyLength).refusal(md);
        if (refusal != null) {
            throw new UsageError(
                    "--model: " + refusal + "; give --sequence-length " + md.seqLen() + " or more");
        }
    }

    private JointBundle.Metadata metadata() {
        try {
            return JointBundle.readMetadata(model);
        } catch (IOException | RuntimeException e) {
            String why =
                    e.getMessage() == null
                            ? e.toString()
                            : e.getMessage().lines().findFirst().orElse("");
            throw new UsageError("--model: cannot read the bundle's metadata: " + why);
        }
    }

    /**
     * The stage's settings, for profiles that keep {@code historyLength} tokens per user; the
     * initial model's version is read from its bundle.
     */
    ScoringConfig config(int historyLength) {
        ScoringConfig c =
                ScoringConfig.defaults()
                        .withTopN(topN)
                        .withHistoryLength(historyLength)
                        .withMaxDelay(scoringDelay().toMillis());
        if (model == null) {
            return c;
        }
        try {
            return c.withInitialModel(model.toAbsolutePath());
        } catch (IOException e) {
            throw new UsageError("--model: cannot read the bundle's metadata: " + e.getMessage());
        }
    }

    KafkaSource<String> control(String bootstrapServers, Properties client, String groupId) {
        return ScoringJobs.controlSource(
                bootstrapServers, client, controlTopic, groupId + "-model-control");
    }

    KafkaSink<UserScores> recommendations(String bootstrapServers, KafkaOutput output) {
        return ScoringJobs.scoresSink(
                bootstrapServers, recommendationsTopic, "cross-interest-recommendations", output);
    }

    KafkaSink<ControlError> controlErrors(String bootstrapServers, KafkaOutput output) {
        return ScoringJobs.controlErrorSink(
                bootstrapServers, controlErrorTopic(), "cross-interest-control-errors", output);
    }

    /** The output topics of the stage (for the record-size limit). */
    List<String> outputTopics() {
        return List.of(recommendationsTopic, controlErrorTopic());
    }

    private String controlErrorTopic() {
        return controlErrorTopic != null ? controlErrorTopic : controlTopic + "-errors";
    }

    /**
     * For the start-up line; a restored job serves the model version of its state, not {@code
     * --model}.
     */
    String describe(boolean restored) {
        String initial =
                model == null
                        ? "the first announcement on " + controlTopic
                        : "version " + metadata().modelVersion() + " (" + model + ")";
        return recommendationsTopic
                + " (model: "
                + (restored ? "the version the restored state served, else " + initial : initial)
                + "; swaps from "
                + controlTopic
                + ")";
    }
}

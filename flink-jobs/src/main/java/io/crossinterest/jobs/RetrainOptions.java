package io.crossinterest.jobs;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.cf.als.AlsRetraining;
import io.crossinterest.cf.als.RetrainPolicy;
import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.pipeline.KafkaIo;
import io.crossinterest.pipeline.KafkaOutput;

import org.apache.flink.streaming.api.datastream.DataStream;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * The CF retraining options of {@code stream} (a picocli mixin): with {@code --retrain-every}
 * and/or {@code --retrain-interval} the job keeps the target block's interactions in keyed state,
 * retrains implicit ALS on them in the background without stopping, versions each model, broadcasts
 * it to a user-keyed CF scorer, and writes each active user's top-N target items, naming the model
 * version, to {@code --cf-recommendations-topic}.
 */
public class RetrainOptions {
    @Option(
            names = "--retrain-every",
            paramLabel = "N",
            defaultValue = "0",
            description =
                    "Retrain the target-block CF model every N target-block events (0: no count trigger).")
    long every;

    @Option(
            names = "--retrain-interval",
            paramLabel = "DURATION",
            description =
                    "Retrain the target-block CF model every DURATION (e.g. 10m) if events arrived since the last.")
    String interval;

    @Option(
            names = "--retrain-time",
            paramLabel = "processing|event",
            defaultValue = "processing",
            description =
                    "Time of --retrain-interval: processing or event (default ${DEFAULT-VALUE}).")
    String timeDomain;

    @Option(
            names = "--target-categories",
            split = ",",
            paramLabel = "C",
            description =
                    "The target block: categories the CF model recommends in (required with retraining).")
    List<String> targetCategories;

    @Option(
            names = "--cf-recommendations-topic",
            paramLabel = "TOPIC",
            description =
                    "Topic of CF top-N target items per active user, JSON, naming the model version.")
    String topic;

    @Option(
            names = "--cf-rank",
            defaultValue = "32",
            description = "Rank of the CF factors (default ${DEFAULT-VALUE}).")
    int rank;

    @Option(
            names = "--cf-iterations",
            defaultValue = "10",
            description = "ALS iterations per retraining (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(
            names = "--cf-top-n",
            defaultValue = "10",
            description = "CF items per user (default ${DEFAULT-VALUE}).")
    int topN;

    /** True when a retraining trigger is given. */
    public boolean enabled() {
        return every > 0 || interval != null;
    }

    /** Checks the combination; a mistake is one line naming the option. */
    public void validate() {
        if (every < 0) {
            throw new UsageError("--retrain-every: must be >= 0: " + every);
        }
        if (!enabled()) {
            if (topic != null || targetCategories != null) {
                throw new UsageError(
                        "--cf-recommendations-topic and --target-categories need --retrain-every or "
                                + "--retrain-interval");
            }
            return;
        }
        if (targetCategories == null || targetCategories.isEmpty()) {
            throw new UsageError(
                    "--target-categories: required with --retrain-every / --retrain-interval");
        }
        if (topic == null) {
            throw new UsageError(
                    "--cf-recommendations-topic: required with --retrain-every / --retrain-interval");
        }
        if (rank < 1 || iterations < 1 || topN < 1) {
            throw new UsageError("--cf-rank, --cf-iterations and --cf-top-n must be >= 1");
        }
        policy(); // interval and time domain
    }

    RetrainPolicy policy() {
        AlsConfig config =
                AlsConfig.defaults().withRank(rank).withIterations(iterations).withThreads(1);
        Duration d =
                interval == null
                        ? null
                        : ProfileOptions.duration("--retrain-interval", interval, false);
        RetrainPolicy.TimeDomain domain;
        switch (timeDomain.trim().toLowerCase(Locale.ROOT)) {
            case "processing":
                domain = RetrainPolicy.TimeDomain.PROCESSING;
                break;
            case "event":
                domain = RetrainPolicy.TimeDomain.EVENT;
                break;
            default:
                throw new UsageError(
                        "--retrain-time: 'processing' or 'event', got '" + timeDomain + "'");
        }
        return new RetrainPolicy(config, d, domain, every, Duration.ofMillis(200));
    }

    /**
     * Hangs retraining and CF scoring on the parsed events, with the recommendations to Kafka
     * exactly once.
     */
    public void attach(DataStream<BehaviorEvent> events, String bootstrapServers) {
        attach(events, bootstrapServers, KafkaOutput.DEFAULTS);
    }

    /**
     * Hangs retraining and CF scoring on the events, with the recommendations to Kafka as {@code
     * output} says.
     */
    public void attach(
            DataStream<BehaviorEvent> events, String bootstrapServers, KafkaOutput output) {
        AlsRetraining.Outputs out =
                AlsRetraining.attachToTargetBlock(
                        events, new LinkedHashSet<>(targetCategories), policy(), topN);
        out.recommendations
                .sinkTo(
                        KafkaIo.recommendationSink(
                                bootstrapServers,
                                topic,
                                "cross-interest-cf-recommendations",
                                output))
                .uid("cf-recommendation-sink")
                .name("cf recommendations");
    }

    /** For the start-up line. */
    public String describe() {
        return "CF retraining on "
                + targetCategories
                + " ("
                + (every > 0 ? "every " + every + " events" : "")
                + (every > 0 && interval != null ? ", " : "")
                + (interval != null ? "every " + interval : "")
                + ") -> "
                + topic;
    }
}

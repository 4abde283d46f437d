package io.crossinterest.cf.als;

import io.crossinterest.event.BehaviorEvent;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;

import java.util.HashSet;
import java.util.Set;

/**
 * Wires periodic CF retraining into a stream of target-block events:
 *
 * <pre>
 *   target events ─┬─> keyBy(constant) ─> ALS retraining (parallelism 1) ─> model versions ─┐ broadcast
 *                  └─> keyBy(user) ──────────────────────────────────> ALS scoring <─────────┘
 *                                                                          └─> recommendations (with model version)
 * </pre>
 *
 * The caller filters the events to the target block (the categories CF recommends in) and attaches
 * sinks.
 */
public final class AlsRetraining {
    private AlsRetraining() {}

    /** The two outputs. */
    public static final class Outputs {
        public final DataStream<AlsModelVersion> models;
        public final DataStream<Recommendation> recommendations;

        Outputs(DataStream<AlsModelVersion> models, DataStream<Recommendation> recommendations) {
            this.models = models;
            this.recommendations = recommendations;
        }
    }

    /**
     * Retraining on the events of the target categories only (e.g. on {@code
     * ProfilePipeline.Outputs.events}).
     */
    public static Outputs attachToTargetBlock(
            DataStream<BehaviorEvent> events,
            Set<String> targetCategories,
            RetrainPolicy policy,
            int numRecommendations) {
        Set<String> target = new HashSet<>(targetCategories);
        DataStream<BehaviorEvent> targetEvents =
                events.filter(e -> target.contains(e.category)).name("target-block events");
        return attach(targetEvents, policy, numRecommendations);
    }

    public static Outputs attach(
            DataStream<BehaviorEvent> targetEvents, RetrainPolicy policy, int numRecommendations) {
        DataStream<AlsModelVersion> models =
                targetEvents
                        .keyBy(e -> 0, Types.INT)
                        .process(new AlsRetrainer(policy), Types.POJO(AlsModelVersion.class))
                        .setParallelism(1)
                        .setMaxParallelism(1)
                        .uid(AlsRetrainer.UID)
                        .name(AlsRetrainer.NAME);
        DataStream<Recommendation> recommendations =
                targetEvents
                        .keyBy(e -> e.user, Types.STRING)
                        .connect(models.broadcast(AlsScorer.MODEL_STATE))
                        .process(
                                new AlsScorer(numRecommendations), Types.POJO(Recommendation.class))
                        .uid(AlsScorer.UID)
                        .name(AlsScorer.NAME);
        return new Outputs(models, recommendations);
    }
}

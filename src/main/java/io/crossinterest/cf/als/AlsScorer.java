package io.crossinterest.cf.als;

import io.crossinterest.event.BehaviorEvent;

import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

import java.util.HashMap;
import java.util.Map;

/**
 * Scores users against the latest broadcast CF model. Keyed by user, it keeps the user's
 * target-block interactions; on each of the user's events it emits their top-N from the current
 * model, and when a new model version arrives it re-scores every user it holds, so recommendations
 * move to the new version without waiting for new events. Every {@link Recommendation} names the
 * model version that made it.
 */
public class AlsScorer
        extends KeyedBroadcastProcessFunction<
                String, BehaviorEvent, AlsModelVersion, Recommendation> {
    public static final String UID = "als-score";
    public static final String NAME = "ALS scoring";

    /** Broadcast state: the latest model under key {@link #LATEST}. */
    public static final MapStateDescriptor<String, AlsModelVersion> MODEL_STATE =
            new MapStateDescriptor<>("als-model", Types.STRING, Types.POJO(AlsModelVersion.class));

    static final String LATEST = "latest";
    private static final MapStateDescriptor<String, Double> SEEN =
            new MapStateDescriptor<>("als-user-items", Types.STRING, Types.DOUBLE);

    private final int numRecommendations;
    private transient MapState<String, Double> seen;
    private transient volatile long metricVersion;

    public AlsScorer(int numRecommendations) {
        if (numRecommendations < 1) {
            throw new IllegalArgumentException("numRecommendations must be >= 1");
        }
        this.numRecommendations = numRecommendations;
    }

    @Override
    public void open(Configuration parameters) {
        seen = getRuntimeContext().getMapState(SEEN);
        getRuntimeContext()
                .getMetricGroup()
                .gauge("alsScoringModelVersion", (Gauge<Long>) () -> metricVersion);
    }

    @Override
    public void processElement(BehaviorEvent e, ReadOnlyContext ctx, Collector<Recommendation> out)
            throws Exception {
        Double old = seen.get(e.item);
        seen.put(e.item, (old == null ? 0 : old) + e.weight);
        AlsModelVersion model = ctx.getBroadcastState(MODEL_STATE).get(LATEST);
        if (model != null) {
            out.collect(model.recommend(e.user, items(seen), numRecommendations));
        }
    }

    @Override
    public void processBroadcastElement(
            AlsModelVersion model, Context ctx, Collector<Recommendation> out) throws Exception {
        BroadcastState<String, AlsModelVersion> state = ctx.getBroadcastState(MODEL_STATE);
        AlsModelVersion current = state.get(LATEST);
        if (current != null && current.version >= model.version) {
            return;
        }
        state.put(LATEST, model);
        metricVersion = model.version;
        ctx.applyToKeyedState(
                SEEN,
                (user, items) ->
                        out.collect(model.recommend(user, items(items), numRecommendations)));
    }

    private static Map<String, Double> items(MapState<String, Double> state) throws Exception {
        Map<String, Double> m = new HashMap<>();
        for (Map.Entry<String, Double> e : state.entries()) {
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }
}

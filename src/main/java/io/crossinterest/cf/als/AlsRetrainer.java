package io.crossinterest.cf.als;

import io.crossinterest.data.IdIndex;
import io.crossinterest.data.InteractionMatrix;
import io.crossinterest.event.BehaviorEvent;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Periodic CF retraining inside a running stream. Holds the target block's interactions (user →
 * item → summed r) in keyed state, and on a trigger ({@link RetrainPolicy}: every N events and/or
 * every interval of processing or event time with new events) snapshots them into an {@link
 * InteractionMatrix} and trains implicit ALS ({@link ImplicitAls}, multi-threaded) on a background
 * thread, so the operator keeps taking events while it trains. A processing-time timer polls the
 * training and, on the operator thread, emits the result as the next {@link AlsModelVersion}. A
 * trigger during a training is remembered and runs right after it.
 *
 * <p>Keyed by a constant: in-process ALS needs the whole target matrix in one place, so this
 * operator runs with parallelism 1 (the distributed {@link Als} is the path for blocks too large
 * for one machine). The model version and the interactions are checkpointed; a training in flight
 * at a failure is redone at the next trigger.
 *
 * <p>Metrics (operator scope): {@code alsModelVersion}, {@code alsTrainingMillis}, {@code alsLoss},
 * {@code alsModelUsers}, {@code alsModelItems}, {@code alsInteractions}.
 */
public class AlsRetrainer extends KeyedProcessFunction<Integer, BehaviorEvent, AlsModelVersion> {
    public static final String UID = "als-retrain";
    public static final String NAME = "ALS retraining";

    private final RetrainPolicy policy;

    private transient MapState<String, Map<String, Double>> interactions;
    private transient ValueState<Long> version;
    private transient ValueState<Long> eventsSinceTraining;
    private transient ValueState<Long> intervalTimer;

    private transient ExecutorService trainer;
    private transient Future<AlsModelVersion> running;
    private transient long pollTimer;
    private transient boolean pending;

    private transient volatile long metricVersion;
    private transient volatile long metricTrainingMillis;
    private transient volatile double metricLoss;
    private transient volatile int metricUsers;
    private transient volatile int metricItems;
    private transient volatile int metricInteractions;

    public AlsRetrainer(RetrainPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void open(Configuration parameters) {
        interactions =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "als-interactions",
                                        Types.STRING,
                                        Types.MAP(Types.STRING, Types.DOUBLE)));
        version =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("als-model-version", Types.LONG));
        eventsSinceTraining =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("als-events-since", Types.LONG));
        intervalTimer =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("als-interval-timer", Types.LONG));
        trainer =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "als-retrain");
                            t.setDaemon(true);
                            return t;
                        });
        var metrics = getRuntimeContext().getMetricGroup();
        metrics.gauge("alsModelVersion", (Gauge<Long>) () -> metricVersion);
        metrics.gauge("alsTrainingMillis", (Gauge<Long>) () -> metricTrainingMillis);
        metrics.gauge("alsLoss", (Gauge<Double>) () -> metricLoss);
        metrics.gauge("alsModelUsers", (Gauge<Integer>) () -> metricUsers);
        metrics.gauge("alsModelItems", (Gauge<Integer>) () -> metricItems);
        metrics.gauge("alsInteractions", (Gauge<Integer>) () -> metricInteractions);
    }

    @Override
    public void close() {
        if (trainer != null) {
            trainer.shutdownNow();
        }
    }

    @Override
    public void processElement(BehaviorEvent e, Context ctx, Collector<AlsModelVersion> out)
            throws Exception {
        Map<String, Double> row = interactions.get(e.user);
        if (row == null) {
            row = new HashMap<>();
        }
        row.merge(e.item, e.weight, Double::sum); // r_ui: the sum of the user's weights on the item
        interactions.put(e.user, row);
        long n = (eventsSinceTraining.value() == null ? 0 : eventsSinceTraining.value()) + 1;
        eventsSinceTraining.update(n);
        if (policy.everyEvents > 0 && n >= policy.everyEvents) {
            trigger(ctx);
        }
        if (policy.intervalMillis > 0 && intervalTimer.value() == null) {
            long at =
                    (policy.timeDomain == RetrainPolicy.TimeDomain.EVENT
                                    ? e.timestamp
                                    : ctx.timerService().currentProcessingTime())
                            + policy.intervalMillis;
            register(ctx, at);
        }
    }

    private void register(Context ctx, long at) throws Exception {
        if (policy.timeDomain == RetrainPolicy.TimeDomain.EVENT) {
            ctx.timerService().registerEventTimeTimer(at);
        } else {
            ctx.timerService().registerProcessingTimeTimer(at);
        }
        intervalTimer.update(at);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlsModelVersion> out)
            throws Exception {
        boolean intervalDomain =
                (policy.timeDomain == RetrainPolicy.TimeDomain.EVENT)
                        == (ctx.timeDomain() == TimeDomain.EVENT_TIME);
        Long due = intervalTimer.value();
        if (intervalDomain && due != null && due == timestamp) {
            intervalTimer.clear();
            Long n = eventsSinceTraining.value();
            if (n != null && n > 0) {
                trigger(ctx);
            }
            register(ctx, timestamp + policy.intervalMillis);
        }
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME
                && running != null
                && timestamp == pollTimer) {
            if (running.isDone()) {
                AlsModelVersion model = running.get();
                running = null;
                long v = (version.value() == null ? 0 : version.value()) + 1;
                version.update(v);
                model.version = v;
                model.trainedAt = ctx.timerService().currentProcessingTime();
                metricVersion = v;
                metricTrainingMillis = Math.round(model.trainingSeconds * 1000);
                metricLoss = model.loss;
                metricUsers = model.numUsers();
                metricItems = model.numItems();
                metricInteractions = model.numInteractions;
                out.collect(model);
                if (pending) {
                    pending = false;
                    trigger(ctx);
                }
            } else {
                pollTimer = ctx.timerService().currentProcessingTime() + policy.pollMillis;
                ctx.timerService().registerProcessingTimeTimer(pollTimer);
            }
        }
    }

    /**
     * Snapshots the interactions and starts a training, or remembers the trigger if one is running.
     */
    private void trigger(Context ctx) throws Exception {
        eventsSinceTraining.update(0L);
        if (running != null) {
            pending = true;
            return;
        }
        IdIndex users = new IdIndex();
        IdIndex items = new IdIndex();
        InteractionMatrix.Builder b = new InteractionMatrix.Builder(0, 0);
        for (Map.Entry<String, Map<String, Double>> row : interactions.entries()) {
            int u = users.add(row.getKey());
            for (Map.Entry<String, Double> e : row.getValue().entrySet()) {
                b.add(u, items.add(e.getKey()), e.getValue());
            }
        }
        InteractionMatrix r = b.build();
        AlsConfig cfg = policy.config;
        running = trainer.submit(() -> train(r, users, items, cfg));
        pollTimer = ctx.timerService().currentProcessingTime() + policy.pollMillis;
        ctx.timerService().registerProcessingTimeTimer(pollTimer);
    }

    /** Trains on the snapshot (background thread; touches no Flink state). */
    static AlsModelVersion train(InteractionMatrix r, IdIndex users, IdIndex items, AlsConfig cfg) {
        long t0 = System.nanoTime();
        AlsResult fit = new ImplicitAls(cfg).fit(r);
        AlsModelVersion m = new AlsModelVersion();
        m.trainingSeconds = (System.nanoTime() - t0) / 1e9;
        m.loss = ImplicitAls.loss(r, fit.users, fit.items, cfg);
        m.numInteractions = r.nnz();
        m.rank = cfg.rank;
        m.lambda = cfg.lambda;
        m.alpha = cfg.alpha;
        m.regularization = cfg.regularization.name();
        m.userIds = users.ids().toArray(new String[0]);
        m.userFactors = fit.users.data();
        m.itemIds = items.ids().toArray(new String[0]);
        m.itemFactors = fit.items.data();
        m.itemGram = new double[cfg.rank * cfg.rank];
        AlsKernels.addGram(m.itemFactors, 0, items.size(), cfg.rank, m.itemGram);
        return m;
    }
}

package io.crossinterest.serving;

import io.crossinterest.bundle.MapBundleFunction;
import io.crossinterest.joint.SourceHistory;
import io.crossinterest.joint.UserScores;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.TimestampedCollector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link ModelServingOperator} does with a bundle of users: the newest {@link SourceHistory}
 * of each user takes the place of a buffered one (only the newest history matters), and a finished
 * bundle is scored by exactly one model, the one the operator serves at that batch boundary ({@link
 * #serve}): its source-block tokens ({@link ServingModel#sourceBlock}), one forward pass and the
 * top-N, one {@link UserScores} per user with the update's timestamp and the model's version. While
 * no model has loaded, the bundle is left as it is.
 *
 * <p>Metrics (on the operator's group): {@code usersScored}, {@code usersScoredPerSecond}, {@code
 * skippedNoSourceHistory}, {@code scoringLatencyMillis}, {@code endToEndLatencyMillis}, {@code
 * scoringBatchMillis} and {@code category.<c>.interestMass}; see {@link ModelServingOperator}.
 */
final class ScoringBundleFunction
        implements MapBundleFunction<
                String, ScoringBundleFunction.Pending, SourceHistory, UserScores> {
    private static final long serialVersionUID = 1L;

    /**
     * A buffered update: the history, its record timestamp (or null) and its arrival (processing
     * time, ms).
     */
    record Pending(SourceHistory history, Long timestamp, long arrivedMs) {}

    private transient Context context;
    private transient ServingModel model;
    private transient Counter scored;
    private transient Counter skippedNoSource;
    private transient Histogram latencyMillis;
    private transient Histogram endToEndMillis;
    private transient Histogram batchMillis;
    private transient Map<String, double[]> interestMass;
    private transient MetricGroup metrics;

    @Override
    public void open(Context context) {
        this.context = context;
        metrics = context.metricGroup();
        scored = metrics.counter("usersScored");
        metrics.meter("usersScoredPerSecond", new MeterView(scored));
        skippedNoSource = metrics.counter("skippedNoSourceHistory");
        latencyMillis =
                metrics.histogram("scoringLatencyMillis", new DescriptiveStatisticsHistogram(1000));
        batchMillis =
                metrics.histogram("scoringBatchMillis", new DescriptiveStatisticsHistogram(1000));
        endToEndMillis =
                metrics.histogram(
                        "endToEndLatencyMillis", new DescriptiveStatisticsHistogram(1000));
        interestMass = new HashMap<>();
    }

    /**
     * The model that scores the following bundles (set by the operator on the task thread, between
     * two bundles).
     */
    void serve(ServingModel m) {
        model = m;
    }

    /** The model serving now, null before the first. */
    ServingModel model() {
        return model;
    }

    /** A bundle value for an update that arrived before now (restored from state: no timestamp). */
    Pending restored(SourceHistory h) {
        return new Pending(h, null, System.currentTimeMillis());
    }

    @Override
    public Pending addInput(Pending value, SourceHistory input, Long timestamp) {
        return new Pending(input, timestamp, context.currentProcessingTime());
    }

    @Override
    public void finishBundle(Map<String, Pending> bundle, TimestampedCollector<UserScores> out) {
        ServingModel m = model;
        if (m == null) {
            return; // waits for the first model
        }
        List<SourceHistory> in = new ArrayList<>(bundle.size());
        List<Pending> meta = new ArrayList<>(bundle.size());
        for (Pending p : bundle.values()) {
            SourceHistory s = m.sourceBlock(p.history);
            if (s == null) {
                skippedNoSource.inc();
            } else {
                in.add(s);
                meta.add(p);
            }
        }
        bundle.clear();
        if (in.isEmpty()) {
            return;
        }
        long t0 = System.nanoTime();
        List<UserScores> outs = m.score(in);
        if (outs.size() != in.size()) {
            throw new IllegalStateException(
                    "model "
                            + m.version()
                            + " returned "
                            + outs.size()
                            + " outputs for "
                            + in.size()
                            + " users");
        }
        batchMillis.update((System.nanoTime() - t0) / 1_000_000);
        long now = context.currentProcessingTime();
        long wallClock = System.currentTimeMillis();
        for (int i = 0; i < outs.size(); i++) {
            UserScores s = outs.get(i);
            Pending p = meta.get(i);
            if (p.timestamp == null) {
                out.eraseTimestamp();
            } else {
                out.setAbsoluteTimestamp(p.timestamp);
            }
            out.collect(s);
            latencyMillis.update(now - p.arrivedMs);
            if (p.timestamp != null) {
                endToEndMillis.update(Math.max(0L, wallClock - p.timestamp));
            }
            addInterestMass(s);
        }
        scored.inc(outs.size());
    }

    /** Σ_u p_uc per target category c (p_u = softmax(I_u), the user's interest distribution). */
    private void addInterestMass(UserScores s) {
        if (s.interest == null || s.categories == null) {
            return;
        }
        for (int c = 0; c < s.categories.length; c++) {
            double[] mass = interestMass.get(s.categories[c]);
            if (mass == null) {
                double[] cell = new double[1];
                mass = cell;
                interestMass.put(s.categories[c], cell);
                metrics.addGroup("category", s.categories[c]).gauge("interestMass", () -> cell[0]);
            }
            mass[0] += s.interest[c];
        }
    }
}

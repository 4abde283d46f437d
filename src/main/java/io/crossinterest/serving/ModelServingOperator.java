package io.crossinterest.serving;

import io.crossinterest.bundle.AbstractMapBundleOperator;
import io.crossinterest.joint.SourceHistory;
import io.crossinterest.joint.UserScores;

import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;

/**
 * Encode (CNN) + joint scoring of users' source-block histories, micro-batched, with the model
 * hot-swapped from a broadcast control stream (docs/architecture.md §2: the operator {@code
 * model-scoring}).
 *
 * <p><b>Input 1</b>: {@link SourceHistory} updates (a user's recent behaviour), micro-batched by
 * the project's bundle operator ({@link AbstractMapBundleOperator}, keyed by user) with {@link
 * ScoringBundleFunction}: a newer update of a user replaces the buffered one (only the newest
 * history matters), and a batch is scored when it holds {@code maxBatchSize} users, when its oldest
 * update has waited {@code maxDelayMillis}, before a watermark is forwarded, before a checkpoint
 * barrier, and at end of input. A batch is scored by exactly one model, so an output never mixes
 * two versions; each output names the version of the model that made it ({@link
 * UserScores#modelVersion}: its bundle's, which is its announcement's and the number of the {@code
 * modelVersion} metric). When the batch is full while no model has loaded yet, the operator waits
 * for the first one (back-pressure instead of an unbounded buffer).
 *
 * <p><b>Input 2</b> (broadcast): {@link ModelAnnouncement}s, each with its bundle's version ({@link
 * ParseAnnouncements} read it). An announcement whose version is not greater than the newest one
 * served or queued is ignored (reported). Otherwise the bundle is read on this operator's loader
 * thread, off the task thread, while the current model keeps serving; the task thread checks the
 * load at each batch boundary and every {@code pollMillis}, and switches to the new model between
 * two batches (one reference assignment on the task thread: atomic with respect to scoring). A
 * bundle that fails to load, or that no longer holds the announced version ({@link
 * ServingModel#load}), is reported (counter, log, a {@link ControlError} on {@link
 * #CONTROL_ERRORS}) and the current model keeps serving. Announcements are applied in arrival
 * order.
 *
 * <p><b>State</b> (operator state, so it needs no key): broadcast state {@code models} holds the
 * announcement being served ({@code active}) and those still loading ({@code queued/<version>}): a
 * restored job loads the model it served (not the initial one of its configuration; that one only
 * if the restored bundle can no longer be read or no longer holds the restored version, or if its
 * version is greater than the restored one's: a resubmission with a new model is an upgrade) and
 * resumes the loads it had not finished, so no announcement is lost with the control source's
 * offsets. List state {@code awaiting-model} holds buffered updates only while no model has loaded
 * yet; otherwise the buffer is scored before the barrier and is empty in every snapshot. (While no
 * model has loaded, watermarks are forwarded and the waiting updates are scored later, behind them:
 * the scores are sinks' input, nothing downstream windows on their event time.)
 *
 * <p>The control stream carries no event time: its watermarks are ignored, and the operator's
 * watermark is that of input 1, so an idle control topic never holds back event time downstream.
 *
 * <p><b>Metrics</b>: {@code modelVersion} (the served announcement's version, −1 before the first),
 * {@code modelSwaps}, {@code modelLoadFailures}, {@code controlMessagesIgnored}, {@code
 * modelLoadMillis}, {@code usersScored} (and {@code usersScoredPerSecond}), {@code
 * skippedNoSourceHistory}, {@code awaitingModel}, {@code scoringLatencyMillis} (per output: arrival
 * of the update to emission of its scores, micro-batch wait included), {@code
 * endToEndLatencyMillis} (per output: wall clock at emission minus the event timestamp of the
 * profile update that caused it, which is the end of the emit interval its events fell in (with
 * per-event emission the event's own time, so this is the event-to-recommendation latency): for
 * producers that stamp events when they happen, the time from that instant to the recommendation,
 * the watermark's out-of-orderness delay, the operators and the micro-batch wait included; an event
 * waited up to one emit interval more, by design, before that instant; on a replay of history it is
 * the age of the data; clock skew below zero counts as 0), {@code modelSwappedAtMillis} (wall-clock
 * of the last swap, epoch ms, 0 before the first) and {@code modelAgeSeconds} (now − that swap, −1
 * before the first), {@code scoringBatchMillis} (forward pass and top-N of one batch), and per
 * target category (group {@code category}) {@code interestMass}: Σ over scored users of their
 * interest share in the category (a rate of it over a rate of {@code usersScored} is the mean
 * share).
 */
public final class ModelServingOperator
        extends AbstractMapBundleOperator<
                String, ScoringBundleFunction.Pending, SourceHistory, UserScores>
        implements TwoInputStreamOperator<SourceHistory, ModelAnnouncement, UserScores>,
                BoundedMultiInput {
    private static final long serialVersionUID = 1L;

    /** Control messages not acted on. */
    public static final OutputTag<ControlError> CONTROL_ERRORS =
            new OutputTag<>("control-errors", TypeInformation.of(ControlError.class));

    static final String ACTIVE = "active";
    static final String QUEUED = "queued/";
    static final MapStateDescriptor<String, ModelAnnouncement> MODELS =
            new MapStateDescriptor<>(
                    "models", Types.STRING, TypeInformation.of(ModelAnnouncement.class));
    static final ListStateDescriptor<SourceHistory> AWAITING =
            new ListStateDescriptor<>("awaiting-model", TypeInformation.of(SourceHistory.class));

    private final ScoringConfig config;
    private final ScoringBundleFunction scoring;

    private transient BroadcastState<String, ModelAnnouncement> models;
    private transient ListState<SourceHistory> awaiting;
    private transient Deque<Load> loads;
    private transient ExecutorService loader;
    private transient ScheduledFuture<?> pollTimer;
    private transient int subtask;

    private transient Counter swaps;
    private transient Counter loadFailures;
    private transient Counter ignored;
    private transient volatile long swappedAtMillis;

    /** A model being read on the loader thread. */
    private record Load(ModelAnnouncement announcement, Future<ServingModel> model) {}

    public ModelServingOperator(ScoringConfig config) {
        this(config, new ScoringBundleFunction());
    }

    private ModelServingOperator(ScoringConfig config, ScoringBundleFunction scoring) {
        super(scoring, config.maxBatchSize, config.maxDelayMillis);
        this.config = config;
        this.scoring = scoring;
    }

    @Override
    protected String getKey(SourceHistory h) {
        return h.userId;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        models = context.getOperatorStateStore().getBroadcastState(MODELS);
        awaiting = context.getOperatorStateStore().getListState(AWAITING);
        for (SourceHistory h : awaiting.get()) {
            bundle().put(h.userId, scoring.restored(h));
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        MetricGroup metrics = getMetricGroup();
        swaps = metrics.counter("modelSwaps");
        loadFailures = metrics.counter("modelLoadFailures");
        ignored = metrics.counter("controlMessagesIgnored");
        metrics.gauge("modelSwappedAtMillis", () -> swappedAtMillis);
        metrics.gauge(
                "modelAgeSeconds",
                () ->
                        swappedAtMillis == 0
                                ? -1L
                                : (System.currentTimeMillis() - swappedAtMillis) / 1000);
        metrics.gauge("modelVersion", this::servedVersion);
        metrics.gauge(
                "modelLoadMillis", () -> scoring.model() == null ? 0L : scoring.model().loadMillis);
        metrics.gauge("awaitingModel", () -> scoring.model() == null ? bundle().size() : 0);

        loads = new ArrayDeque<>();
        loader =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t =
                                    new Thread(
                                            r, "model-loader-" + getOperatorName() + "-" + subtask);
                            t.setDaemon(true);
                            return t;
                        });
        // what to serve first: the model this job served before a restore, else the configured one;
        // then the announcements that were still loading when the snapshot was taken, in version
        // order
        ModelAnnouncement restored = models.get(ACTIVE);
        if (restored != null
                && config.initialBundle != null
                && config.initialVersion > restored.version) {
            // an upgrade: the job was resubmitted from a savepoint with a newer configured model,
            // which supersedes the restored one (a configured version not above the restored one is
            // a plain restart: no effect)
            models.remove(ACTIVE);
            restored = null;
        }
        if (restored != null) {
            submit(restored);
        } else if (config.initialBundle != null) {
            submit(new ModelAnnouncement(config.initialVersion, config.initialBundle));
        }
        List<ModelAnnouncement> queued = new ArrayList<>();
        for (Map.Entry<String, ModelAnnouncement> e : models.entries()) {
            if (e.getKey().startsWith(QUEUED)) {
                queued.add(e.getValue());
            }
        }
        queued.sort((a, b) -> Long.compare(a.version, b.version));
        for (ModelAnnouncement a : queued) {
            if (a.version > newestVersion()) {
                submit(a);
            } else {
                models.remove(QUEUED + a.version); // superseded by the restored model
            }
        }
    }

    @Override
    public void processElement1(StreamRecord<SourceHistory> element) throws Exception {
        addInput(element);
    }

    /** Back-pressure while the first model loads, instead of an unbounded buffer. */
    @Override
    protected void bundleFull() throws Exception {
        awaitFirstModel();
        finishBundle();
    }

    /**
     * The batch boundary: a model that has finished loading takes over here, then the batch is
     * scored.
     */
    @Override
    protected void finishBundle() throws Exception {
        resolveLoads(false);
        super.finishBundle();
    }

    @Override
    public void processElement2(StreamRecord<ModelAnnouncement> element) throws Exception {
        ModelAnnouncement a = element.getValue();
        long newest = newestVersion();
        if (a.version <= newest) {
            ignored.inc();
            LOG.info("subtask {}: ignoring {}: not newer than version {}", subtask, a, newest);
            report(
                    a,
                    "version "
                            + a.version
                            + " is not newer than version "
                            + newest
                            + " (served or loading)");
            return;
        }
        models.put(QUEUED + a.version, a);
        submit(a);
    }

    /** Ignored: announcements carry no event time (see the class comment). */
    @Override
    public void processWatermark2(Watermark mark) {}

    /** The watermark of input 1 is the operator's: the batch is scored before it is forwarded. */
    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        processWatermark(mark);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<SourceHistory> pending = new ArrayList<>(bundle().size());
        for (ScoringBundleFunction.Pending p :
                bundle().values()) { // non-empty only while no model has loaded
            pending.add(p.history());
        }
        awaiting.update(pending);
    }

    @Override
    public void endInput(int inputId) throws Exception {
        if (inputId == 1) {
            awaitFirstModel();
            finishBundle();
        }
    }

    @Override
    public void finish() throws Exception {
        resolveLoads(true); // a bounded run ends serving the newest model that loads
        finishBundle();
        if (!bundle().isEmpty()) {
            String reason =
                    "no model could be loaded: "
                            + bundle().size()
                            + " profile updates left unscored";
            LOG.error("subtask {}: {}", subtask, reason);
            reportFromThisSubtask(
                    new ModelAnnouncement(-1, null), reason); // each subtask's own updates
        }
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            cancel(pollTimer);
            if (loader != null) {
                loader.shutdownNow();
            }
        } finally {
            super.close();
        }
    }

    /**
     * The version served by this subtask, −1 before the first model (for tests; the metric is
     * {@code modelVersion}).
     */
    long servedVersion() {
        return scoring.model() == null ? -1 : scoring.model().version();
    }

    private void submit(ModelAnnouncement a) {
        loads.addLast(new Load(a, loader.submit(() -> ServingModel.load(a, config))));
        schedulePoll();
    }

    /** The newest version served or loading; −1 when none. */
    private long newestVersion() {
        long v = servedVersion();
        for (Load l : loads) {
            v = Math.max(v, l.announcement.version);
        }
        return v;
    }

    private void schedulePoll() {
        if (pollTimer != null || loads.isEmpty()) {
            return;
        }
        long at = getProcessingTimeService().getCurrentProcessingTime() + config.pollMillis;
        pollTimer =
                getProcessingTimeService()
                        .registerTimer(
                                at,
                                t -> {
                                    pollTimer = null;
                                    boolean first = scoring.model() == null;
                                    resolveLoads(false);
                                    if (first && scoring.model() != null && !bundle().isEmpty()) {
                                        finishBundle(); // updates that waited for the first model
                                    }
                                });
    }

    /** Blocks until a model serves or every queued load has failed. */
    private void awaitFirstModel() throws Exception {
        while (scoring.model() == null && !loads.isEmpty()) {
            resolve(loads.pollFirst());
        }
    }

    /** Applies finished loads in announcement order ({@code block}: waits for all of them). */
    private void resolveLoads(boolean block) throws Exception {
        if (loads == null) {
            return;
        }
        while (!loads.isEmpty() && (block || loads.peekFirst().model.isDone())) {
            resolve(loads.pollFirst());
        }
        schedulePoll();
    }

    private void resolve(Load l) throws Exception {
        models.remove(QUEUED + l.announcement.version);
        ServingModel m;
        try {
            m = l.model.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            loadFailures.inc();
            ServingModel active = scoring.model();
            if (active == null && l.announcement.equals(models.get(ACTIVE))) {
                models.remove(ACTIVE); // the restored model is gone: do not restore it again
                if (config.initialBundle != null
                        && loads.isEmpty()) { // fall back to the configured model
                    submit(new ModelAnnouncement(config.initialVersion, config.initialBundle));
                }
            }
            String serving =
                    active == null
                            ? "no model serves yet"
                            : "still serving version " + active.version();
            LOG.warn("subtask {}: {} failed to load; {}", subtask, l.announcement, serving, cause);
            report(l.announcement, "bundle failed to load: " + cause + "; " + serving);
            return;
        }
        ServingModel before = scoring.model();
        scoring.serve(m);
        models.put(ACTIVE, m.announcement);
        swaps.inc();
        swappedAtMillis = System.currentTimeMillis();
        // one INFO line per swap (subtask 0; every subtask swaps at its next batch boundary), the
        // others at DEBUG
        String line =
                "subtask {}: serving model version {} from {}, loaded in {} ms off the task thread; was {}";
        Object[] args = {
            subtask,
            m.version(),
            m.announcement.bundle,
            m.loadMillis,
            before == null ? "none" : before.version()
        };
        if (subtask == 0) {
            LOG.info(line, args);
        } else {
            LOG.debug(line, args);
        }
    }

    /**
     * A control error of an announcement: every subtask sees each announcement (broadcast) and
     * judges it the same way, so subtask 0 writes it and the others only count and log it: one
     * record per announcement, not one per subtask. (A bundle that loads on subtask 0 but not on
     * another is then in that subtask's log and {@code modelLoadFailures} only.)
     */
    private void report(ModelAnnouncement a, String reason) {
        if (subtask == 0) {
            reportFromThisSubtask(a, reason);
        }
    }

    private void reportFromThisSubtask(ModelAnnouncement a, String reason) {
        output.collect(
                CONTROL_ERRORS,
                new StreamRecord<>(
                        new ControlError(
                                a.version,
                                a.bundle,
                                reason,
                                a.toJson(),
                                subtask,
                                System.currentTimeMillis())));
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}

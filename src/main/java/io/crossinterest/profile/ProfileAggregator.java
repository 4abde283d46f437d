package io.crossinterest.profile;

import io.crossinterest.event.BehaviorEvent;

import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Per-user aggregation, keyed by user: folds behaviour events into a {@link ProfileState} (the
 * user's row of O, behaviour counts, newest event time, the newest L tokens) held in one {@code
 * ValueState} (RocksDB in STREAMING mode), and emits {@link UserProfile} updates, at most one per
 * user per {@code emitInterval} of event time: when the watermark passes the end of the interval
 * that held max(event time, watermark) at the user's first event since the last update ({@link
 * ProfileState#pendingEmit}); or, with an emit interval of 0, one per event at once (below). A
 * keyed one-input operator rather than a KeyedProcessFunction because the mini-batch below needs to
 * write state of keys other than the current record's.
 *
 * <h2>Mini-batch (STREAMING, {@code maxBufferedUsers} &gt; 0)</h2>
 *
 * A write-back buffer on the heap: the first event of a user since its last write reads the user's
 * state once (RocksDB get); later events of that user fold into the heap copy; the state is written
 * back (one put) and leaves the buffer when the user's update is emitted. So a user costs one get,
 * one put and one update per emission, not a get and a put per event plus a timer, a get and a put
 * per emission. Users whose update is due are indexed by their emission time, so a watermark visits
 * only them. (Keeping emitted users in the buffer until the next flush, one get and one put per
 * stay instead of per emission, was measured and is slower: the buffer then fills to its bound, and
 * on the stream benchmark that cost 20-30 % of throughput, more than the RocksDB calls it saved.
 * Setting the state backend's key only on a buffer miss instead of for every record gained nothing
 * measurable.) The buffer is flushed into state, without emitting,
 *
 * <ul>
 *   <li>before every checkpoint barrier ({@link #prepareSnapshotPreBarrier}): the snapshot holds
 *       everything seen, so the buffer itself needs no state and nothing buffered is lost on
 *       recovery;
 *   <li>when it holds {@code maxBufferedUsers} users (a bound on heap use under live traffic);
 *   <li>at the end of the input, after emitting whatever the last watermark made due.
 * </ul>
 *
 * A user flushed before its update was due gets an event-time timer at {@link
 * ProfileState#pendingEmit} (on the heap timer service, snapshotted with the checkpoint), and the
 * update is emitted when it fires, exactly as without the buffer. The emitted updates and the final
 * state are therefore the same with and without the buffer; only the point where the state reaches
 * RocksDB moves.
 *
 * <p>The buffer is not the bundle operator of {@code io.crossinterest.bundle}, which finishes its
 * whole bundle at every watermark: entries here leave one at a time, each when the watermark passes
 * the user's own emission time, and survive the watermarks (every 200 ms) before it; finished at
 * every watermark, a user would cost a get and a put per watermark period it was active in plus a
 * timer per emission (docs/architecture.md §2.3, "Micro-batching").
 *
 * <h2>Per-event emission (emit interval 0, STREAMING)</h2>
 *
 * The low-latency configuration ({@link ProfileConfig#emitsEveryEvent}): every event is folded in
 * exactly as above and the user's updated profile is emitted at once, in processing order, stamped
 * with the event's own time; no event-time timer, no pending update, no wait for the watermark. The
 * fold is the same, so the state and the profiles are those the interval mode builds from the same
 * events; the cost is one update (and downstream one scoring) per event instead of one per user per
 * interval. With the buffer, an emitted user stays in it (its state is newer than RocksDB's) and is
 * written back once it has had no event for {@value #WRITE_BACK_IDLE_MS} ms (processing time,
 * checked every half of that), or at the next flush (before a barrier, when full, at the end): a
 * burst of events of one user costs one get and one put, not one per event; without the buffer
 * every event is a get, an emission and a put. The idle write-back keeps the flush before a barrier
 * small: the flush holds the barrier, and every event behind it, for as long as it writes. Measured
 * on {@code bench live}'s latency run (2,392 events/s of the realistic replay, checkpoints every 10
 * s), writing back only at the flush left 1,300-3,200 users per subtask for it, 17-75 ms (the
 * {@code barrierFlushMs} and {@code barrierFlushUsers} gauges); with the idle write-back, 124-550
 * users and 0-17 ms. (The scoring stage's wait for the profile subtasks' barriers stayed at 24-85
 * ms: the flush was not the whole of it.) Updates pending in a restored interval-mode snapshot
 * still go out through their timers (or the quiet-input check), or with the user's next event,
 * which clears them.
 *
 * <h2>Without the buffer ({@code maxBufferedUsers} = 0; always in BATCH mode)</h2>
 *
 * Every event is written through (get + put) and a user with a pending update has a timer. BATCH
 * mode needs this: its keyed state backend keeps one key at a time and drops it when the key
 * changes, and it fires a key's timers when the key is done, so a backfill emits exactly one final
 * profile per user.
 *
 * <h2>State layout</h2>
 *
 * <ul>
 *   <li>One {@code ValueState<ProfileState>} ({@value #STATE_NAME}) with the idle-user TTL
 *       (processing time, refreshed on write; RocksDB drops expired entries during compaction). Its
 *       size is bounded by the user's categories and L tokens, not by the number of events.
 *   <li>Timers ({@value #TIMERS}), event time, keyed by user, for updates pending in state rather
 *       than in the buffer.
 * </ul>
 *
 * <h2>Quiet input (STREAMING, {@code maxEmitDelayMs} &gt; 0)</h2>
 *
 * The watermark stops when the input goes quiet (a replay ends, traffic pauses, every partition
 * idles), and the updates it has not made due would wait for the next event. So the operator notes
 * when its watermark last advanced (processing time), and a check every {@link #checkPeriodMs} (at
 * most 1 s) emits every pending update once the watermark has stood still for {@code
 * maxEmitDelayMs}: the buffered ones from the buffer, those in state by visiting the event-time
 * timers (one per such user; the visit sets the timer's key), each with its due time as the
 * record's timestamp, as if the watermark had reached it; the emitted users' timers are then
 * deleted. So an update goes out at the latest maxEmitDelay + one check period after the watermark
 * last advanced, and the bound costs nothing per event (no timer per update: a replay that makes
 * millions of updates pending within a minute would keep as many). The next emission waits for a
 * newly pending update, so a long quiet spell costs one visit. Under live traffic the watermark
 * advances all the time and the check does nothing. After a restore the watermark starts again from
 * nothing, so a quiet restored job emits what was pending before the failure.
 *
 * <p>The result is independent of arrival order (see {@link ProfileState}), so BATCH and STREAMING
 * runs over the same events give the same final profiles.
 */
public class ProfileAggregator extends AbstractStreamOperator<UserProfile>
        implements OneInputStreamOperator<BehaviorEvent, UserProfile>,
                Triggerable<String, VoidNamespace>,
                BoundedOneInput {
    private static final long serialVersionUID = 2L;

    /** The operator's uid: never change it, savepoints find the state by it. */
    public static final String UID = "profile-aggregate";

    public static final String NAME = "aggregate profiles";

    /** Name of the keyed value state (the same since the first release). */
    public static final String STATE_NAME = "profile";

    /** Name of the timer service (that of a KeyedProcessFunction, which the first release was). */
    static final String TIMERS = "user-timers";

    private final ProfileConfig config;
    private final int maxBufferedUsers;
    private final long maxEmitDelayMs;

    /** Emit interval 0: every event's update goes out at once. */
    private final boolean perEvent;

    /**
     * Emit interval 0 with the buffer: a buffered user with no event for this long (processing
     * time) is written back.
     */
    static final long WRITE_BACK_IDLE_MS = 250;

    private transient ValueState<ProfileState> profile;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient StreamRecord<UserProfile> outRecord;

    /** Users whose state is newer here than in {@link #profile}. */
    private transient Map<String, ProfileState> buffered;

    /** Buffered users whose update is not covered by a timer, by emission time. */
    private transient NavigableMap<Long, List<String>> due;

    /**
     * Emit interval 0 with the buffer: the processing time of each buffered user's last event,
     * oldest first (access order), so the idle write-back visits only the users it writes.
     */
    private transient LinkedHashMap<String, Long> lastEventAt;

    private transient Counter eventsIn;
    private transient Counter profilesOut;
    private transient Counter earlyFlushes;
    private transient Counter stateReads;
    private transient Counter stateWrites;
    private transient Counter quietEmits;
    private transient Counter idleWriteBacks;

    /** The last flush before a checkpoint barrier: how long it took (ms), how many users. */
    private transient volatile long barrierFlushMs;

    private transient volatile long barrierFlushUsers;

    /** Processing time when the watermark last advanced (or the operator opened). */
    private transient long watermarkMovedAt;

    /**
     * Whether an update became pending (or state was restored) since the last quiet-input emission.
     */
    private transient boolean newlyPending;

    /**
     * @param maxBufferedUsers bound of the mini-batch buffer in users; 0 = write every event
     *     through (BATCH mode)
     */
    public ProfileAggregator(ProfileConfig config, int maxBufferedUsers) {
        this(config, maxBufferedUsers, 0);
    }

    /**
     * @param maxBufferedUsers bound of the mini-batch buffer in users; 0 = write every event
     *     through (BATCH mode)
     * @param maxEmitDelayMs pending updates are emitted once the watermark has not advanced for
     *     this long (processing time); 0 = only when the watermark passes them (BATCH mode)
     */
    public ProfileAggregator(ProfileConfig config, int maxBufferedUsers, long maxEmitDelayMs) {
        if (maxBufferedUsers < 0) {
            throw new IllegalArgumentException(
                    "maxBufferedUsers must be >= 0: " + maxBufferedUsers);
        }
        if (maxEmitDelayMs < 0) {
            throw new IllegalArgumentException("maxEmitDelayMs must be >= 0: " + maxEmitDelayMs);
        }
        this.config = config;
        this.maxBufferedUsers = maxBufferedUsers;
        this.maxEmitDelayMs = maxEmitDelayMs;
        this.perEvent = config.emitsEveryEvent();
        this.chainingStrategy = ChainingStrategy.ALWAYS;
    }

    /** The state descriptor, also for tools that read savepoints. */
    public static ValueStateDescriptor<ProfileState> profileDescriptor() {
        return new ValueStateDescriptor<>(STATE_NAME, ProfileStateSerializer.INSTANCE);
    }

    /**
     * The descriptor as this operator registers it under {@code config}: with the idle-user TTL
     * when the config has one (a savepoint written for this operator must match: {@link
     * ProfileStateBootstrap}).
     */
    public static ValueStateDescriptor<ProfileState> profileDescriptor(ProfileConfig config) {
        ValueStateDescriptor<ProfileState> pd = profileDescriptor();
        if (config.idleTtl() != null) {
            pd.enableTimeToLive(
                    StateTtlConfig.newBuilder(config.idleTtl())
                            .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                            .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                            .cleanupInRocksdbCompactFilter(1000)
                            .build());
        }
        return pd;
    }

    @Override
    public void open() throws Exception {
        super.open();
        profile = getKeyedStateStore().getState(profileDescriptor(config));
        timers = getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        outRecord = new StreamRecord<>(null);
        buffered = new HashMap<>();
        due = new TreeMap<>();
        eventsIn = getMetricGroup().counter("eventsAggregated");
        profilesOut = getMetricGroup().counter("profileUpdates");
        earlyFlushes = getMetricGroup().counter("earlyFlushes");
        stateReads = getMetricGroup().counter("stateReads");
        stateWrites = getMetricGroup().counter("stateWrites");
        quietEmits = getMetricGroup().counter("profileUpdatesOnQuietInput");
        idleWriteBacks = getMetricGroup().counter("idleWriteBacks");
        // the flush holds the barrier (and every event behind it) for its duration
        getMetricGroup().gauge("barrierFlushMs", () -> barrierFlushMs);
        getMetricGroup().gauge("barrierFlushUsers", () -> barrierFlushUsers);
        if (maxEmitDelayMs > 0) {
            watermarkMovedAt = getProcessingTimeService().getCurrentProcessingTime();
            newlyPending = true; // restored timers may be pending
            scheduleQuietCheck(watermarkMovedAt + checkPeriodMs());
        }
        if (perEvent && maxBufferedUsers > 0) {
            lastEventAt = new LinkedHashMap<>(16, 0.75f, true);
            scheduleIdleWriteBack(
                    getProcessingTimeService().getCurrentProcessingTime() + WRITE_BACK_IDLE_MS / 2);
        }
    }

    @Override
    public void processElement(StreamRecord<BehaviorEvent> record) throws Exception {
        BehaviorEvent e = record.getValue();
        eventsIn.inc();
        if (maxBufferedUsers == 0) {
            ProfileState s = read();
            fold(s, e);
            if (perEvent) {
                emit(e.user, s, e.timestamp);
            } else if (markPending(s, e)) {
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, s.pendingEmit);
                newlyPending = true;
            }
            write(s);
            return;
        }
        String user = e.user;
        ProfileState s = buffered.get(user);
        if (s == null) {
            s = read(); // the current key is the record's
            buffered.put(user, s);
        }
        fold(s, e);
        if (perEvent) {
            emit(user, s, e.timestamp); // the user stays buffered: written back when idle
            lastEventAt.put(user, getProcessingTimeService().getCurrentProcessingTime());
        } else if (markPending(s, e)) {
            due.computeIfAbsent(s.pendingEmit, t -> new ArrayList<>()).add(user);
            newlyPending = true;
        }
        if (buffered.size() >= maxBufferedUsers) {
            flush();
            earlyFlushes.inc();
        }
    }

    /** The current key's state (a new one for a new user, or one whose state expired). */
    private ProfileState read() throws Exception {
        stateReads.inc();
        ProfileState s = profile.value();
        return s != null ? s : new ProfileState();
    }

    /** Writes {@code s} as the current key's state. */
    private void write(ProfileState s) throws Exception {
        stateWrites.inc();
        profile.update(s);
    }

    /** Folds {@code e} into {@code s}: scores, counts, newest time, tokens (both modes). */
    private void fold(ProfileState s, BehaviorEvent e) {
        s.add(e, config.weights().of(e), config.halfLifeMs());
        s.addToken(e, config.sequenceLength());
    }

    /**
     * Interval mode, after {@code e} was folded into {@code s}: true when this starts a pending
     * update (then at s.pendingEmit).
     */
    private boolean markPending(ProfileState s, BehaviorEvent e) {
        if (s.pendingEmit != ProfileState.NONE) {
            return false;
        }
        // the end of the emit interval holding max(event time, watermark), so a late event is
        // emitted at the next one
        long t = Math.max(e.timestamp, timers.currentWatermark());
        long interval = config.emitIntervalMs();
        s.pendingEmit = Math.floorDiv(t, interval) * interval + interval - 1;
        return true;
    }

    /**
     * Every half of {@link #WRITE_BACK_IDLE_MS}: the buffered users without an event for that long
     * are written back and leave the buffer (a user with an update pending from a restored
     * interval-mode snapshot gets its timer, as in {@link #flush}).
     */
    private void scheduleIdleWriteBack(long at) {
        getProcessingTimeService()
                .registerTimer(
                        at,
                        t -> {
                            Iterator<Map.Entry<String, Long>> it =
                                    lastEventAt.entrySet().iterator();
                            while (it.hasNext()) {
                                Map.Entry<String, Long> last = it.next();
                                if (last.getValue() > t - WRITE_BACK_IDLE_MS) {
                                    break; // the rest had an event more recently
                                }
                                it.remove();
                                ProfileState s = buffered.remove(last.getKey());
                                if (s != null) { // else it left the buffer with an emission
                                    writeBack(last.getKey(), s);
                                    idleWriteBacks.inc();
                                }
                            }
                            scheduleIdleWriteBack(t + WRITE_BACK_IDLE_MS / 2);
                        });
    }

    /**
     * How often the quiet-input check runs: a quarter of maxEmitDelay, at most 1 s, at least 1 ms.
     */
    long checkPeriodMs() {
        return Math.max(1, Math.min(1000, maxEmitDelayMs / 4));
    }

    /** The next quiet-input check, at {@code at}, then every check period after it. */
    private void scheduleQuietCheck(long at) {
        getProcessingTimeService()
                .registerTimer(
                        at,
                        t -> {
                            if (newlyPending && t - watermarkMovedAt >= maxEmitDelayMs) {
                                newlyPending = false;
                                emitAllPending();
                            }
                            scheduleQuietCheck(t + checkPeriodMs());
                        });
    }

    /**
     * The watermark has stood still for maxEmitDelay: every pending update goes out now, the
     * buffered ones due without a timer first, then those with a timer (in state, or back in the
     * buffer after an early flush: the buffer's copy is the newer), as {@link #onEventTime} would.
     * A timer whose user has nothing pending at its time (emitted meanwhile, or expired) is passed
     * over.
     */
    private void emitAllPending() throws Exception {
        if (maxBufferedUsers > 0 && !due.isEmpty()) {
            long before = profilesOut.getCount();
            emitDue(Long.MAX_VALUE);
            quietEmits.inc(profilesOut.getCount() - before);
        }
        List<String> emitted = new ArrayList<>();
        List<Long> emittedAt = new ArrayList<>();
        timers.forEachEventTimeTimer(
                (namespace, at) -> {
                    String user = (String) getCurrentKey(); // set by the visit
                    ProfileState s =
                            buffered.get(
                                    user); // newer than the state if the user came back after an
                    // early flush
                    boolean inBuffer = s != null;
                    if (!inBuffer) {
                        stateReads.inc();
                        s = profile.value();
                    }
                    if (s != null && s.pendingEmit == at) {
                        emit(user, s, at);
                        quietEmits.inc();
                        if (inBuffer) {
                            buffered.remove(user);
                        }
                        write(s);
                        emitted.add(user);
                        emittedAt.add(at);
                    }
                });
        // their timers would only fire on nothing pending: removed after the visit (not during it),
        // so a later emission does not visit them again
        for (int i = 0; i < emitted.size(); i++) {
            setCurrentKey(emitted.get(i));
            timers.deleteEventTimeTimer(VoidNamespace.INSTANCE, emittedAt.get(i));
        }
    }

    /**
     * Emits the buffered users due by {@code mark}, writes them back, then lets the timers and the
     * mark through.
     */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (maxEmitDelayMs > 0 && mark.getTimestamp() > timers.currentWatermark()) {
            watermarkMovedAt = getProcessingTimeService().getCurrentProcessingTime();
        }
        if (maxBufferedUsers > 0) {
            emitDue(mark.getTimestamp());
        }
        super.processWatermark(mark);
    }

    private void emitDue(long watermark) throws Exception {
        Iterator<Map.Entry<Long, List<String>>> it =
                due.headMap(watermark, true).entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, List<String>> d = it.next();
            long at = d.getKey();
            for (String user : d.getValue()) {
                ProfileState s = buffered.remove(user);
                setCurrentKey(user);
                emit(user, s, at);
                write(s);
            }
            it.remove();
        }
    }

    /** Writes every buffered user to state; those with a pending update get a timer for it. */
    private void flush() throws Exception {
        for (Map.Entry<String, ProfileState> b : buffered.entrySet()) {
            writeBack(b.getKey(), b.getValue());
        }
        buffered.clear();
        due.clear();
        if (lastEventAt != null) {
            lastEventAt.clear();
        }
    }

    /** Writes a user leaving the buffer to state; a pending update gets a timer for it. */
    private void writeBack(String user, ProfileState s) throws Exception {
        setCurrentKey(user);
        write(s);
        if (s.pendingEmit != ProfileState.NONE) {
            timers.registerEventTimeTimer(
                    VoidNamespace.INSTANCE, s.pendingEmit); // a no-op if it exists
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        if (maxBufferedUsers > 0) {
            long start = System.nanoTime();
            int users = buffered.size();
            flush();
            barrierFlushMs = (System.nanoTime() - start) / 1_000_000;
            barrierFlushUsers = users;
        }
    }

    @Override
    public void endInput() throws Exception {
        if (maxBufferedUsers > 0) {
            emitDue(timers.currentWatermark());
            flush();
        }
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        String user = timer.getKey();
        ProfileState s =
                buffered.get(
                        user); // newer than the state if the user came back after an early flush
        boolean inBuffer = s != null;
        if (!inBuffer) {
            s = profile.value();
        }
        long at = timer.getTimestamp();
        if (s == null || s.pendingEmit != at) {
            return; // expired meanwhile, or a stale timer
        }
        emit(user, s, at);
        if (inBuffer) {
            buffered.remove(user);
        }
        write(s);
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        throw new IllegalStateException("no processing-time timers are registered");
    }

    /** Users in the buffer now. */
    int bufferedUsers() {
        return buffered.size();
    }

    /**
     * State reads (RocksDB gets) so far: one per user per emission with the buffer (per flush with
     * per-event emission), one per event without it.
     */
    long stateReads() {
        return stateReads.getCount();
    }

    /** State writes (RocksDB puts) so far. */
    long stateWrites() {
        return stateWrites.getCount();
    }

    private void emit(String user, ProfileState s, long at) {
        output.collect(outRecord.replace(UserProfile.of(user, s), at));
        profilesOut.inc();
        // cleared in state, not inferred from the watermark: after a restore the watermark starts
        // again from Long.MIN_VALUE while the restored timers and marks are in the past
        s.pendingEmit = ProfileState.NONE;
    }
}

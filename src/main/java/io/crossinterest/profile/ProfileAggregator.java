package io.crossinterest.profile;

import io.crossinterest.event.BehaviorEvent;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
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
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Per-user aggregation, keyed by user: folds behaviour events into a {@link ProfileState} (the user's row of O,
 * behaviour counts, newest event time, the newest L tokens) held in one {@code ValueState} (RocksDB in STREAMING
 * mode), and emits {@link UserProfile} updates, at most one per user per {@code emitInterval} of event time: when the
 * watermark passes the end of the interval that held max(event time, watermark) at the user's first event since the
 * last update ({@link ProfileState#pendingEmit}). A keyed one-input operator rather than a KeyedProcessFunction because
 * the mini-batch below needs to write state of keys other than the current record's.
 *
 * <h2>Mini-batch (STREAMING, {@code maxBufferedUsers} &gt; 0)</h2>
 *
 * A write-back buffer on the heap: the first event of a user since its last write reads the user's state once
 * (RocksDB get); later events of that user fold into the heap copy; the state is written back (one put) and leaves the
 * buffer when the user's update is emitted. So a user costs one get, one put and one update per emission, not a get
 * and a put per event plus a timer, a get and a put per emission. Users whose update is due are indexed by their
 * emission time, so a watermark visits only them. (Keeping emitted users in the buffer until the next flush, one get
 * and one put per stay instead of per emission, was measured and is slower: the buffer then fills to its bound, and
 * on the stream benchmark that cost 20-30 % of throughput, more than the RocksDB calls it saved. Setting the state
 * backend's key only on a buffer miss instead of for every record gained nothing measurable.) The buffer is flushed
 * into state, without emitting,
 *
 * <ul>
 *   <li>before every checkpoint barrier ({@link #prepareSnapshotPreBarrier}): the snapshot holds everything seen, so
 *       the buffer itself needs no state and nothing buffered is lost on recovery;
 *   <li>when it holds {@code maxBufferedUsers} users (a bound on heap use under live traffic);
 *   <li>at the end of the input, after emitting whatever the last watermark made due.
 * </ul>
 *
 * A user flushed before its update was due gets an event-time timer at {@link ProfileState#pendingEmit} (on the heap
 * timer service, snapshotted with the checkpoint), and the update is emitted when it fires, exactly as without the
 * buffer. The emitted updates and the final state are therefore the same with and without the buffer; only the point
 * where the state reaches RocksDB moves.
 *
 * <h2>Without the buffer ({@code maxBufferedUsers} = 0; always in BATCH mode)</h2>
 *
 * Every event is written through (get + put) and a user with a pending update has a timer. BATCH mode needs this: its
 * keyed state backend keeps one key at a time and drops it when the key changes, and it fires a key's timers when the
 * key is done, so a backfill emits exactly one final profile per user.
 *
 * <h2>State layout</h2>
 *
 * <ul>
 *   <li>One {@code ValueState<ProfileState>} ({@value #STATE_NAME}) with the idle-user TTL (processing time, refreshed
 *       on write; RocksDB drops expired entries during compaction). Its size is bounded by the user's categories and L
 *       tokens, not by the number of events.
 *   <li>Timers ({@value #TIMERS}), event time, keyed by user, for updates pending in state rather than in the buffer.
 * </ul>
 *
 * <h2>Emission deadline (STREAMING, {@code maxEmitDelayMs} &gt; 0)</h2>
 *
 * The watermark stops when the input goes quiet (a replay ends, traffic pauses), and the updates it has not yet made
 * due would wait for the next event. So each pending update also gets a processing-time timer ({@value #DEADLINES},
 * namespace = the update's time {@link ProfileState#pendingEmit}) at the processing time of the event that made it
 * pending + {@code maxEmitDelayMs}: if it is still pending then, it is emitted there. Under live traffic the watermark
 * is first (emit interval + out-of-orderness after the event); the deadline only bounds the delay. The timers are
 * snapshotted, so a restored job emits what was pending before the failure.
 *
 * The result is independent of arrival order (see {@link ProfileState}), so BATCH and STREAMING runs over the same
 * events give the same final profiles.
 */
public class ProfileAggregator extends AbstractStreamOperator<UserProfile>
        implements OneInputStreamOperator<BehaviorEvent, UserProfile>, Triggerable<String, VoidNamespace>,
        BoundedOneInput {
    private static final long serialVersionUID = 2L;

    /** The operator's uid: never change it, savepoints find the state by it. */
    public static final String UID = "profile-aggregate";
    public static final String NAME = "aggregate profiles";
    /** Name of the keyed value state (the same since the first release). */
    public static final String STATE_NAME = "profile";
    /** Name of the timer service (that of a KeyedProcessFunction, which the first release was). */
    static final String TIMERS = "user-timers";
    /** Name of the processing-time timer service of the emission deadlines (namespace: the pending update's time). */
    static final String DEADLINES = "emit-deadlines";

    private final ProfileConfig config;
    private final int maxBufferedUsers;
    private final long maxEmitDelayMs;

    private transient ValueState<ProfileState> profile;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient InternalTimerService<Long> deadlines;
    private transient StreamRecord<UserProfile> outRecord;
    /** Users whose state is newer here than in {@link #profile}. */
    private transient Map<String, ProfileState> buffered;
    /** Buffered users whose update is not covered by a timer, by emission time. */
    private transient NavigableMap<Long, List<String>> due;
    private transient Counter eventsIn;
    private transient Counter profilesOut;
    private transient Counter earlyFlushes;
    private transient Counter stateReads;
    private transient Counter stateWrites;
    private transient Counter deadlineEmits;

    /**
     * @param maxBufferedUsers bound of the mini-batch buffer in users; 0 = write every event through (BATCH mode)
     */
    public ProfileAggregator(ProfileConfig config, int maxBufferedUsers) {
        this(config, maxBufferedUsers, 0);
    }

    /**
     * @param maxBufferedUsers bound of the mini-batch buffer in users; 0 = write every event through (BATCH mode)
     * @param maxEmitDelayMs a pending update is emitted at the latest this long (processing time) after the event that
     *     made it pending; 0 = only when the watermark passes it (BATCH mode)
     */
    public ProfileAggregator(ProfileConfig config, int maxBufferedUsers, long maxEmitDelayMs) {
        if (maxBufferedUsers < 0) {
            throw new IllegalArgumentException("maxBufferedUsers must be >= 0: " + maxBufferedUsers);
        }
        if (maxEmitDelayMs < 0) {
            throw new IllegalArgumentException("maxEmitDelayMs must be >= 0: " + maxEmitDelayMs);
        }
        this.config = config;
        this.maxBufferedUsers = maxBufferedUsers;
        this.maxEmitDelayMs = maxEmitDelayMs;
        this.chainingStrategy = ChainingStrategy.ALWAYS;
    }

    /** The state descriptor, also for tools that read savepoints. */
    public static ValueStateDescriptor<ProfileState> profileDescriptor() {
        return new ValueStateDescriptor<>(STATE_NAME, ProfileStateSerializer.INSTANCE);
    }

    /**
     * The descriptor as this operator registers it under {@code config}: with the idle-user TTL when the config has
     * one (a savepoint written for this operator must match: {@link ProfileStateBootstrap}).
     */
    public static ValueStateDescriptor<ProfileState> profileDescriptor(ProfileConfig config) {
        ValueStateDescriptor<ProfileState> pd = profileDescriptor();
        if (config.idleTtl() != null) {
            pd.enableTimeToLive(StateTtlConfig.newBuilder(config.idleTtl())
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
        deadlines = getInternalTimerService(DEADLINES, LongSerializer.INSTANCE, new Triggerable<String, Long>() {
            @Override
            public void onEventTime(InternalTimer<String, Long> timer) {
                throw new IllegalStateException("no event-time deadlines are registered");
            }

            @Override
            public void onProcessingTime(InternalTimer<String, Long> timer) throws Exception {
                emitAtDeadline(timer.getKey(), timer.getNamespace());
            }
        });
        outRecord = new StreamRecord<>(null);
        buffered = new HashMap<>();
        due = new TreeMap<>();
        eventsIn = getMetricGroup().counter("eventsAggregated");
        profilesOut = getMetricGroup().counter("profileUpdates");
        earlyFlushes = getMetricGroup().counter("earlyFlushes");
        stateReads = getMetricGroup().counter("stateReads");
        stateWrites = getMetricGroup().counter("stateWrites");
        deadlineEmits = getMetricGroup().counter("profileUpdatesAtDeadline");
    }

    @Override
    public void processElement(StreamRecord<BehaviorEvent> record) throws Exception {
        BehaviorEvent e = record.getValue();
        eventsIn.inc();
        if (maxBufferedUsers == 0) {
            ProfileState s = read();
            if (fold(s, e)) {
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, s.pendingEmit);
                registerDeadline(s.pendingEmit);
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
        if (fold(s, e)) {
            due.computeIfAbsent(s.pendingEmit, t -> new ArrayList<>()).add(user);
            registerDeadline(s.pendingEmit);
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

    /** Folds {@code e} into {@code s}; true when this starts a pending update (then at s.pendingEmit). */
    private boolean fold(ProfileState s, BehaviorEvent e) {
        s.add(e, config.weights().of(e), config.halfLifeMs());
        s.addToken(e, config.sequenceLength());
        if (s.pendingEmit != ProfileState.NONE) {
            return false;
        }
        // the end of the emit interval holding max(event time, watermark), so a late event is emitted at the next one
        long t = Math.max(e.timestamp, timers.currentWatermark());
        long interval = config.emitIntervalMs();
        s.pendingEmit = Math.floorDiv(t, interval) * interval + interval - 1;
        return true;
    }

    /** The current key's pending update (due at {@code pendingEmit}) goes out by now + maxEmitDelay at the latest. */
    private void registerDeadline(long pendingEmit) {
        if (maxEmitDelayMs > 0) {
            deadlines.registerProcessingTimeTimer(pendingEmit,
                    getProcessingTimeService().getCurrentProcessingTime() + maxEmitDelayMs);
        }
    }

    /**
     * A deadline: emits the user's update if the one due at {@code pendingEmit} is still pending (the watermark may
     * have emitted it meanwhile, and a later event then started another one, due later). The record's timestamp is
     * {@code pendingEmit}, as if the watermark had emitted it; its event timer or buffer entry then finds nothing
     * pending at that time and does nothing.
     */
    private void emitAtDeadline(String user, long pendingEmit) throws Exception {
        ProfileState s = buffered.get(user);
        boolean inBuffer = s != null;
        if (!inBuffer) {
            stateReads.inc();
            s = profile.value();
        }
        if (s == null || s.pendingEmit != pendingEmit) {
            return;
        }
        emit(user, s, pendingEmit);
        deadlineEmits.inc();
        if (inBuffer) {
            buffered.remove(user);
            List<String> sameTime = due.get(pendingEmit);
            if (sameTime != null) {
                sameTime.remove(user);
                if (sameTime.isEmpty()) {
                    due.remove(pendingEmit);
                }
            }
        }
        write(s);
    }

    /** Emits the buffered users due by {@code mark}, writes them back, then lets the timers and the mark through. */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (maxBufferedUsers > 0) {
            emitDue(mark.getTimestamp());
        }
        super.processWatermark(mark);
    }

    private void emitDue(long watermark) throws Exception {
        Iterator<Map.Entry<Long, List<String>>> it = due.headMap(watermark, true).entrySet().iterator();
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
            ProfileState s = b.getValue();
            setCurrentKey(b.getKey());
            write(s);
            if (s.pendingEmit != ProfileState.NONE) {
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, s.pendingEmit); // a no-op if it exists
            }
        }
        buffered.clear();
        due.clear();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        if (maxBufferedUsers > 0) {
            flush();
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
        ProfileState s = buffered.get(user); // newer than the state if the user came back after an early flush
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

    /** State reads (RocksDB gets) so far: one per user per emission with the buffer, one per event without it. */
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
        // cleared in state, not inferred from the watermark: after a restore the watermark starts again from
        // Long.MIN_VALUE while the restored timers and marks are in the past
        s.pendingEmit = ProfileState.NONE;
    }
}

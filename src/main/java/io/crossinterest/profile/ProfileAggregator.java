package io.crossinterest.profile;

import io.crossinterest.event.BehaviorEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;


/**
 * Per-user aggregation, keyed by user: folds behaviour events into a {@link ProfileState} (the user's row of O,
 * behaviour counts, newest event time, the newest L tokens) and emits {@link UserProfile} updates.
 *
 * <h2>State layout (chosen for RocksDB throughput)</h2>
 *
 * <ul>
 *   <li>One {@code ValueState<ProfileState>}: a POJO of primitive arrays and String[] (PojoSerializer, no Kryo). Per
 *       event: one RocksDB get and one put, nothing else. Its size is bounded by the user's categories and L tokens,
 *       not by the number of events. Measured against the alternatives: a MapState per category needs the same get and
 *       put per event plus a scan to carry every category forward in event time; a separate ListState of tokens
 *       (append = merge without a read) adds a third write per event and a read per emission, which cost more than
 *       deserialising the few tokens of a typical user in the same value.
 *   <li>An event-time timer per user with pending changes, on the heap timer service (see {@code Environments}):
 *       updates are emitted once per {@code emitInterval} of event time per user, when the watermark passes the end of
 *       the interval holding the user's newest event, not once per event; the emission reads the state and clears its
 *       pending mark (one get and one put per emission, not per event). In BATCH mode timers fire at
 *       the end of each key, so a backfill emits exactly one final profile per user; a bounded STREAMING run gets
 *       its last updates from the final watermark.
 * </ul>
 *
 * The state carries the idle-user TTL (processing time, refreshed on write; RocksDB drops expired entries during
 * compaction). The result is independent of arrival order (see {@link ProfileState}), so BATCH and STREAMING runs over
 * the same events give the same final profiles.
 */
public class ProfileAggregator extends KeyedProcessFunction<String, BehaviorEvent, UserProfile> {
    private static final long serialVersionUID = 1L;

    /** The operator's uid: never change it, savepoints find the state by it. */
    public static final String UID = "profile-aggregate";
    public static final String NAME = "aggregate profiles";

    private final ProfileConfig config;

    private transient ValueState<ProfileState> profile;
    private transient Counter eventsIn;
    private transient Counter profilesOut;

    public ProfileAggregator(ProfileConfig config) {
        this.config = config;
    }

    /** The state descriptor, also for tools that read savepoints. */
    public static ValueStateDescriptor<ProfileState> profileDescriptor() {
        return new ValueStateDescriptor<>("profile", TypeInformation.of(ProfileState.class));
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<ProfileState> pd = profileDescriptor();
        if (config.idleTtl() != null) {
            pd.enableTimeToLive(StateTtlConfig.newBuilder(config.idleTtl())
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .cleanupInRocksdbCompactFilter(1000)
                    .build());
        }
        profile = getRuntimeContext().getState(pd);
        eventsIn = getRuntimeContext().getMetricGroup().counter("eventsAggregated");
        profilesOut = getRuntimeContext().getMetricGroup().counter("profileUpdates");
    }

    @Override
    public void processElement(BehaviorEvent e, Context ctx, Collector<UserProfile> out) throws Exception {
        ProfileState s = profile.value();
        if (s == null) {
            s = new ProfileState(); // a new user, or one whose state expired
        }
        s.add(e, config.weights().of(e), config.halfLifeMs());
        s.addToken(e, config.sequenceLength());
        if (s.pendingEmit == ProfileState.NONE) {
            // no timer pending: one at the end of the emit interval holding max(event time, watermark), so a late
            // event is emitted at the next interval
            long t = Math.max(e.timestamp, ctx.timerService().currentWatermark());
            long interval = config.emitIntervalMs();
            long at = Math.floorDiv(t, interval) * interval + interval - 1;
            ctx.timerService().registerEventTimeTimer(at);
            s.pendingEmit = at;
        }
        profile.update(s);
        eventsIn.inc();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<UserProfile> out) throws Exception {
        ProfileState s = profile.value();
        if (s == null || s.pendingEmit != timestamp) {
            return; // expired meanwhile, or a stale timer
        }
        out.collect(UserProfile.of(ctx.getCurrentKey(), s));
        profilesOut.inc();
        // cleared in state, not inferred from the watermark: after a restore the watermark starts again from
        // Long.MIN_VALUE while the restored timers and marks are in the past
        s.pendingEmit = ProfileState.NONE;
        profile.update(s);
    }
}

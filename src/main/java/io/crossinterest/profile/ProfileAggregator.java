package io.crossinterest.profile;

import io.crossinterest.event.BehaviorEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-user aggregation, keyed by user: folds behaviour events into a {@link ProfileState} (the user's row of O,
 * behaviour counts, newest event time) and a list of recent {@link Token}s, and emits {@link UserProfile} updates.
 *
 * <h2>State layout (chosen for RocksDB throughput)</h2>
 *
 * <ul>
 *   <li>{@code profile}: {@code ValueState<ProfileState>}, a POJO of primitive arrays (PojoSerializer, no Kryo); one
 *       RocksDB get and one put per event. Its size is the number of categories of the user (a few dozen doubles),
 *       not the number of events, so the per-event (de)serialisation is small. A MapState per category would need the
 *       same get and put per event plus a full scan to carry every category forward in event time, and one more
 *       key per category.
 *   <li>{@code recent-tokens}: {@code ListState<Token>}; an event only appends, which RocksDB does as a merge with no
 *       read. The list is read, sorted by {@link Token#ORDER} and cut to the newest L only when a profile is emitted or
 *       when it has grown to 2L (amortised O(1) per event, bounded size), so per event the L tokens are never
 *       deserialised.
 *   <li>An event-time timer per user with pending changes: updates are emitted once per {@code emitInterval} of event
 *       time per user, when the watermark passes the end of the interval holding the user's newest event, not once per
 *       event. A burst of events of one user costs one emission. In BATCH mode, timers fire at the end of each key, so a
 *       backfill emits exactly one final profile per user; a bounded STREAMING run gets its last updates from the final
 *       watermark.
 * </ul>
 *
 * Both states carry the idle-user TTL (processing time, refreshed on write; RocksDB drops expired entries during
 * compaction). The result is independent of arrival order (see {@link ProfileState} for the decay, {@link Token#ORDER}
 * for the tokens), so BATCH and STREAMING runs over the same events give the same final profiles.
 */
public class ProfileAggregator extends KeyedProcessFunction<String, BehaviorEvent, UserProfile> {
    private static final long serialVersionUID = 1L;

    /** The operator's uid: never change it, savepoints find the state by it. */
    public static final String UID = "profile-aggregate";
    public static final String NAME = "aggregate profiles";

    private final ProfileConfig config;

    private transient ValueState<ProfileState> profile;
    private transient ListState<Token> recent;
    private transient Counter eventsIn;
    private transient Counter profilesOut;

    public ProfileAggregator(ProfileConfig config) {
        this.config = config;
    }

    /** The state descriptors, also for tools that read savepoints. */
    public static ValueStateDescriptor<ProfileState> profileDescriptor() {
        return new ValueStateDescriptor<>("profile", TypeInformation.of(ProfileState.class));
    }

    public static ListStateDescriptor<Token> recentDescriptor() {
        return new ListStateDescriptor<>("recent-tokens", TypeInformation.of(Token.class));
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<ProfileState> pd = profileDescriptor();
        ListStateDescriptor<Token> rd = recentDescriptor();
        if (config.idleTtl() != null) {
            StateTtlConfig ttl = StateTtlConfig.newBuilder(config.idleTtl())
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .cleanupInRocksdbCompactFilter(1000)
                    .build();
            pd.enableTimeToLive(ttl);
            rd.enableTimeToLive(ttl);
        }
        profile = getRuntimeContext().getState(pd);
        recent = getRuntimeContext().getListState(rd);
        eventsIn = getRuntimeContext().getMetricGroup().counter("eventsAggregated");
        profilesOut = getRuntimeContext().getMetricGroup().counter("profileUpdates");
    }

    @Override
    public void processElement(BehaviorEvent e, Context ctx, Collector<UserProfile> out) throws Exception {
        ProfileState s = profile.value();
        if (s == null) {
            // a new user, or one whose state expired: the token list needs no clearing, since each token carries the
            // TTL of its own write, which is no later than the profile's last write, so none of it is visible now
            s = new ProfileState();
        }
        s.add(e, config.weights().of(e), config.halfLifeMs());
        recent.add(Token.of(e));
        if (++s.tokensStored >= 2 * config.sequenceLength()) {
            compact(s);
        }
        if (s.pendingEmit == ProfileState.NONE) {
            // end of the emit interval holding max(event time, watermark): a late event is emitted at the next one
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
        if (s == null || s.pendingEmit == ProfileState.NONE) {
            return; // expired meanwhile
        }
        List<Token> newest = compact(s);
        s.pendingEmit = ProfileState.NONE;
        profile.update(s);
        out.collect(UserProfile.of(ctx.getCurrentKey(), s, newest));
        profilesOut.inc();
    }

    /** Cuts the token list to the newest L (rewriting it only if it was longer) and returns them, oldest first. */
    private List<Token> compact(ProfileState s) throws Exception {
        List<Token> all = new ArrayList<>(Math.max(16, s.tokensStored));
        Iterable<Token> stored = recent.get();
        if (stored != null) {
            for (Token t : stored) {
                all.add(t);
            }
        }
        List<Token> newest = RecentTokens.newest(all, config.sequenceLength());
        if (newest.size() < all.size()) {
            recent.update(newest);
        }
        s.tokensStored = newest.size();
        return newest;
    }
}

package io.crossinterest.profile;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The profile operator on Flink's operator test harness with RocksDB: the mini-batch buffer changes
 * neither the updates emitted (content and timestamp) nor the state, whatever its bound; it is
 * flushed into state before a checkpoint barrier and at the end of the input, so a restore
 * mid-stream loses nothing; and the first release's state (POJO serializer, emission timers)
 * restores into it.
 */
class ProfileAggregatorTest {
    private static final long INTERVAL = 10_000L;
    private static final ProfileConfig CONFIG =
            ProfileConfig.defaults()
                    .withSequenceLength(5)
                    .withEmitInterval(Duration.ofMillis(INTERVAL));

    /** The same with per-event emission (emit interval 0). */
    private static final ProfileConfig PER_EVENT = CONFIG.withEmitInterval(Duration.ZERO);

    /** An input element: an event, or a watermark when {@code event} is null. */
    private record Step(BehaviorEvent event, long watermark) {}

    /**
     * 1500 events of 40 users with times moving forward by 0..900 ms and jittered by up to 6 s back
     * (so some events are behind the watermark, i.e. late), a bounded-out-of-orderness watermark
     * (newest - 5 s) every 20 events, and the final watermark.
     */
    private static List<Step> input(long seed) {
        Random rnd = new Random(seed);
        List<Step> steps = new ArrayList<>();
        long t = 1_511_000_000_000L;
        long newest = Long.MIN_VALUE;
        Behavior[] behaviors = {
            Behavior.PV, Behavior.PV, Behavior.PV, Behavior.FAV, Behavior.CART, Behavior.BUY
        };
        for (int i = 0; i < 1500; i++) {
            t += rnd.nextInt(900);
            long ts = t - rnd.nextInt(6000);
            newest = Math.max(newest, ts);
            steps.add(
                    new Step(
                            new BehaviorEvent(
                                    "u" + rnd.nextInt(40),
                                    "i" + rnd.nextInt(200),
                                    "c" + rnd.nextInt(7),
                                    behaviors[rnd.nextInt(behaviors.length)],
                                    1.0,
                                    ts),
                            0));
            if (i % 20 == 19) {
                steps.add(new Step(null, newest - 5000 - 1));
            }
        }
        steps.add(new Step(null, Long.MAX_VALUE));
        return steps;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, BehaviorEvent, UserProfile>
            harness(
                    OneInputStreamOperator<BehaviorEvent, UserProfile> op,
                    OperatorSubtaskState restore)
                    throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, BehaviorEvent, UserProfile> h =
                new KeyedOneInputStreamOperatorTestHarness<>(op, e -> e.user, Types.STRING);
        h.setProcessingTime(
                0); // the test clock starts at Long.MIN_VALUE; a wall clock is never near it
        EmbeddedRocksDBStateBackend rocksDb = new EmbeddedRocksDBStateBackend();
        rocksDb.setPriorityQueueStateType(
                EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP); // as in the jobs
        h.setStateBackend(rocksDb);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private static void feed(
            KeyedOneInputStreamOperatorTestHarness<String, BehaviorEvent, UserProfile> h,
            List<Step> steps)
            throws Exception {
        for (Step s : steps) {
            if (s.event() != null) {
                h.processElement(new StreamRecord<>(s.event(), s.event().timestamp));
            } else {
                h.processWatermark(new Watermark(s.watermark()));
            }
        }
    }

    /**
     * The updates emitted, as "timestamp profile-json" lines sorted (the order within one watermark
     * is free).
     */
    private static List<String> updates(
            KeyedOneInputStreamOperatorTestHarness<String, BehaviorEvent, UserProfile> h) {
        List<String> out = new ArrayList<>();
        for (StreamRecord<? extends UserProfile> r : h.extractOutputStreamRecords()) {
            out.add(r.getTimestamp() + " " + r.getValue());
        }
        Collections.sort(out);
        return out;
    }

    private static List<String> run(int maxBufferedUsers, List<Step> steps) throws Exception {
        try (var h = harness(new ProfileAggregator(CONFIG, maxBufferedUsers), null)) {
            feed(h, steps);
            h.endInput();
            return updates(h);
        }
    }

    @Test
    void miniBatchEmitsTheSameUpdatesAsWritingThrough() throws Exception {
        List<Step> steps = input(11);
        List<String> through = run(0, steps);
        assertEquals(through, run(5, steps), "bound 5 (flushes early, timers take over)");
        assertEquals(
                through, run(10_000, steps), "bound above the users (flushed only by watermarks)");

        // the last update of each user is the in-memory aggregation of all of its events
        InMemoryProfiles ref = new InMemoryProfiles(CONFIG);
        steps.stream().filter(s -> s.event() != null).forEach(s -> ref.add(s.event()));
        Map<String, UserProfile> want = ref.profiles();
        Map<String, UserProfile> last = new TreeMap<>();
        try (var h = harness(new ProfileAggregator(CONFIG, 10_000), null)) {
            feed(h, steps);
            h.extractOutputValues().forEach(p -> last.put(p.user, p));
            // updates are rate-limited: fewer than events, at least one per user
            assertTrue(
                    h.extractOutputValues().size() < 1500,
                    "updates " + h.extractOutputValues().size());
        }
        assertEquals(want.keySet(), last.keySet());
        want.forEach(
                (u, p) ->
                        assertTrue(
                                p.equalsWithin(last.get(u), 1e-12),
                                u + ":\n" + p + "\n" + last.get(u)));
    }

    @Test
    void aBufferedUserIsReadAndWrittenOncePerEmissionNotOncePerEvent() throws Exception {
        List<Step> steps = input(14); // 40 users, 1500 events, ~200 emit intervals of event time
        long updates;
        ProfileAggregator op = new ProfileAggregator(CONFIG, 10_000);
        try (var h = harness(op, null)) {
            feed(h, steps.subList(0, steps.size() - 1)); // all but the final watermark
            updates = h.extractOutputValues().size();
            int buffered = op.bufferedUsers();
            assertTrue(updates > 200 && updates < 1500, "updates " + updates);
            assertTrue(buffered > 0, "users with events since their last update");
            // one read per emitted update and per user buffered now; one write per emitted update
            assertEquals(updates + buffered, op.stateReads());
            assertEquals(updates, op.stateWrites());
            h.prepareSnapshotPreBarrier(1);
            assertEquals(
                    updates + buffered, op.stateWrites(), "the flush writes the buffered users");
            assertEquals(0, op.bufferedUsers());
        }
        ProfileAggregator through = new ProfileAggregator(CONFIG, 0);
        try (var h = harness(through, null)) {
            feed(h, steps);
            assertEquals(1500, through.stateReads(), "without the buffer: one read per event");
            assertTrue(
                    through.stateWrites() >= 1500 + updates,
                    "and a write per event and per update");
        }
    }

    @Test
    void bufferIsFlushedBeforeTheBarrierSoARestoreMidStreamLosesNothing() throws Exception {
        List<Step> steps = input(12);
        List<String> want = run(0, steps);
        for (int cut : new int[] {7, 1211}) {
            List<Step> first = steps.subList(0, cut);
            List<String> got = new ArrayList<>();
            OperatorSubtaskState snapshot;
            try (var h = harness(new ProfileAggregator(CONFIG, 10_000), null)) {
                feed(h, first);
                h.prepareSnapshotPreBarrier(1);
                snapshot = h.snapshot(1, 1);
                got.addAll(updates(h));
            }
            // the restored operator starts with an empty buffer; it is told the last watermark
            // again, as a source would after a restore, so late events are placed in the same emit
            // intervals
            List<Step> rest = new ArrayList<>();
            first.stream().filter(s -> s.event() == null).reduce((a, b) -> b).ifPresent(rest::add);
            rest.addAll(steps.subList(cut, steps.size()));
            try (var h = harness(new ProfileAggregator(CONFIG, 10_000), snapshot)) {
                feed(h, rest);
                h.endInput();
                got.addAll(updates(h));
            }
            Collections.sort(got);
            assertEquals(want, got, "cut at " + cut);
        }
    }

    /**
     * The input goes quiet: once the watermark has stood still for maxEmitDelay (processing time),
     * every pending update goes out with all the user's events, with and without the buffer, and
     * after a restore; not before, and not again when the watermark then passes them. While the
     * watermark moves, the check does nothing.
     */
    @Test
    void aQuietInputEmitsPendingUpdatesOnceTheWatermarkStandsStill() throws Exception {
        long delay = 3_000;
        List<BehaviorEvent> events =
                input(15).stream()
                        .filter(s -> s.event() != null)
                        .map(Step::event)
                        .toList()
                        .subList(0, 300);
        long newest = events.stream().mapToLong(e -> e.timestamp).max().orElseThrow();
        long day = Duration.ofDays(1).toMillis();
        InMemoryProfiles ref = new InMemoryProfiles(CONFIG);
        events.forEach(ref::add);
        Map<String, UserProfile> want = ref.profiles();
        for (int bound : new int[] {0, 5, 10_000}) {
            OperatorSubtaskState snapshot;
            try (var h = harness(new ProfileAggregator(CONFIG, bound, delay), null)) {
                events.forEach(e -> process(h, e)); // no watermark at all: nothing is due
                h.setProcessingTime(delay - 1);
                assertTrue(
                        h.extractOutputValues().isEmpty(),
                        "bound " + bound + ": nothing before maxEmitDelay");
                h.setProcessingTime(delay);
                Map<String, UserProfile> got = new TreeMap<>();
                h.extractOutputValues().forEach(p -> got.put(p.user, p));
                assertEquals(
                        want.size(),
                        h.extractOutputValues().size(),
                        "bound " + bound + ": one update per user");
                want.forEach(
                        (u, p) ->
                                assertTrue(
                                        p.equalsWithin(got.get(u), 1e-12),
                                        "bound " + bound + ", " + u));
                h.processWatermark(
                        new Watermark(newest + day)); // their event timers find nothing pending
                assertEquals(
                        want.size(),
                        h.extractOutputValues().size(),
                        "bound " + bound + ": not emitted twice");

                // a watermark that moved less than maxEmitDelay ago holds the check back; a
                // restored job is quiet
                h.setProcessingTime(10_000);
                process(h, new BehaviorEvent("u1", "i1", "c1", Behavior.PV, 1.0, newest + 2 * day));
                h.processWatermark(new Watermark(newest + 2 * day - 5_000));
                h.setProcessingTime(10_000 + delay - 1);
                assertEquals(
                        want.size(),
                        h.extractOutputValues().size(),
                        "bound " + bound + ": the watermark moved");
                h.prepareSnapshotPreBarrier(1);
                snapshot = h.snapshot(1, 1);
            }
            try (var h = harness(new ProfileAggregator(CONFIG, bound, delay), snapshot)) {
                h.setProcessingTime(delay);
                assertEquals(
                        1,
                        h.extractOutputValues().size(),
                        "bound " + bound + ": pending before the restore");
                assertEquals(want.get("u1").events + 1, h.extractOutputValues().get(0).events);
            }
        }
    }

    private static void process(
            KeyedOneInputStreamOperatorTestHarness<String, BehaviorEvent, UserProfile> h,
            BehaviorEvent e) {
        try {
            h.processElement(new StreamRecord<>(e, e.timestamp));
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Per-event emission: every event, late ones too, emits its user's updated profile at once (no
     * watermark, no timer), stamped with the event's time, equal to the in-memory aggregation of
     * the user's events so far; with and without the buffer.
     */
    @Test
    void perEventEmissionEmitsEachEventsUpdateAtOnce() throws Exception {
        List<BehaviorEvent> events =
                input(16).stream().filter(s -> s.event() != null).map(Step::event).toList();
        for (int bound : new int[] {0, 5, 10_000}) {
            ProfileAggregator op = new ProfileAggregator(PER_EVENT, bound);
            InMemoryProfiles ref = new InMemoryProfiles(PER_EVENT);
            try (var h = harness(op, null)) {
                for (int i = 0; i < events.size(); i++) {
                    BehaviorEvent e = events.get(i);
                    process(h, e);
                    ref.add(e);
                    List<StreamRecord<? extends UserProfile>> out = h.extractOutputStreamRecords();
                    assertEquals(i + 1, out.size(), "bound " + bound + ": one update per event");
                    StreamRecord<? extends UserProfile> last = out.get(i);
                    assertEquals(e.timestamp, last.getTimestamp());
                    UserProfile want = ref.profiles().get(e.user);
                    assertTrue(
                            want.equalsWithin(last.getValue(), 1e-12),
                            "bound " + bound + ", event " + i + ":\n" + want + "\n" + last);
                }
                h.processWatermark(new Watermark(Long.MAX_VALUE));
                h.endInput();
                assertEquals(events.size(), h.extractOutputValues().size(), "nothing pending");
                if (bound == 10_000) {
                    // a write-back cache: one read per user, no write until the flush
                    long users = events.stream().map(e -> e.user).distinct().count();
                    assertEquals(users, op.stateReads());
                    assertEquals(users, op.stateWrites(), "written once, at the end of the input");
                }
            }
        }
    }

    /**
     * Per-event emission with the buffer: a user without an event for {@link
     * ProfileAggregator#WRITE_BACK_IDLE_MS} of processing time is written back and leaves the
     * buffer, a user with a recent event stays; the next event of a written-back user reads its
     * state again and its profile goes on from it.
     */
    @Test
    void perEventEmissionWritesBackIdleUsers() throws Exception {
        long idle = ProfileAggregator.WRITE_BACK_IDLE_MS;
        ProfileAggregator op = new ProfileAggregator(PER_EVENT, 10_000);
        InMemoryProfiles ref = new InMemoryProfiles(PER_EVENT);
        List<BehaviorEvent> events =
                List.of(
                        new BehaviorEvent("a", "i1", "c1", Behavior.PV, 1.0, 1_000),
                        new BehaviorEvent("b", "i2", "c2", Behavior.BUY, 1.0, 2_000),
                        new BehaviorEvent("a", "i3", "c2", Behavior.CART, 1.0, 3_000),
                        new BehaviorEvent("a", "i4", "c1", Behavior.FAV, 1.0, 4_000));
        try (var h = harness(op, null)) {
            process(h, events.get(0)); // a and b at processing time 0
            process(h, events.get(1));
            h.setProcessingTime(idle / 2 - 1);
            process(h, events.get(2)); // a again, just before the first check
            h.setProcessingTime(idle + 1); // checks at idle/2 and idle: b has been idle for idle
            assertEquals(1, op.stateWrites(), "b written back");
            assertEquals(1, op.bufferedUsers(), "a stays: its last event is recent");
            h.setProcessingTime(idle / 2 - 1 + idle + idle / 2); // the check after a's idle time
            assertEquals(2, op.stateWrites(), "a written back too");
            assertEquals(0, op.bufferedUsers());
            assertEquals(2, op.stateReads());
            process(h, events.get(3));
            assertEquals(3, op.stateReads(), "a read again from state");
            for (BehaviorEvent e : events) {
                ref.add(e);
            }
            List<UserProfile> out = h.extractOutputValues();
            assertEquals(events.size(), out.size());
            UserProfile last = out.get(out.size() - 1);
            assertEquals(3, last.events, last.toString());
            assertTrue(ref.profiles().get("a").equalsWithin(last, 1e-12), last.toString());
        }
    }

    /**
     * Over the same input (watermarks included) the per-event mode ends with the profiles the
     * interval mode emits last, and with the same state: fed one more event per user, operators
     * restored from either mode's snapshot emit the same profiles. The interval mode's snapshot,
     * restored into the per-event mode, still emits the updates it had pending (when the watermark
     * passes them), once.
     */
    @Test
    void perEventEmissionEndsWithTheIntervalModesProfilesAndState() throws Exception {
        List<Step> steps = input(17);
        List<Step> withoutFinalMark = steps.subList(0, steps.size() - 1);
        Map<String, UserProfile> interval = new TreeMap<>();
        Map<String, UserProfile> perEvent = new TreeMap<>();
        OperatorSubtaskState intervalSnapshot;
        OperatorSubtaskState perEventSnapshot;
        int intervalUpdates;
        try (var h = harness(new ProfileAggregator(CONFIG, 10_000), null)) {
            feed(h, withoutFinalMark);
            intervalUpdates = h.extractOutputValues().size();
            h.prepareSnapshotPreBarrier(1);
            intervalSnapshot = h.snapshot(1, 1);
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            h.extractOutputValues().forEach(p -> interval.put(p.user, p));
        }
        try (var h = harness(new ProfileAggregator(PER_EVENT, 10_000), null)) {
            feed(h, withoutFinalMark);
            h.extractOutputValues().forEach(p -> perEvent.put(p.user, p));
            assertEquals(1500, h.extractOutputValues().size());
            h.prepareSnapshotPreBarrier(1);
            perEventSnapshot = h.snapshot(1, 1);
        }
        assertEquals(interval.keySet(), perEvent.keySet());
        interval.forEach(
                (u, p) -> assertTrue(p.equalsWithin(perEvent.get(u), 1e-12), u + " at the end"));

        long after = 1_512_000_000_000L; // a day after the input
        List<UserProfile> fromInterval = new ArrayList<>();
        List<UserProfile> fromPerEvent = new ArrayList<>();
        try (var h = harness(new ProfileAggregator(PER_EVENT, 10_000), intervalSnapshot)) {
            // the interval mode's pending updates: emitted when the watermark passes them, once
            h.processWatermark(new Watermark(after - 1));
            int pending = h.extractOutputValues().size();
            assertTrue(pending > 0 && intervalUpdates + pending > interval.size(), "pending");
            h.extractOutputValues()
                    .forEach(p -> assertTrue(p.equalsWithin(interval.get(p.user), 1e-12)));
            for (String u : interval.keySet()) {
                process(h, new BehaviorEvent(u, "i-next", "c-next", Behavior.BUY, 1.0, after));
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            List<UserProfile> out = h.extractOutputValues();
            fromInterval.addAll(out.subList(pending, out.size()));
        }
        try (var h = harness(new ProfileAggregator(PER_EVENT, 10_000), perEventSnapshot)) {
            for (String u : interval.keySet()) {
                process(h, new BehaviorEvent(u, "i-next", "c-next", Behavior.BUY, 1.0, after));
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            fromPerEvent.addAll(h.extractOutputValues());
        }
        assertEquals(interval.size(), fromPerEvent.size());
        assertEquals(
                fromPerEvent.size(), fromInterval.size(), "one update per event, nothing else");
        for (int i = 0; i < fromPerEvent.size(); i++) {
            assertTrue(
                    fromPerEvent.get(i).equalsWithin(fromInterval.get(i), 1e-12),
                    fromPerEvent.get(i) + "\n" + fromInterval.get(i));
            assertEquals(
                    perEvent.get(fromPerEvent.get(i).user).events + 1, fromPerEvent.get(i).events);
        }
    }

    /**
     * Per-event emission with the buffer: the buffer is written to state before the barrier, so a
     * job restored from that checkpoint emits exactly the updates, in the same order, that an
     * uninterrupted run emits; and within a checkpoint a user costs one read and one write, however
     * many events it had.
     */
    @Test
    void perEventEmissionFlushesBeforeTheBarrierSoARestoreMidStreamLosesNothing() throws Exception {
        List<Step> steps = input(18);
        List<String> want;
        try (var h = harness(new ProfileAggregator(PER_EVENT, 0), null)) {
            feed(h, steps);
            want = inOrder(h);
        }
        for (int cut : new int[] {7, 1211}) {
            List<String> got = new ArrayList<>();
            OperatorSubtaskState snapshot;
            ProfileAggregator op = new ProfileAggregator(PER_EVENT, 10_000);
            try (var h = harness(op, null)) {
                feed(h, steps.subList(0, cut));
                long users =
                        steps.subList(0, cut).stream()
                                .filter(s -> s.event() != null)
                                .map(s -> s.event().user)
                                .distinct()
                                .count();
                assertEquals(users, op.bufferedUsers(), "cut at " + cut);
                assertEquals(0, op.stateWrites(), "cut at " + cut + ": nothing written yet");
                h.prepareSnapshotPreBarrier(1);
                assertEquals(users, op.stateWrites(), "cut at " + cut + ": one write per user");
                assertEquals(users, op.stateReads(), "cut at " + cut + ": one read per user");
                assertEquals(0, op.bufferedUsers());
                snapshot = h.snapshot(1, 1);
                got.addAll(inOrder(h));
            }
            try (var h = harness(new ProfileAggregator(PER_EVENT, 10_000), snapshot)) {
                feed(h, steps.subList(cut, steps.size()));
                h.endInput();
                got.addAll(inOrder(h));
            }
            assertEquals(want, got, "cut at " + cut);
        }
    }

    /** The updates emitted, as "timestamp profile" lines in the order they were emitted. */
    private static List<String> inOrder(
            KeyedOneInputStreamOperatorTestHarness<String, BehaviorEvent, UserProfile> h) {
        List<String> out = new ArrayList<>();
        for (StreamRecord<? extends UserProfile> r : h.extractOutputStreamRecords()) {
            out.add(r.getTimestamp() + " " + r.getValue());
        }
        return out;
    }

    @Test
    void endOfInputFlushesTheBufferIntoState() throws Exception {
        List<Step> events = input(13).stream().filter(s -> s.event() != null).toList();
        OperatorSubtaskState snapshot;
        try (var h = harness(new ProfileAggregator(CONFIG, 10_000), null)) {
            feed(h, events); // no watermark: nothing is due, everything is buffered
            assertTrue(h.extractOutputValues().isEmpty());
            h.endInput();
            snapshot =
                    h.snapshot(
                            1, 1); // no pre-barrier flush: what is in state got there at the end of
            // input
        }
        List<String> got;
        try (var h = harness(new ProfileAggregator(CONFIG, 10_000), snapshot)) {
            h.processWatermark(Long.MAX_VALUE);
            got = updates(h);
        }
        List<Step> withFinalMark = new ArrayList<>(events);
        withFinalMark.add(new Step(null, Long.MAX_VALUE));
        assertEquals(run(0, withFinalMark), got);
    }

    @Test
    void restoresTheFirstReleasesPojoStateAndPendingTimers() throws Exception {
        List<Step> steps = input(14);
        List<String> want = run(0, steps);
        int cut = 800;
        OperatorSubtaskState snapshot;
        List<String> got = new ArrayList<>();
        try (var h = harness(new KeyedProcessOperator<>(new FirstRelease(CONFIG)), null)) {
            feed(h, steps.subList(0, cut));
            snapshot = h.snapshot(1, 1);
            got.addAll(updates(h));
        }
        List<Step> rest = new ArrayList<>();
        steps.subList(0, cut).stream()
                .filter(s -> s.event() == null)
                .reduce((a, b) -> b)
                .ifPresent(rest::add);
        rest.addAll(steps.subList(cut, steps.size()));
        try (var h = harness(new ProfileAggregator(CONFIG, 10_000), snapshot)) {
            feed(h, rest);
            got.addAll(updates(h));
        }
        Collections.sort(got);
        assertEquals(want, got);
    }

    /**
     * The first release's operator, as it was: a KeyedProcessFunction with the POJO-serialized
     * {@link ProfileState} under TTL, a get and a put per event and an emission timer per pending
     * user.
     */
    private static final class FirstRelease
            extends KeyedProcessFunction<String, BehaviorEvent, UserProfile> {
        private final ProfileConfig config;
        private transient ValueState<ProfileState> profile;

        FirstRelease(ProfileConfig config) {
            this.config = config;
        }

        @Override
        public void open(OpenContext openContext) {
            ValueStateDescriptor<ProfileState> pd =
                    new ValueStateDescriptor<>("profile", TypeInformation.of(ProfileState.class));
            pd.enableTimeToLive(
                    StateTtlConfig.newBuilder(config.idleTtl())
                            .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                            .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                            .cleanupInRocksdbCompactFilter(1000)
                            .build());
            profile = getRuntimeContext().getState(pd);
        }

        @Override
        public void processElement(BehaviorEvent e, Context ctx, Collector<UserProfile> out)
                throws Exception {
            ProfileState s = profile.value();
            if (s == null) {
                s = new ProfileState();
            }
            s.add(e, config.weights().of(e), config.halfLifeMs());
            s.addToken(e, config.sequenceLength());
            if (s.pendingEmit == ProfileState.NONE) {
                long t = Math.max(e.timestamp, ctx.timerService().currentWatermark());
                long interval = config.emitIntervalMs();
                long at = Math.floorDiv(t, interval) * interval + interval - 1;
                ctx.timerService().registerEventTimeTimer(at);
                s.pendingEmit = at;
            }
            profile.update(s);
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<UserProfile> out)
                throws Exception {
            ProfileState s = profile.value();
            if (s == null || s.pendingEmit != timestamp) {
                return;
            }
            out.collect(UserProfile.of(ctx.getCurrentKey(), s));
            s.pendingEmit = ProfileState.NONE;
            profile.update(s);
        }
    }
}

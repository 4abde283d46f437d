package io.crossinterest.profile;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quiet-input emission interleaved at random, deterministically (manual processing time, seeded
 * schedules), with events of the same users before and after it, watermarks, buffer-full flushes
 * and pre-barrier flushes with snapshots: whatever the schedule, the last update emitted for every
 * user holds all its events.
 */
class ProfileAggregatorQuietScheduleTest {
    private static final long INTERVAL = 10_000L;
    private static final long DELAY = 400L;
    private static final ProfileConfig CONFIG =
            ProfileConfig.defaults()
                    .withSequenceLength(5)
                    .withEmitInterval(Duration.ofMillis(INTERVAL));

    private static KeyedOneInputStreamOperatorTestHarness<String, BehaviorEvent, UserProfile>
            harness(int bound) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, BehaviorEvent, UserProfile> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new ProfileAggregator(CONFIG, bound, DELAY), e -> e.user, Types.STRING);
        h.setProcessingTime(0);
        EmbeddedRocksDBStateBackend rocksDb = new EmbeddedRocksDBStateBackend();
        rocksDb.setPriorityQueueStateType(EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP);
        h.setStateBackend(rocksDb);
        h.open();
        return h;
    }

    /** Runs one seeded schedule; returns a description of the first wrong user, or null. */
    private static String run(long seed, int bound) throws Exception {
        Random rnd = new Random(seed);
        Behavior[] bs = {Behavior.PV, Behavior.FAV, Behavior.CART, Behavior.BUY};
        InMemoryProfiles ref = new InMemoryProfiles(CONFIG);
        StringBuilder log = new StringBuilder();
        try (var h = harness(bound)) {
            long t = 1_511_000_000_000L;
            long newest = Long.MIN_VALUE;
            long now = 0;
            long checkpoint = 0;
            int steps = 20 + rnd.nextInt(60);
            for (int i = 0; i < steps; i++) {
                int what = rnd.nextInt(10);
                if (what < 6) {
                    t += rnd.nextInt(3000);
                    BehaviorEvent e =
                            new BehaviorEvent(
                                    "u" + rnd.nextInt(4),
                                    "i" + rnd.nextInt(20),
                                    "c" + rnd.nextInt(3),
                                    bs[rnd.nextInt(bs.length)],
                                    1.0,
                                    t - rnd.nextInt(2000));
                    newest = Math.max(newest, e.timestamp);
                    ref.add(e);
                    h.processElement(new StreamRecord<>(e, e.timestamp));
                    log.append("event ")
                            .append(e.user)
                            .append('@')
                            .append(e.timestamp)
                            .append('\n');
                } else if (what == 6 && newest != Long.MIN_VALUE) {
                    long wm = newest - rnd.nextInt(2 * (int) INTERVAL);
                    h.processWatermark(new Watermark(wm));
                    log.append("watermark ").append(wm).append('\n');
                } else if (what == 7) {
                    now += DELAY + rnd.nextInt((int) DELAY);
                    h.setProcessingTime(now);
                    log.append("processing time ").append(now).append('\n');
                } else if (what == 8) {
                    checkpoint++;
                    h.prepareSnapshotPreBarrier(checkpoint);
                    h.snapshot(checkpoint, now);
                    log.append("checkpoint ").append(checkpoint).append('\n');
                } else {
                    now += rnd.nextInt((int) DELAY);
                    h.setProcessingTime(now);
                    log.append("processing time ").append(now).append('\n');
                }
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            h.endInput();
            Map<String, UserProfile> last = new TreeMap<>();
            for (UserProfile p : h.extractOutputValues()) {
                UserProfile before = last.put(p.user, p);
                if (before != null && before.events > p.events) {
                    return "seed "
                            + seed
                            + ", bound "
                            + bound
                            + ": updates of "
                            + p.user
                            + " out of order\n"
                            + log;
                }
            }
            Map<String, UserProfile> want = ref.profiles();
            if (!want.keySet().equals(last.keySet())) {
                return "seed "
                        + seed
                        + ", bound "
                        + bound
                        + ": users "
                        + want.keySet()
                        + " != "
                        + last.keySet()
                        + "\n"
                        + log;
            }
            for (Map.Entry<String, UserProfile> w : want.entrySet()) {
                if (!w.getValue().equalsWithin(last.get(w.getKey()), 1e-9)) {
                    return "seed "
                            + seed
                            + ", bound "
                            + bound
                            + ", user "
                            + w.getKey()
                            + ":\nwant "
                            + w.getValue()
                            + "\ngot  "
                            + last.get(w.getKey())
                            + "\n"
                            + log;
                }
            }
        }
        return null;
    }

    @Test
    void theLastUpdateOfEveryUserHoldsAllItsEventsWhateverTheSchedule() throws Exception {
        List<String> failures = new ArrayList<>();
        for (long seed = 1; seed <= 40 && failures.isEmpty(); seed++) {
            for (int bound : new int[] {0, 2, 3, 10_000}) {
                String f = run(seed, bound);
                if (f != null) {
                    failures.add(f);
                    break;
                }
            }
        }
        assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
    }
}

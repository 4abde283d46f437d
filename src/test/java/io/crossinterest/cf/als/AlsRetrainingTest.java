package io.crossinterest.cf.als;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Periodic retraining in STREAMING mode: the model version advances after every N events without
 * stopping the job, each version reaches the scoring operator, and a user's recommendations change
 * when the model is retrained on new interactions (of other users). The source is gated on what the
 * job has already emitted (bounded waits on conditions), so nothing depends on timing.
 */
class AlsRetrainingTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final int PER_PHASE = 240;
    private static final long WAIT_SECONDS = 120;

    /**
     * What the job emitted so far (models and recommendations), shared with the gate in the same
     * JVM.
     */
    static final ConcurrentLinkedQueue<Object> SEEN = new ConcurrentLinkedQueue<>();

    /**
     * Users u0..u39 in two groups (even: items a*, odd: items b*); phase 2: most users pick up the
     * other group.
     */
    private static List<BehaviorEvent> events() {
        SplittableRandom rnd = new SplittableRandom(17L);
        List<BehaviorEvent> out = new ArrayList<>();
        List<List<Integer>> picks = new ArrayList<>();
        for (int u = 0; u < 40; u++) {
            List<Integer> p = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                p.add(i);
            }
            Collections.shuffle(p, new Random(rnd.nextLong()));
            picks.add(p);
            for (int j = 0; j < 6; j++) {
                out.add(event(u, (u % 2 == 0 ? "a" : "b") + p.get(j), out.size()));
            }
        }
        for (int u = 0; u < 40; u++) {
            if (u == 2) {
                continue; // u2's own history stays as it was: only the model changes for it
            }
            int n = u == 3 ? 12 : 6;
            for (int j = 0; j < n; j++) {
                out.add(event(u, (u % 2 == 0 ? "b" : "a") + picks.get(u).get(j), out.size()));
            }
        }
        out.add(event(99, "a0", out.size())); // the probe, released once version 2 has been scored
        return out;
    }

    private static BehaviorEvent event(int u, String item, long t) {
        return new BehaviorEvent("u" + u, item, "target", Behavior.CLICK, 1.0, 1_000L * t);
    }

    /**
     * Holds back the first event of phase 2 until version 1 was scored, and the probe until version
     * 2 was.
     */
    static final class Gate implements MapFunction<BehaviorEvent, BehaviorEvent> {
        private long index;

        @Override
        public BehaviorEvent map(BehaviorEvent e) throws Exception {
            if (!e.category.equals("target")) {
                return e;
            }
            if (index == PER_PHASE) {
                await(
                        o ->
                                o instanceof Recommendation
                                        && ((Recommendation) o).modelVersion == 1
                                        && ((Recommendation) o).user.equals("u2"));
            } else if (index == 2L * PER_PHASE) {
                await(
                        o ->
                                o instanceof Recommendation
                                        && ((Recommendation) o).modelVersion == 2
                                        && ((Recommendation) o).user.equals("u2"));
            }
            index++;
            return e;
        }

        private static void await(Predicate<Object> condition) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (SEEN.stream().noneMatch(condition)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "condition not reached within "
                                    + WAIT_SECONDS
                                    + " s; seen "
                                    + SEEN.size()
                                    + " outputs");
                }
                Thread.sleep(20);
            }
        }
    }

    @Test
    void modelVersionAdvancesAndRecommendationsFollowNewInteractions() throws Exception {
        SEEN.clear();
        List<BehaviorEvent> events = events();
        assertEquals(2 * PER_PHASE + 1, events.size());
        List<BehaviorEvent> withSource = new ArrayList<>(events);
        // source-block events interleaved: the retrainer must see the target block only
        for (int j = 0; j < 30; j++) {
            withSource.add(
                    j * 16, new BehaviorEvent("u" + j, "s" + j, "source", Behavior.CLICK, 1.0, 0L));
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        env.setParallelism(2);
        DataStream<BehaviorEvent> source =
                env.fromData(
                                Types.POJO(BehaviorEvent.class),
                                withSource.toArray(new BehaviorEvent[0]))
                        .map(new Gate())
                        .setParallelism(1)
                        .name("gate");
        AlsConfig cfg =
                new AlsConfig(
                        4,
                        10,
                        0.1,
                        5.0,
                        AlsConfig.Regularization.L2,
                        AlsConfig.Solver.CHOLESKY,
                        3,
                        1L,
                        1);
        AlsRetraining.Outputs outputs =
                AlsRetraining.attachToTargetBlock(
                        source,
                        Set.of("target"),
                        new RetrainPolicy(
                                cfg,
                                null,
                                RetrainPolicy.TimeDomain.PROCESSING,
                                PER_PHASE,
                                Duration.ofMillis(20)),
                        5);
        DataStream<Object> observed =
                outputs.models
                        .map(m -> (Object) m)
                        .returns(Types.GENERIC(Object.class))
                        .union(
                                outputs.recommendations
                                        .map(r -> (Object) r)
                                        .returns(Types.GENERIC(Object.class)));
        try (CloseableIterator<Object> it = observed.collectAsync()) {
            JobClient job = env.executeAsync("als-retraining-test");
            while (it.hasNext()) {
                SEEN.add(it.next());
            }
            job.getJobExecutionResult().get(WAIT_SECONDS, TimeUnit.SECONDS);
        }

        List<AlsModelVersion> models = new ArrayList<>();
        SEEN.stream()
                .filter(o -> o instanceof AlsModelVersion)
                .forEach(o -> models.add((AlsModelVersion) o));
        assertEquals(2, models.size(), "two retrainings, one per " + PER_PHASE + " events");
        assertEquals(1, models.get(0).version);
        assertEquals(2, models.get(1).version);
        assertEquals(PER_PHASE, models.get(0).numInteractions);
        assertEquals(2 * PER_PHASE, models.get(1).numInteractions);
        assertEquals(40, models.get(1).numUsers());
        assertTrue(models.get(1).trainingSeconds > 0);
        assertTrue(models.get(1).loss > 0);

        Recommendation v1 = lastFor("u2", 1);
        Recommendation v2 = lastFor("u2", 2);
        assertNotNull(v1);
        assertNotNull(v2);
        // under version 1 the groups are separate: u2 (group a) is recommended a-items it has not
        // seen
        for (String item : v1.items) {
            assertTrue(item.startsWith("a"), "v1 recommended " + item + " to u2: " + v1);
        }
        // u2 did nothing new, yet its recommendations changed with the model retrained on the
        // others' new events
        assertFalse(
                Arrays.equals(v1.items, v2.items) && Arrays.equals(v1.scores, v2.scores),
                "u2's recommendations did not change: " + v1 + " / " + v2);
        // nobody is recommended an item they already have
        Set<String> u0Items = new HashSet<>();
        events.stream().filter(e -> e.user.equals("u0")).forEach(e -> u0Items.add(e.item));
        Recommendation u0 = lastFor("u0", 2);
        for (String item : u0.items) {
            assertFalse(u0Items.contains(item), "recommended seen item " + item);
        }
        // every recommendation names a model version that exists
        SEEN.stream()
                .filter(o -> o instanceof Recommendation)
                .forEach(o -> assertTrue(((Recommendation) o).modelVersion >= 1));
    }

    private static Recommendation lastFor(String user, long version) {
        Recommendation last = null;
        for (Object o : SEEN) {
            if (o instanceof Recommendation
                    && ((Recommendation) o).user.equals(user)
                    && ((Recommendation) o).modelVersion == version) {
                last = (Recommendation) o;
            }
        }
        return last;
    }
}

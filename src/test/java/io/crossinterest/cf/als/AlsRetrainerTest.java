package io.crossinterest.cf.als;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The retraining operator's triggers, with Flink's operator test harness (times are set, not waited
 * for).
 */
class AlsRetrainerTest {
    private static final AlsConfig CFG =
            new AlsConfig(
                    2, 3, 0.1, 2.0, AlsConfig.Regularization.L2, AlsConfig.Solver.CG, 2, 1L, 1);

    private static KeyedOneInputStreamOperatorTestHarness<Integer, BehaviorEvent, AlsModelVersion>
            harness(RetrainPolicy policy) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AlsRetrainer(policy)), e -> 0, Types.INT);
    }

    private static StreamRecord<BehaviorEvent> event(String user, String item, long t) {
        return new StreamRecord<>(new BehaviorEvent(user, item, "c", Behavior.CLICK, 1.0, t), t);
    }

    private static List<AlsModelVersion> models(
            KeyedOneInputStreamOperatorTestHarness<?, ?, AlsModelVersion> h) {
        return h.extractOutputValues();
    }

    /**
     * Advances processing time in poll steps until a model with {@code version} was emitted
     * (bounded).
     */
    private static void pollUntil(
            KeyedOneInputStreamOperatorTestHarness<Integer, BehaviorEvent, AlsModelVersion> h,
            long version)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (models(h).stream().noneMatch(m -> m.version == version)) {
            assertTrue(System.nanoTime() < deadline, "no model version " + version);
            h.setProcessingTime(h.getProcessingTime() + 10);
            Thread.sleep(5);
        }
    }

    @Test
    void processingTimeIntervalRetrainsOnlyWhenThereAreNewEvents() throws Exception {
        RetrainPolicy policy =
                new RetrainPolicy(
                        CFG,
                        Duration.ofSeconds(60),
                        RetrainPolicy.TimeDomain.PROCESSING,
                        0,
                        Duration.ofMillis(10));
        try (var h = harness(policy)) {
            h.open();
            h.setProcessingTime(0);
            h.processElement(event("u1", "i1", 0));
            h.processElement(event("u1", "i2", 0));
            h.processElement(event("u2", "i1", 0));
            h.processElement(event("u1", "i1", 0)); // a repeat adds to r_u1,i1
            assertTrue(models(h).isEmpty());
            h.setProcessingTime(60_000);
            pollUntil(h, 1);
            AlsModelVersion v1 = models(h).get(0);
            assertEquals(2, v1.numUsers());
            assertEquals(2, v1.numItems());
            assertEquals(3, v1.numInteractions);
            // an interval without events: no retraining
            h.setProcessingTime(200_000);
            h.setProcessingTime(210_000);
            assertEquals(1, models(h).size());
            h.processElement(event("u3", "i3", 0));
            h.setProcessingTime(260_000);
            pollUntil(h, 2);
            assertEquals(3, models(h).get(1).numUsers());
        }
    }

    @Test
    void eventTimeIntervalFollowsTheWatermark() throws Exception {
        RetrainPolicy policy =
                RetrainPolicy.every(CFG, Duration.ofMinutes(1), RetrainPolicy.TimeDomain.EVENT);
        try (var h = harness(policy)) {
            h.open();
            h.setProcessingTime(0);
            h.processElement(event("u1", "i1", 1_000));
            h.processElement(event("u2", "i2", 2_000));
            h.processWatermark(new Watermark(60_999));
            h.setProcessingTime(1_000);
            assertTrue(models(h).isEmpty(), "trained before the watermark passed the interval");
            h.processWatermark(new Watermark(61_000));
            pollUntil(h, 1);
            assertEquals(2, models(h).get(0).numInteractions);
        }
    }

    @Test
    void versionsContinueAfterRestoreAndTriggersDuringTrainingAreNotLost() throws Exception {
        RetrainPolicy policy =
                new RetrainPolicy(
                        CFG, null, RetrainPolicy.TimeDomain.PROCESSING, 2, Duration.ofMillis(10));
        OperatorSubtaskState snapshot;
        try (var h = harness(policy)) {
            h.open();
            h.setProcessingTime(0);
            h.processElement(event("u1", "i1", 0));
            h.processElement(event("u2", "i2", 0)); // trigger 1
            h.processElement(event("u3", "i3", 0));
            h.processElement(
                    event(
                            "u4", "i4",
                            0)); // trigger 2: runs after training 1 if that is still going
            pollUntil(h, 2);
            assertEquals(
                    List.of(1L, 2L),
                    models(h).stream().map(m -> m.version).collect(Collectors.toList()));
            snapshot = h.snapshot(1L, 1L);
        }
        try (var h = harness(policy)) {
            h.initializeState(snapshot);
            h.open();
            h.setProcessingTime(0);
            h.processElement(event("u5", "i5", 0));
            h.processElement(event("u6", "i6", 0));
            pollUntil(h, 3);
            AlsModelVersion v3 = models(h).get(0);
            assertEquals(3, v3.version);
            assertEquals(6, v3.numUsers()); // the restored interactions are in the new model
        }
    }

    @Test
    void policyNeedsATrigger() {
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new RetrainPolicy(
                                CFG,
                                null,
                                RetrainPolicy.TimeDomain.PROCESSING,
                                0,
                                Duration.ofMillis(10)));
    }
}

package io.crossinterest.serving;

import io.crossinterest.joint.SourceHistory;
import io.crossinterest.joint.UserScores;
import io.crossinterest.testing.Await;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scoring operator alone, in Flink's operator test harness: version order, restore of the
 * served model.
 */
class ModelServingOperatorTest {
    private static final SourceHistory ALICE =
            new SourceHistory(
                    "alice",
                    new String[] {"s1", "s2", "s3"},
                    new String[] {"books", "books", "books"});
    private static final SourceHistory BOB =
            new SourceHistory(
                    "bob",
                    new String[] {"s31", "t4", "s35"},
                    new String[] {"books", "music", "books"});

    private static TwoInputStreamOperatorTestHarness<SourceHistory, ModelAnnouncement, UserScores>
            harness(ModelServingOperator op) throws Exception {
        return new TwoInputStreamOperatorTestHarness<>(op);
    }

    @Test
    void theServedVersionSurvivesARestoreAndOlderAnnouncementsAreIgnored() throws Exception {
        Path v1 = PlantedModels.v1();
        Path v2 = PlantedModels.v2();
        ScoringConfig config = ScoringConfig.defaults().withTopN(3).withBatching(1, 10);
        ModelServingOperator op = new ModelServingOperator(config);
        OperatorSubtaskState snapshot;
        try (var h = harness(op)) {
            h.open();
            h.processElement2(ModelAnnouncement.of(v1), 0);
            h.processElement1(ALICE, 5); // batch of 1: waits for the first model, then scores
            assertEquals(
                    List.of(1L),
                    h.extractOutputValues().stream().map(s -> s.modelVersion).toList());
            assertEquals(5L, h.extractOutputStreamRecords().get(0).getTimestamp());

            h.processElement2(ModelAnnouncement.of(v2), 0);
            h.processElement2(ModelAnnouncement.of(v1), 0); // stale: 2 is loading
            long[] now = {0};
            Await.until(
                    Duration.ofSeconds(30),
                    () -> advance(h, now[0] += 10) && op.servedVersion() == 2,
                    () -> "served version " + op.servedVersion());
            List<ControlError> errors =
                    h.getSideOutput(ModelServingOperator.CONTROL_ERRORS).stream()
                            .map(StreamRecord::getValue)
                            .toList();
            assertEquals(1, errors.size(), errors.toString());
            assertTrue(
                    errors.get(0).reason.contains("not newer than version 2"), errors.toString());
            snapshot = h.snapshot(1, now[0]);
        }

        // the restored operator serves version 2, not the initial model of its configuration
        ModelServingOperator restored = new ModelServingOperator(config.withInitialModel(v1));
        try (var h = harness(restored)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement1(BOB, 7);
            List<UserScores> out = h.extractOutputValues();
            assertEquals(1, out.size());
            assertEquals(2L, out.get(0).modelVersion);
            new PlantedModels.Reference(v1, v2)
                    .assertMadeBy(
                            out.get(0),
                            new SourceHistory(
                                    "bob",
                                    new String[] {"s31", "s35"},
                                    new String[] {
                                        "books", "books"
                                    })); // the music token is not input
            h.processElement2(ModelAnnouncement.of(v2), 0); // already served: ignored
            assertEquals(1, h.getSideOutput(ModelServingOperator.CONTROL_ERRORS).size());
        }
    }

    @Test
    void aResubmissionWithANewerConfiguredModelServesItInsteadOfTheRestoredOne() throws Exception {
        ScoringConfig config = ScoringConfig.defaults().withTopN(3).withBatching(1, 10);
        OperatorSubtaskState snapshot;
        try (var h =
                harness(new ModelServingOperator(config.withInitialModel(PlantedModels.v1())))) {
            h.open();
            h.processElement1(ALICE, 1);
            assertEquals(1L, h.extractOutputValues().get(0).modelVersion);
            snapshot = h.snapshot(1, 0);
        }
        // the savepoint's job served version 1; resubmitted with --model v2 (a bundle of version
        // 2):
        // an upgrade
        ModelServingOperator upgraded =
                new ModelServingOperator(config.withInitialModel(PlantedModels.v2()));
        try (var h = harness(upgraded)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement1(BOB, 2);
            List<UserScores> out = h.extractOutputValues();
            assertEquals(List.of(2L), out.stream().map(s -> s.modelVersion).toList());
            assertEquals(2, upgraded.servedVersion());
            assertEquals(
                    0,
                    h.getSideOutput(ModelServingOperator.CONTROL_ERRORS) == null
                            ? 0
                            : h.getSideOutput(ModelServingOperator.CONTROL_ERRORS).size());
            h.processElement2(
                    ModelAnnouncement.of(PlantedModels.v1()), 0); // the old one: stale now
            assertEquals(1, h.getSideOutput(ModelServingOperator.CONTROL_ERRORS).size());
            snapshot = h.snapshot(2, 0);
        }
        // a plain restart of the upgraded job with its old command line (--model v1) keeps serving
        // version 2
        try (var h =
                harness(new ModelServingOperator(config.withInitialModel(PlantedModels.v1())))) {
            h.initializeState(snapshot);
            h.open();
            h.processElement1(ALICE, 3);
            assertEquals(
                    List.of(2L),
                    h.extractOutputValues().stream().map(s -> s.modelVersion).toList());
        }
    }

    @Test
    void aRestoredModelThatCannotBeReadFallsBackToTheConfiguredOne(@TempDir Path tmp)
            throws Exception {
        Path copy = tmp.resolve("v2-copy");
        try (var files = Files.walk(PlantedModels.v2())) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(PlantedModels.v2().relativize(f).toString()));
            }
        }
        ScoringConfig config = ScoringConfig.defaults().withTopN(3).withBatching(1, 10);
        OperatorSubtaskState snapshot;
        try (var h = harness(new ModelServingOperator(config))) {
            h.open();
            h.processElement2(ModelAnnouncement.of(copy), 0);
            h.processElement1(ALICE, 1);
            assertEquals(2L, h.extractOutputValues().get(0).modelVersion);
            snapshot = h.snapshot(1, 0);
        }
        try (var files = Files.walk(copy)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
        try (var h =
                harness(new ModelServingOperator(config.withInitialModel(PlantedModels.v1())))) {
            h.initializeState(snapshot);
            h.open();
            h.processElement1(BOB, 2);
            assertEquals(1L, h.extractOutputValues().get(0).modelVersion);
            List<ControlError> errors =
                    h.getSideOutput(ModelServingOperator.CONTROL_ERRORS).stream()
                            .map(StreamRecord::getValue)
                            .toList();
            assertEquals(1, errors.size(), errors.toString());
            assertEquals(2, errors.get(0).version);
            assertTrue(errors.get(0).reason.contains("failed to load"), errors.toString());
        }
    }

    @Test
    void aBundleWhoseEncoderReadsMoreTokensThanTheProfilesKeepIsRefused() throws Exception {
        // the planted bundles window the last 20 source tokens; these profiles keep 10, then 20
        ScoringConfig shortProfiles =
                ScoringConfig.defaults().withTopN(3).withBatching(1, 10).withHistoryLength(10);
        try (var h = harness(new ModelServingOperator(shortProfiles))) {
            h.open();
            h.processElement2(ModelAnnouncement.of(PlantedModels.v1()), 0);
            h.processElement1(
                    ALICE,
                    1); // a full batch waits for the first model: the load fails, nothing serves
            assertTrue(h.extractOutputValues().isEmpty());
            List<ControlError> errors =
                    h.getSideOutput(ModelServingOperator.CONTROL_ERRORS).stream()
                            .map(StreamRecord::getValue)
                            .toList();
            assertEquals(1, errors.size(), errors.toString());
            assertTrue(
                    errors.get(0).reason.contains("last 20 source tokens")
                            && errors.get(0).reason.contains("L = 10"),
                    errors.get(0).reason);
        }
        try (var h = harness(new ModelServingOperator(shortProfiles.withHistoryLength(20)))) {
            h.open();
            h.processElement2(ModelAnnouncement.of(PlantedModels.v1()), 0);
            h.processElement1(ALICE, 1);
            assertEquals(
                    List.of(1L),
                    h.extractOutputValues().stream().map(s -> s.modelVersion).toList());
        }
    }

    @Test
    void updatesWaitInStateForTheFirstModel() throws Exception {
        Path v1 = PlantedModels.v1();
        ScoringConfig config = ScoringConfig.defaults().withTopN(3).withBatching(8, 10);
        OperatorSubtaskState snapshot;
        try (var h = harness(new ModelServingOperator(config))) {
            h.open();
            h.processElement1(ALICE, 1);
            h.processElement1(BOB, 2);
            h.setProcessingTime(1_000); // past the batch delay: nothing to score with yet
            assertTrue(h.extractOutputValues().isEmpty());
            snapshot = h.snapshot(1, 1_000);
        }
        try (var h = harness(new ModelServingOperator(config))) {
            h.initializeState(snapshot);
            h.open();
            h.processElement2(ModelAnnouncement.of(v1), 0);
            h.endInput1();
            h.endInput2();
            h.close(); // finishes: the load resolves, the waiting updates are scored
            assertEquals(
                    List.of("alice:1", "bob:1"),
                    h.extractOutputValues().stream()
                            .map(s -> s.userId + ":" + s.modelVersion)
                            .sorted()
                            .toList());
        }
    }

    /**
     * The served version is the bundle's: an announcement naming another (a bundle rewritten since
     * it was announced, or the state of a job from before versions were read from bundles) is
     * refused and reported, and the current model keeps serving.
     */
    @Test
    void anAnnouncementWhoseBundleHoldsAnotherVersionIsRefused() throws Exception {
        ScoringConfig config = ScoringConfig.defaults().withTopN(3).withBatching(1, 10);
        try (var h =
                harness(new ModelServingOperator(config.withInitialModel(PlantedModels.v1())))) {
            h.open();
            h.processElement1(ALICE, 1);
            h.processElement2(new ModelAnnouncement(5, PlantedModels.v2().toString()), 0);
            h.close(); // finishes: the load resolves
            assertEquals(
                    List.of(1L),
                    h.extractOutputValues().stream().map(s -> s.modelVersion).toList());
            List<ControlError> errors =
                    h.getSideOutput(ModelServingOperator.CONTROL_ERRORS).stream()
                            .map(StreamRecord::getValue)
                            .toList();
            assertEquals(1, errors.size(), errors.toString());
            assertEquals(5, errors.get(0).version);
            assertTrue(
                    errors.get(0).reason.contains("holds model version 2, not the announced 5")
                            && errors.get(0).reason.contains("still serving version 1"),
                    errors.get(0).reason);
        }
    }

    private static boolean advance(TwoInputStreamOperatorTestHarness<?, ?, ?> h, long time) {
        try {
            h.setProcessingTime(time);
            return true;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.crossinterest.pipeline;

import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.event.DeadLetter;
import io.crossinterest.joint.UserScores;
import io.crossinterest.profile.InMemoryProfiles;
import io.crossinterest.profile.UserProfile;
import io.crossinterest.serving.ControlError;
import io.crossinterest.serving.PlantedModels;
import io.crossinterest.serving.ScoringConfig;
import io.crossinterest.serving.StreamFixtures;
import io.crossinterest.testing.Await;
import io.crossinterest.testing.DirectoryFeed;
import io.crossinterest.testing.Jobs;
import io.crossinterest.testing.QueueSink;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A savepoint upgrade on a MiniCluster (STREAMING, RocksDB): graph version n (ingest + profiles)
 * runs over a first file of events and is stopped with a savepoint; graph version n+1 (the same
 * operators plus the scoring stage) starts from that savepoint and reads a second file. The
 * profiles continue from the restored state: every user's final profile equals the in-memory
 * aggregation of all events (none lost, none counted twice: the file source's restored state does
 * not read the first file again), and the new scoring stage scores returning users from their
 * restored behaviour tokens.
 */
class SavepointUpgradeTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PROFILES = "upgrade-profiles";
    private static final String DEAD = "upgrade-dead-letters";
    private static final String SCORES = "upgrade-scores";
    private static final String ERRORS = "upgrade-control-errors";

    @Test
    void profilesContinueFromTheSavepointOfTheVersionWithoutScoring(@TempDir Path tmp)
            throws Exception {
        Path bundle = PlantedModels.v1();
        DirectoryFeed events = new DirectoryFeed(tmp.resolve("events"));
        Path control = Files.createDirectories(tmp.resolve("control"));
        Random rnd = new Random(7);

        List<BehaviorEvent> first = new ArrayList<>();
        long t1 = StreamFixtures.phaseStart(1);
        for (int i = 0; i < 10; i++) {
            first.addAll(PlantedModels.sourceEvents("p" + i, i % 4, 4, t1 + i * 10_000L, rnd));
            first.add(PlantedModels.targetEvent("p" + i, (i * 7) % 40, t1 + i * 10_000L + 500));
        }
        first.addAll(StreamFixtures.sentinel(1));
        List<BehaviorEvent> second = new ArrayList<>();
        long t2 = StreamFixtures.phaseStart(2);
        for (int i = 0; i < 5; i++) { // returning users p0..p4, and new users q0..q2
            second.addAll(PlantedModels.sourceEvents("p" + i, i % 4, 2, t2 + i * 10_000L, rnd));
            second.add(PlantedModels.targetEvent("p" + i, (i * 3) % 40, t2 + i * 10_000L + 500));
        }
        for (int i = 0; i < 3; i++) {
            second.addAll(
                    PlantedModels.sourceEvents("q" + i, i, 3, t2 + 100_000L + i * 10_000L, rnd));
        }
        second.addAll(StreamFixtures.sentinel(2));
        List<BehaviorEvent> all = new ArrayList<>(first);
        all.addAll(second);

        // version n: profiles only
        StreamExecutionEnvironment envN =
                Environments.create(
                        Environments.streaming(
                                1, tmp.resolve("checkpoints-n"), Duration.ofSeconds(1)));
        ProfilePipeline.Outputs n =
                StreamFixtures.profiles(StreamFixtures.events(envN, events.dir()));
        n.sinkTo(QueueSink.fresh(PROFILES), QueueSink.<DeadLetter>fresh(DEAD));
        JobClient jobN = envN.executeAsync("graph-n");
        String savepoint;
        try {
            events.write(PlantedModels.jsonLines(first));
            Map<String, UserProfile> want1 = reference(first);
            want1.remove(StreamFixtures.SENTINEL);
            awaitProfiles(want1);
            savepoint =
                    jobN.stopWithSavepoint(
                                    false,
                                    tmp.resolve("savepoints").toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(60, TimeUnit.SECONDS);
            jobN.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            jobN.cancel();
            throw e;
        }
        int emittedByN = QueueSink.contents(PROFILES).size();

        // version n+1: the same operators (same uids) plus the scoring stage, from the savepoint
        Configuration conf =
                Environments.streaming(1, tmp.resolve("checkpoints-n1"), Duration.ofSeconds(1));
        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        StreamExecutionEnvironment envN1 = Environments.create(conf);
        ProfilePipeline.Outputs n1 =
                StreamFixtures.profiles(StreamFixtures.events(envN1, events.dir()));
        n1.sinkTo(QueueSink.appending(PROFILES), QueueSink.appending(DEAD));
        ScoringJobs.attach(
                n1.profiles,
                StreamFixtures.controlSource(control),
                ScoringConfig.defaults().withInitialModel(bundle).withTopN(5).withBatching(16, 50),
                QueueSink.fresh(SCORES),
                QueueSink.fresh(ERRORS));
        JobClient jobN1 = envN1.executeAsync("graph-n+1");
        try {
            events.write(PlantedModels.jsonLines(second));
            Map<String, UserProfile> want = reference(all);
            want.remove(StreamFixtures.SENTINEL);
            Map<String, UserProfile> got = awaitProfiles(want);
            for (Map.Entry<String, UserProfile> e : want.entrySet()) {
                assertTrue(
                        e.getValue().equalsWithin(got.get(e.getKey()), 1e-9),
                        "user " + e.getKey() + ":\n" + e.getValue() + "\n" + got.get(e.getKey()));
            }

            Set<String> updated = new TreeSet<>();
            second.stream()
                    .map(e -> e.user)
                    .filter(u -> !u.equals(StreamFixtures.SENTINEL))
                    .forEach(updated::add);
            Await.until(
                    WAIT,
                    () -> QueueSink.<UserScores>contents(SCORES).size() >= updated.size(),
                    () -> "scores " + QueueSink.contents(SCORES));
            List<UserScores> scores = QueueSink.contents(SCORES);
            assertEquals(updated, new TreeSet<>(scores.stream().map(s -> s.userId).toList()));
            assertEquals(updated.size(), scores.size(), scores.toString());
            PlantedModels.Reference ref = new PlantedModels.Reference(bundle);
            for (UserScores s :
                    scores) { // returning users are scored on their whole history, restored
                // included
                ref.assertMadeBy(s, PlantedModels.history(s.userId, all));
            }
        } finally {
            Jobs.cancelAndWait(jobN1);
        }

        // nothing re-read, nothing replayed: per user, emitted event counts only grow, one update
        // per file
        Map<String, List<Long>> counts = new HashMap<>();
        for (UserProfile p : QueueSink.<UserProfile>contents(PROFILES)) {
            counts.computeIfAbsent(p.user, u -> new ArrayList<>()).add(p.events);
        }
        for (int i = 0; i < 10; i++) {
            List<Long> c = counts.get("p" + i);
            assertEquals(i < 5 ? List.of(5L, 8L) : List.of(5L), c, "updates of p" + i);
        }
        assertTrue(emittedByN >= 10, "version n emitted the first file's profiles");
        assertTrue(
                QueueSink.contents(DEAD).isEmpty(), "no dead letters: " + QueueSink.contents(DEAD));
        assertTrue(
                QueueSink.contents(ERRORS).isEmpty(),
                "no control errors: " + QueueSink.<ControlError>contents(ERRORS));
    }

    private static Map<String, UserProfile> reference(List<BehaviorEvent> events) {
        InMemoryProfiles ref = new InMemoryProfiles(StreamFixtures.PROFILES);
        events.forEach(ref::add);
        return new HashMap<>(ref.profiles());
    }

    /**
     * Waits until the newest emitted profile of every user in {@code want} has as many events;
     * returns the newest.
     */
    private static Map<String, UserProfile> awaitProfiles(Map<String, UserProfile> want) {
        Await.until(
                WAIT,
                () -> {
                    Map<String, UserProfile> got = newest();
                    return want.entrySet().stream()
                            .allMatch(
                                    e ->
                                            got.containsKey(e.getKey())
                                                    && got.get(e.getKey()).events
                                                            >= e.getValue().events);
                },
                () -> "profiles " + newest().keySet() + ", want " + want.keySet());
        return newest();
    }

    private static Map<String, UserProfile> newest() {
        Map<String, UserProfile> out = new HashMap<>();
        for (UserProfile p : QueueSink.<UserProfile>contents(PROFILES)) {
            out.put(p.user, p);
        }
        return out;
    }
}

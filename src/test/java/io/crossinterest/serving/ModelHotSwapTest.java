package io.crossinterest.serving;

import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.event.DeadLetter;
import io.crossinterest.joint.UserScores;
import io.crossinterest.pipeline.Environments;
import io.crossinterest.pipeline.ProfilePipeline;
import io.crossinterest.pipeline.ScoringStage;
import io.crossinterest.testing.Await;
import io.crossinterest.testing.DirectoryFeed;
import io.crossinterest.testing.Jobs;
import io.crossinterest.testing.QueueSink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
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
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model hot-swap on a MiniCluster (STREAMING, RocksDB, parallelism 2, the real ingest → profile →
 * scoring graph): announce the bundle of version 1 ({@code {"bundle": DIR}}: the version is read
 * from the bundle), events, announce version 2 (the older form that also names the version),
 * events, then a bundle that fails to load, a stale announcement, a malformed message, one naming
 * another version than its bundle's and one pointing at no bundle, events. Every output is checked
 * against the model it names (scores, top-N and interests recomputed outside Flink), so an output
 * made by one model and named after another, or mixing the two, fails.
 */
class ModelHotSwapTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SCORES = "hot-swap-scores";
    private static final String ERRORS = "hot-swap-control-errors";
    private static final String DEAD = "hot-swap-dead-letters";

    private final List<BehaviorEvent> sent = new ArrayList<>();
    private final Random rnd = new Random(42);

    @Test
    void announcedModelsTakeOverAndABrokenBundleLeavesTheCurrentOneServing(@TempDir Path tmp)
            throws Exception {
        Path v1 = PlantedModels.v1();
        Path v2 = PlantedModels.v2();
        PlantedModels.Reference reference = new PlantedModels.Reference(v1, v2);
        DirectoryFeed events = new DirectoryFeed(tmp.resolve("events"));
        DirectoryFeed control = new DirectoryFeed(tmp.resolve("control"));

        InMemoryReporter reporter = InMemoryReporter.create();
        Configuration conf =
                reporter.addToConfiguration(
                        Environments.streaming(
                                2, tmp.resolve("checkpoints"), Duration.ofSeconds(1)));
        StreamExecutionEnvironment env = Environments.create(conf);
        ProfilePipeline.Outputs profiles =
                StreamFixtures.profiles(StreamFixtures.events(env, events.dir()));
        ScoringStage.Outputs scoring =
                ScoringStage.build(
                        profiles.profiles,
                        StreamFixtures.control(env, control.dir()),
                        ScoringConfig.defaults().withTopN(5).withBatching(16, 50));
        scoring.sinkTo(QueueSink.fresh(SCORES), QueueSink.fresh(ERRORS));
        profiles.deadLetters
                .sinkTo(QueueSink.<DeadLetter>fresh(DEAD))
                .uid("dead-letter-sink")
                .name("dead letters");

        JobClient job = env.executeAsync("hot-swap-test");
        try {
            // phase 1: version 1 is announced with the first events (they wait for it if they come
            // first)
            control.write(List.of("{\"bundle\": \"" + v1 + "\"}"));
            Set<String> phase1 = phase(events, 1, "a", List.of());
            List<UserScores> out1 = awaitOutputs(phase1, 0);
            check(reference, out1, 1);

            // phase 2: version 2 takes over on every subtask, then new users and a returning one
            control.write(List.of("{\"version\": 2, \"bundle\": \"" + v2 + "\"}"));
            Await.until(
                    WAIT,
                    () -> gauges(reporter, job.getJobID(), "modelVersion").equals(List.of(2L, 2L)),
                    () -> "modelVersion " + gauges(reporter, job.getJobID(), "modelVersion"));
            Set<String> phase2 = phase(events, 2, "b", List.of("a1"));
            List<UserScores> out2 = awaitOutputs(phase2, out1.size());
            check(reference, out2, 2);

            // phase 3: a bundle of version 3 whose network is missing (it fails to load), a stale
            // version, a malformed message, a message naming another version than its bundle's and
            // one pointing at no bundle change nothing
            Path broken = Files.createDirectories(tmp.resolve("broken-bundle"));
            ObjectMapper json = new ObjectMapper();
            ObjectNode md = (ObjectNode) json.readTree(v2.resolve("metadata.json").toFile());
            md.put("modelVersion", 3);
            json.writeValue(broken.resolve("metadata.json").toFile(), md);
            control.write(
                    List.of(
                            "{\"bundle\": \"" + broken + "\"}",
                            "{\"bundle\": \"" + v1 + "\"}",
                            "{not json",
                            "{\"version\": 9, \"bundle\": \"" + v1 + "\"}",
                            "{\"bundle\": \"" + tmp.resolve("no-such-bundle") + "\"}"));
            Await.until(
                    WAIT,
                    () -> QueueSink.contents(ERRORS).size() >= 5,
                    () -> "control errors " + QueueSink.contents(ERRORS));
            // phase 3's events pass both subtasks after the messages: each judged them by then
            Set<String> phase3 = phase(events, 3, "c", List.of("b2"));
            List<UserScores> out3 = awaitOutputs(phase3, out1.size() + out2.size());
            check(reference, out3, 2);
            List<ControlError> errors = QueueSink.contents(ERRORS);
            assertEquals(
                    5,
                    errors.size(),
                    "one control error per announcement, not per subtask: " + errors);
            assertEquals(
                    1,
                    errors.stream()
                            .filter(
                                    e ->
                                            e.version == -1
                                                    && e.reason.startsWith("malformed")
                                                    && "{not json".equals(e.raw))
                            .count(),
                    errors.toString());
            // the parser reads each announced bundle's version: a mismatch or no bundle is
            // rejected there (subtask -1), before the broadcast
            assertEquals(
                    List.of(-1),
                    errors.stream()
                            .filter(
                                    e ->
                                            e.version == 9
                                                    && v1.toString().equals(e.bundle)
                                                    && e.reason.contains(
                                                            "names version 9 but the bundle "
                                                                    + v1
                                                                    + " holds version 1"))
                            .map(e -> e.subtask)
                            .toList(),
                    errors.toString());
            assertEquals(
                    List.of(-1),
                    errors.stream()
                            .filter(
                                    e ->
                                            e.version == -1
                                                    && e.bundle != null
                                                    && e.bundle.endsWith("no-such-bundle")
                                                    && e.reason.contains("cannot read the bundle"))
                            .map(e -> e.subtask)
                            .toList(),
                    errors.toString());
            assertEquals(
                    List.of(0),
                    errors.stream()
                            .filter(
                                    e ->
                                            e.version == 3
                                                    && e.reason.contains("failed to load")
                                                    && e.reason.contains("still serving version 2"))
                            .map(e -> e.subtask)
                            .toList(),
                    errors.toString());
            assertEquals(
                    List.of(0),
                    errors.stream()
                            .filter(e -> e.version == 1 && e.reason.contains("not newer"))
                            .map(e -> e.subtask)
                            .toList(),
                    errors.toString());

            JobID id = job.getJobID();
            assertEquals(List.of(2L, 2L), gauges(reporter, id, "modelVersion"));
            assertEquals(
                    2L,
                    counters(
                            reporter,
                            id,
                            ScoringStage.CONTROL_PARSE_NAME,
                            "rejectedAnnouncements"));
            assertEquals(
                    1L,
                    counters(
                            reporter,
                            id,
                            ScoringStage.CONTROL_PARSE_NAME,
                            "malformedControlMessages"));
            assertEquals(2L, counters(reporter, id, "modelLoadFailures"));
            assertEquals(
                    4L,
                    counters(reporter, id, "modelSwaps")); // v1 and v2 on each of the two subtasks
            // Σ_c interest mass = number of users scored (each output's interests sum to 1)
            long scored = counters(reporter, id, "usersScored");
            assertEquals(out1.size() + out2.size() + out3.size(), scored);
            double mass =
                    gaugeValues(reporter, id, "interestMass").stream()
                            .mapToDouble(Double::doubleValue)
                            .sum();
            assertEquals(scored, mass, 1e-6);
            assertTrue(
                    counters(reporter, id, "skippedNoSourceHistory") >= 1,
                    "the target-only user is skipped");
            assertTrue(QueueSink.contents(DEAD).isEmpty(), "no dead letters");
            assertTrue(
                    QueueSink.<UserScores>contents(SCORES).stream()
                            .noneMatch(
                                    s ->
                                            s.userId.equals("t-only")
                                                    || s.userId.equals(StreamFixtures.SENTINEL)),
                    "users without source behaviour are not scored");
        } finally {
            Jobs.cancelAndWait(job);
        }
    }

    /**
     * Writes phase p: 8 new users {@code prefix0..7} (group i mod 4, 5 source events; the first
     * also one target event), 2 more source events of each returning user, a user with target
     * events only, and the sentinel. Returns the users that must get one output.
     */
    private Set<String> phase(DirectoryFeed feed, int p, String prefix, List<String> returning)
            throws Exception {
        long t = StreamFixtures.phaseStart(p);
        List<BehaviorEvent> ev = new ArrayList<>();
        Set<String> users = new TreeSet<>();
        for (int i = 0; i < 8; i++) {
            String u = prefix + i;
            ev.addAll(PlantedModels.sourceEvents(u, i % 4, 5, t + i * 10_000L, rnd));
            users.add(u);
        }
        ev.add(PlantedModels.targetEvent(prefix + 0, 3, t + 5_000L));
        for (String u : returning) {
            ev.addAll(PlantedModels.sourceEvents(u, u.charAt(1) - '0', 2, t + 90_000L, rnd));
            users.add(u);
        }
        ev.add(PlantedModels.targetEvent("t-only", 25, t + 1_000L));
        ev.addAll(StreamFixtures.sentinel(p));
        sent.addAll(ev);
        feed.write(PlantedModels.jsonLines(ev));
        return users;
    }

    /**
     * Waits until every user of {@code users} has an output after the first {@code before}; returns
     * those.
     */
    private static List<UserScores> awaitOutputs(Set<String> users, int before) {
        Await.until(
                WAIT,
                () -> {
                    List<UserScores> all = QueueSink.contents(SCORES);
                    return all.subList(before, all.size()).stream()
                            .map(s -> s.userId)
                            .collect(Collectors.toSet())
                            .containsAll(users);
                },
                () -> "outputs " + QueueSink.contents(SCORES) + ", waiting for " + users);
        List<UserScores> all = QueueSink.contents(SCORES);
        List<UserScores> mine = all.subList(before, all.size());
        assertEquals(
                users,
                mine.stream().map(s -> s.userId).collect(Collectors.toCollection(TreeSet::new)));
        assertEquals(users.size(), mine.size(), "one output per user and phase: " + mine);
        return new ArrayList<>(mine);
    }

    private void check(PlantedModels.Reference reference, List<UserScores> outs, long version) {
        Map<String, Integer> differ = new HashMap<>();
        for (UserScores s : outs) {
            assertEquals(version, s.modelVersion, s.toString());
            var h = PlantedModels.history(s.userId, sent);
            reference.assertMadeBy(s, h);
            double[] a = reference.allScores(1, h);
            double[] b = reference.allScores(2, h);
            for (int v = 0; v < a.length; v++) {
                if (Math.abs(a[v] - b[v]) > 1e-3) {
                    differ.merge(s.userId, 1, Integer::sum);
                }
            }
        }
        assertTrue(
                !differ.isEmpty(),
                "the two models must score differently for the test to tell them apart");
    }

    /**
     * The metrics of an operator's subtasks (and their sub-groups) in job {@code job}, named {@code
     * name}.
     */
    private static List<Metric> metrics(
            InMemoryReporter r, JobID job, String operator, String name) {
        List<Metric> out = new ArrayList<>();
        for (Map.Entry<MetricGroup, Map<String, Metric>> e : r.getMetricsByGroup().entrySet()) {
            Map<String, String> vars = e.getKey().getAllVariables();
            if (job.toString().equals(vars.get("<job_id>"))
                    && operator.equals(vars.get("<operator_name>"))
                    && e.getValue().containsKey(name)) {
                out.add(e.getValue().get(name));
            }
        }
        return out;
    }

    private static List<Long> gauges(InMemoryReporter r, JobID job, String name) {
        return gaugeValues(r, job, name).stream().map(Double::longValue).toList();
    }

    private static List<Double> gaugeValues(InMemoryReporter r, JobID job, String name) {
        return metrics(r, job, ScoringStage.SCORING_NAME, name).stream()
                .map(m -> ((Number) ((Gauge<?>) m).getValue()).doubleValue())
                .toList();
    }

    private static long counters(InMemoryReporter r, JobID job, String name) {
        return counters(r, job, ScoringStage.SCORING_NAME, name);
    }

    private static long counters(InMemoryReporter r, JobID job, String operator, String name) {
        return metrics(r, job, operator, name).stream()
                .mapToLong(m -> ((Counter) m).getCount())
                .sum();
    }
}

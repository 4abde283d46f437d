package io.crossinterest.jobs;

import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.event.DeadLetter;
import io.crossinterest.ingest.EventJson;
import io.crossinterest.joint.SourceHistory;
import io.crossinterest.joint.UserScores;
import io.crossinterest.profile.InMemoryProfiles;
import io.crossinterest.profile.ProfileJson;
import io.crossinterest.profile.UserProfile;
import io.crossinterest.serving.PlantedModels;
import io.crossinterest.serving.StreamFixtures;
import io.crossinterest.testing.EmbeddedKafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stream job as a Flink shop runs it, end to end: a standalone session cluster started by
 * {@code bin/cross-interest cluster} (Flink's own JobManager and TaskManager entry points, separate
 * JVMs), the shaded job jar submitted, stopped with a savepoint and resubmitted through {@code
 * bin/flink} (Flink's CliFrontend), a real KRaft broker, outputs read with read_committed.
 *
 * <p>Events come in four phases, ten hours of event time apart (emit interval 1 h). A phase is
 * produced only once the previous one's outputs are committed, and each partition ends a phase with
 * an event of a sentinel user two hours later, so the watermark passes every user's interval
 * exactly when the phase is in: each user active in a phase gets exactly one profile update and one
 * recommendation, equal to the in-memory aggregation ({@link InMemoryProfiles}) of all its events
 * up to that phase and to the named model's scores of that history ({@link
 * PlantedModels.Reference}). Right after phase 3 is produced a TaskManager JVM is killed with
 * SIGKILL and a new one added; between phases 3 and 4 the job is stopped with a savepoint and
 * resubmitted from it with model version 2. The check at the end is on everything committed: no
 * expected update or recommendation missing, none twice, every malformed line one dead letter,
 * recommendations of phases 1–3 by model 1 and of phase 4 by model 2, and phase 4's profiles
 * continuing the state of phases 1–3.
 *
 * <p>Heavy (a cluster of three JVMs and a broker): tagged {@code cluster}, run by the Maven profile
 * {@code cluster-e2e} after the job jar is packaged ({@code mvn -B -Pcluster-e2e verify}); see
 * docs/cluster.md.
 */
@Tag("cluster")
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class SessionClusterE2ETest {
    private static final Duration STEP = Duration.ofSeconds(120);
    private static final Duration RECOVERY = Duration.ofSeconds(240);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventJson EVENT_JSON = new EventJson();
    private static final int USERS = 12;
    private static final int PHASES = 4;
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Pattern SAVEPOINT = Pattern.compile("Savepoint completed\\. Path: (\\S+)");

    private static final Path ROOT = repositoryRoot();

    private static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("bin/cross-interest"))
                    && Files.isDirectory(p.resolve("flink-jobs"))) {
                return p;
            }
        }
        throw new IllegalStateException("no bin/cross-interest above " + here);
    }

    /** A finished command: exit code and its standard output and error. */
    record Run(int exit, String out, String err) {
        Run ok(String what) {
            assertEquals(0, exit, what + " failed:\n" + out + "\n" + err);
            return this;
        }
    }

    /**
     * Runs a command of the checkout with a bounded wait; its output goes to files under {@code
     * logs}.
     */
    private static Run run(Path logs, String name, Duration timeout, String... command)
            throws Exception {
        Files.createDirectories(logs);
        Path out = logs.resolve(name + ".out");
        Path err = logs.resolve(name + ".err");
        ProcessBuilder pb =
                new ProcessBuilder(command)
                        .directory(ROOT.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(
                    name
                            + " did not finish within "
                            + timeout
                            + ":\n"
                            + Files.readString(out)
                            + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static String bin(String script) {
        return ROOT.resolve("bin").resolve(script).toString();
    }

    private static String group(Pattern p, String text, String what) {
        Matcher m = p.matcher(text);
        assertTrue(m.find(), "no " + what + " in:\n" + text);
        return m.group(1);
    }

    /**
     * The events of one phase: every user reads 2 source items of its group and uses one target
     * item.
     */
    private static List<BehaviorEvent> phase(int p, Random rnd) {
        List<BehaviorEvent> out = new ArrayList<>();
        long t = StreamFixtures.phaseStart(p);
        for (int i = 0; i < USERS; i++) {
            String user = "k" + i;
            out.addAll(PlantedModels.sourceEvents(user, i % 4, 2, t + i * 10_000L, rnd));
            out.add(PlantedModels.targetEvent(user, (i * 7 + p) % 40, t + i * 10_000L + 5_000L));
        }
        return out;
    }

    /** Not JSON, a missing category, an unknown behaviour, a timestamp that is not a number. */
    private static final List<String> MALFORMED =
            List.of(
                    "not json at all",
                    "{\"user\":\"k1\",\"item\":\"s1\",\"behavior\":\"pv\",\"timestamp\":1700000000000}",
                    "{\"user\":\"k2\",\"item\":\"s2\",\"category\":\"books\",\"behavior\":\"teleport\","
                            + "\"timestamp\":1700000000000}",
                    "{\"user\":\"k3\",\"item\":\"s3\",\"category\":\"books\",\"behavior\":\"pv\",\"timestamp\":\"soon\"}");

    /**
     * Produces a phase: the users' events keyed by user with malformed lines mixed in, then on each
     * partition the phase's sentinel event. Returns the positions ("events-PARTITION@OFFSET") of
     * the malformed lines.
     */
    private static List<String> produce(EmbeddedKafka kafka, int p, List<BehaviorEvent> events)
            throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        List<Future<RecordMetadata>> bad = new ArrayList<>();
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < events.size(); i++) {
                BehaviorEvent e = events.get(i);
                producer.send(new ProducerRecord<>("events", e.user, EVENT_JSON.toJson(e)));
                if (i % 10 == 3) {
                    String line = MALFORMED.get((i / 10 + p) % MALFORMED.size());
                    bad.add(
                            producer.send(
                                    new ProducerRecord<>("events", bad.size() % 2, null, line)));
                }
            }
            List<BehaviorEvent> sentinel = StreamFixtures.sentinel(p);
            for (int partition = 0; partition < 2; partition++) {
                BehaviorEvent s = sentinel.get(partition);
                producer.send(
                        new ProducerRecord<>("events", partition, s.user, EVENT_JSON.toJson(s)));
            }
            producer.flush();
            List<String> positions = new ArrayList<>();
            for (Future<RecordMetadata> f : bad) {
                RecordMetadata m = f.get(30, TimeUnit.SECONDS);
                positions.add("events-" + m.partition() + "@" + m.offset());
            }
            return positions;
        }
    }

    /**
     * An expected output: user and, for profiles, the profile; for recommendations, the history and
     * the model's version.
     */
    record Expected(
            String user, int phase, UserProfile profile, SourceHistory history, long model) {}

    @Test
    void streamOnASessionClusterSurvivesATaskManagerKillAndUpgradesFromASavepoint(@TempDir Path tmp)
            throws Exception {
        Path v1 = PlantedModels.v1();
        Path v2 = PlantedModels.v2();
        Path logs = tmp.resolve("logs");
        Path clusterDir = tmp.resolve("cluster");
        Path jar = ROOT.resolve("flink-jobs/target/cross-interest-jobs.jar");
        assertTrue(Files.isRegularFile(jar), "package the job jar first: " + jar);
        List<Long> started = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(
                    Map.of(
                            "events",
                            2,
                            "profiles",
                            2,
                            "dead",
                            1,
                            "recs",
                            2,
                            "models",
                            1,
                            "models-errors",
                            1));
            try {
                // 1. the cluster: a JobManager and two TaskManagers of one slot each (the job at
                //    parallelism 2 needs both); fast heartbeats so that a killed TaskManager is
                //    noticed within seconds
                Run start =
                        run(
                                logs,
                                "cluster-start",
                                Duration.ofSeconds(240),
                                bin("cross-interest"),
                                "cluster",
                                "start",
                                "--taskmanagers",
                                "2",
                                "--dir",
                                clusterDir.toString(),
                                "-D",
                                "taskmanager.numberOfTaskSlots=1",
                                "-D",
                                "heartbeat.interval=1000",
                                "-D",
                                "heartbeat.timeout=8000");
                String[] lines = start.out().strip().split("\n");
                for (String line : lines) {
                    if (line.startsWith("jobmanager ") || line.startsWith("taskmanager ")) {
                        started.add(Long.parseLong(line.substring(line.indexOf(' ') + 1).strip()));
                    }
                }
                start.ok("cluster start");
                assertEquals(4, lines.length, start.out());
                assertTrue(lines[0].matches("jobmanager \\d+"), start.out());
                assertTrue(
                        lines[1].matches("taskmanager \\d+")
                                && lines[2].matches("taskmanager \\d+"),
                        start.out());
                String rest =
                        group(
                                Pattern.compile(
                                        "^rest http://(127\\.0\\.0\\.1:\\d+)$", Pattern.MULTILINE),
                                start.out(),
                                "rest address");
                long killed = started.get(1);
                // the task managers run with conf/'s env.java.opts.taskmanager (G1's pause
                // target) on top of the JDK 17 flags, as Flink's scripts start them; the job
                // manager without it
                String tmOpts = configValue("env.java.opts.taskmanager");
                assertFalse(tmOpts.isBlank(), "conf/config.yaml sets env.java.opts.taskmanager");
                for (int i = 0; i < 3; i++) {
                    List<String> args = jvmArguments(started.get(i));
                    for (String flag : tmOpts.split("\\s+")) {
                        assertEquals(
                                i > 0, args.contains(flag), lines[i] + ": " + flag + " " + args);
                    }
                }

                String[] common = {
                    "--bootstrap-servers",
                    kafka.bootstrapServers(),
                    "--input-topic",
                    "events",
                    "--output-topic",
                    "profiles",
                    "--dead-letter-topic",
                    "dead",
                    "--group-id",
                    "e2e",
                    "--checkpoint-dir",
                    tmp.resolve("checkpoints").toString(),
                    "--checkpoint-interval",
                    "1s",
                    "--parallelism",
                    "2",
                    "--emit-interval",
                    "1h",
                    "--recommendations-topic",
                    "recs",
                    "--control-topic",
                    "models",
                    "--top-n",
                    "5"
                };

                // 2. submit with bin/flink run -d: the client returns once the job is submitted
                String job =
                        group(
                                JOB_ID,
                                submit(logs, "run-1", rest, jar, null, common, v1).out(),
                                "job id");
                assertTrue(
                        run(logs, "list-1", STEP, bin("flink"), "list", "-m", rest)
                                .ok("flink list")
                                .out()
                                .contains(job),
                        "flink list shows the job");

                Random rnd = new Random(11);
                List<BehaviorEvent> all = new ArrayList<>();
                List<Expected> wantProfiles = new ArrayList<>();
                List<Expected> wantRecs = new ArrayList<>();
                List<String> deadPositions = new ArrayList<>();
                for (int p = 1; p <= PHASES; p++) {
                    if (p == 4) {
                        // 4. stop with a savepoint (bin/flink stop), resubmit from it with model
                        //    version 2
                        Run stop =
                                run(
                                                logs,
                                                "stop",
                                                STEP,
                                                bin("flink"),
                                                "stop",
                                                "-m",
                                                rest,
                                                "--savepointPath",
                                                tmp.resolve("savepoints").toUri().toString(),
                                                job)
                                        .ok("flink stop");
                        String savepoint = group(SAVEPOINT, stop.out(), "savepoint path");
                        job =
                                group(
                                        JOB_ID,
                                        submit(logs, "run-2", rest, jar, savepoint, common, v2)
                                                .out(),
                                        "job id");
                    }
                    List<BehaviorEvent> events = phase(p, rnd);
                    all.addAll(events);
                    deadPositions.addAll(produce(kafka, p, events));
                    all.addAll(StreamFixtures.sentinel(p));
                    if (p == 3) {
                        // 3. phase 3 is in the topic and being processed when a TaskManager dies
                        //    (SIGKILL); a new one joins and the job restores from its last
                        //    checkpoint: what the dead attempt emitted after it is in aborted
                        //    transactions, the restored attempt emits it again, committed once
                        ProcessHandle tm = ProcessHandle.of(killed).orElseThrow();
                        assertTrue(tm.destroyForcibly(), "kill -9 taskmanager " + killed);
                        tm.onExit().get(30, TimeUnit.SECONDS);
                        Run added =
                                run(
                                                logs,
                                                "add-taskmanager",
                                                Duration.ofSeconds(240),
                                                bin("cross-interest"),
                                                "cluster",
                                                "add-taskmanager",
                                                "--dir",
                                                clusterDir.toString())
                                        .ok("add-taskmanager");
                        String line = added.out().strip();
                        assertTrue(line.matches("taskmanager \\d+"), line);
                        started.add(Long.parseLong(line.substring("taskmanager ".length())));
                    }
                    InMemoryProfiles reference = new InMemoryProfiles(StreamFixtures.PROFILES);
                    all.forEach(reference::add);
                    for (int i = 0; i < USERS; i++) {
                        String user = "k" + i;
                        wantProfiles.add(
                                new Expected(user, p, reference.profiles().get(user), null, -1));
                        wantRecs.add(
                                new Expected(
                                        user,
                                        p,
                                        null,
                                        PlantedModels.history(user, all),
                                        p < 4 ? 1 : 2));
                    }
                    int profilesSoFar = wantProfiles.size();
                    int recsSoFar = wantRecs.size();
                    Duration wait = p == 3 ? RECOVERY : STEP;
                    kafka.awaitCommitted("profiles", v -> userUpdates(v) >= profilesSoFar, wait);
                    kafka.awaitCommitted("recs", v -> v.size() >= recsSoFar, wait);
                }

                // 5. everything committed, compared with the reference
                Map<String, List<UserProfile>> gotProfiles = new TreeMap<>();
                for (String line : kafka.readCommitted("profiles", wantProfiles.size())) {
                    UserProfile prof = ProfileJson.read(line);
                    gotProfiles.computeIfAbsent(prof.user, u -> new ArrayList<>()).add(prof);
                }
                List<UserProfile> sentinel = gotProfiles.remove(StreamFixtures.SENTINEL);
                assertNotNull(sentinel, "the sentinel's updates");
                assertEquals(
                        sentinel.stream().map(s -> s.events).distinct().count(),
                        sentinel.size(),
                        "no sentinel update twice: " + sentinel);
                Map<String, List<UserProfile>> want = new TreeMap<>();
                wantProfiles.forEach(
                        e ->
                                want.computeIfAbsent(e.user(), u -> new ArrayList<>())
                                        .add(e.profile()));
                assertEquals(want.keySet(), gotProfiles.keySet(), "users with profile updates");
                for (String user : want.keySet()) {
                    List<UserProfile> w = want.get(user);
                    List<UserProfile> g = gotProfiles.get(user);
                    assertEquals(
                            w.size(),
                            g.size(),
                            user + ": one update per phase, none lost, none twice: " + g);
                    for (int i = 0; i < w.size(); i++) {
                        assertTrue(
                                w.get(i).equalsWithin(g.get(i), 1e-9),
                                user
                                        + " phase "
                                        + (i + 1)
                                        + ":\nwant "
                                        + w.get(i)
                                        + "\ngot  "
                                        + g.get(i));
                    }
                }

                PlantedModels.Reference models = new PlantedModels.Reference(v1, v2);
                Map<String, List<UserScores>> gotRecs = new TreeMap<>();
                for (String line : kafka.readCommitted("recs", wantRecs.size())) {
                    UserScores s = readScores(line);
                    gotRecs.computeIfAbsent(s.userId, u -> new ArrayList<>()).add(s);
                }
                Map<String, List<Expected>> wantByUser = new LinkedHashMap<>();
                wantRecs.forEach(
                        e -> wantByUser.computeIfAbsent(e.user(), u -> new ArrayList<>()).add(e));
                assertEquals(
                        new TreeMap<>(wantByUser).keySet(),
                        gotRecs.keySet(),
                        "users with recommendations");
                for (Map.Entry<String, List<Expected>> e : wantByUser.entrySet()) {
                    List<UserScores> g = gotRecs.get(e.getKey());
                    assertEquals(
                            e.getValue().size(),
                            g.size(),
                            e.getKey() + ": one per phase: " + g.size());
                    for (int i = 0; i < g.size(); i++) {
                        Expected x = e.getValue().get(i);
                        assertEquals(
                                x.model(), g.get(i).modelVersion, x.user() + " phase " + x.phase());
                        models.assertMadeBy(g.get(i), x.history());
                    }
                }

                Map<String, Integer> deadSeen = new HashMap<>();
                for (String line : kafka.readCommitted("dead", deadPositions.size())) {
                    DeadLetter letter = JSON.readValue(line, DeadLetter.class);
                    deadSeen.merge(letter.source + "@" + letter.position, 1, Integer::sum);
                    assertTrue(
                            MALFORMED.contains(letter.raw),
                            "a dead letter of a line not sent: " + line);
                }
                Map<String, Integer> wantDead = new HashMap<>();
                deadPositions.forEach(d -> wantDead.put(d, 1));
                assertEquals(wantDead, deadSeen, "every malformed line exactly one dead letter");

                Run cancel =
                        run(logs, "cancel", STEP, bin("flink"), "cancel", "-m", rest, job)
                                .ok("flink cancel");
                assertFalse(cancel.out().isBlank(), "flink cancel reports");
            } finally {
                stopCluster(logs, clusterDir, started);
            }
        }
    }

    private static Run submit(
            Path logs,
            String name,
            String rest,
            Path jar,
            String savepoint,
            String[] common,
            Path model)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(bin("flink"), "run", "-d", "-m", rest));
        if (savepoint != null) {
            cmd.addAll(List.of("-s", savepoint));
        }
        cmd.add(jar.toString());
        cmd.add("stream");
        cmd.addAll(List.of(common));
        cmd.addAll(List.of("--model", model.toString())); // the bundle holds its version
        Run r = run(logs, name, STEP, cmd.toArray(String[]::new)).ok("flink run " + name);
        assertTrue(
                r.out().contains("stream: job "),
                "the stream command reports its job:\n" + r.out());
        return r;
    }

    /** The number of profile updates of users other than the sentinel. */
    private static long userUpdates(List<String> values) {
        return values.stream()
                .map(ProfileJson::read)
                .filter(u -> !u.user.equals(StreamFixtures.SENTINEL))
                .count();
    }

    /**
     * Stops the cluster through its script, then makes sure no process this test started is left.
     */
    private static void stopCluster(Path logs, Path clusterDir, List<Long> started)
            throws Exception {
        try {
            if (Files.exists(clusterDir.resolve("jobmanager.pid"))) {
                run(
                        logs,
                        "cluster-stop",
                        Duration.ofSeconds(120),
                        bin("cross-interest"),
                        "cluster",
                        "stop",
                        "--dir",
                        clusterDir.toString());
            }
        } finally {
            // only processes of this cluster: their command line names its log folder
            String mine = clusterDir.resolve("log").toString();
            for (long pid : started) {
                ProcessHandle.of(pid)
                        .filter(h -> h.info().commandLine().orElse("").contains(mine))
                        .ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** A recommendation line back into {@link UserScores}. */
    private static UserScores readScores(String text) throws IOException {
        JsonNode n = JSON.readTree(text.getBytes(StandardCharsets.UTF_8));
        List<String> items = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        n.get("top")
                .forEach(
                        x -> {
                            items.add(x.get("item").asText());
                            scores.add(x.get("score").asDouble());
                        });
        List<String> cats = new ArrayList<>();
        List<Double> interest = new ArrayList<>();
        n.get("interests")
                .fields()
                .forEachRemaining(
                        x -> {
                            cats.add(x.getKey());
                            interest.add(x.getValue().asDouble());
                        });
        assertFalse(n.has("modelLabel"), text);
        return new UserScores(
                n.get("user").asText(),
                n.get("modelVersion").asLong(),
                items.toArray(String[]::new),
                scores.stream().mapToDouble(Double::doubleValue).toArray(),
                cats.toArray(String[]::new),
                interest.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** A value of conf/config.yaml (a one-line key: value), "" when absent. */
    private static String configValue(String key) throws IOException {
        return Files.readAllLines(ROOT.resolve("conf/config.yaml")).stream()
                .filter(l -> l.startsWith(key + ":"))
                .map(l -> l.substring(key.length() + 1).strip())
                .reduce((a, b) -> b)
                .orElse("");
    }

    /**
     * The command line of a running process on this machine, from /proc (ProcessHandle.Info drops
     * the arguments of a command line as long as a JVM's with Flink's classpath).
     */
    private static List<String> jvmArguments(long pid) throws IOException {
        String cmdline =
                Files.readString(
                        Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
        return List.of(cmdline.split("\0"));
    }
}

package io.crossinterest.jobs;

import io.crossinterest.event.DeadLetter;
import io.crossinterest.ingest.RejectReason;
import io.crossinterest.pipeline.KafkaIo;
import io.crossinterest.profile.ProfileJson;
import io.crossinterest.profile.UserProfile;
import io.crossinterest.testing.EmbeddedKafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stream} as production traffic meets it, on a broker with default size limits, the command
 * run in a child JVM (its own embedded Flink cluster, as {@code bin/cross-interest stream} runs it)
 * so that it can be killed with SIGKILL:
 *
 * <ol>
 *   <li>Replayed 2017 events of 40 users, all on partition 0 of a 2-partition topic (partition 1
 *       stays quiet for the whole test), then two oversized lines (the 200 KB and the 2 MB line of
 *       issue #14, sent compressed as a producer may), then one "clock" event a day later. With
 *       {@code --idle-timeout} the quiet partition does not hold the watermark back, so every
 *       user's profile is emitted (without it nothing would be: the watermark is the minimum over
 *       the subtasks, and the quiet one has none). {@code --max-emit-delay 0}: only the watermark
 *       emits here; the processing-time deadline has its own test in {@code ProfileAggregatorTest}.
 *       The dead-letter topic holds both lines as 16 KiB prefixes with their length and SHA-256,
 *       the job keeps running, and the outputs carry the time they were written as their Kafka
 *       timestamp (so the broker's 7-day retention keeps them), not 2017.
 *   <li>{@code kill -9} of the process. Starting again with {@code --restore none} and no {@code
 *       --start-from} is refused (exit 2, one line: the group has committed offsets).
 *   <li>More events for half the users, then the same command again: it restores the newest
 *       retained checkpoint ({@code --restore latest}, the default), and every such user's next
 *       profile counts their events before and after the crash; no user's count ever goes down in
 *       the topic.
 * </ol>
 *
 * Topics are read with read_committed; every wait is bounded and ends on a condition.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class StreamRecoveryTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long START = 1_511_658_000_000L; // 2017-11-26 01:00 UTC
    private static final int USERS = 40;
    private static final int FIRST = 5;
    private static final int SECOND = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafka kafka;

    @BeforeAll
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static String event(String user, int i, long time) {
        return "{\"user\":\""
                + user
                + "\",\"item\":\"i"
                + i
                + "\",\"category\":\"c"
                + (i % 4)
                + "\",\"behavior\":\"pv\",\"timestamp\":"
                + time
                + "}";
    }

    /** The 200 KB line of the issue ({@code \x01} × n inside an item id), and its 2 MB sibling. */
    private static String oversized(int n) {
        return "{\"user\":\"ctl-1\",\"item\":\"" + "\u0001".repeat(n) + "\"}";
    }

    @Test
    void oversizedLinesIdlePartitionKillAndRestart(@TempDir Path tmp) throws Exception {
        Path logs =
                Files.createDirectories(
                        Path.of("target", "stream-recovery")); // the children's output, kept
        kafka.createTopics(Map.of("events", 2, "profiles", 2, "dead", 1));
        long testStart = System.currentTimeMillis();
        String big = oversized(200_000);
        String huge = oversized(2_000_000);
        try (KafkaProducer<String, String> producer = producer()) {
            for (int u = 0; u < USERS; u++) {
                for (int i = 0; i < FIRST; i++) {
                    producer.send(
                            new ProducerRecord<>(
                                    "events",
                                    0,
                                    "u" + u,
                                    event("u" + u, i, START + 60_000L * (u * FIRST + i))));
                }
            }
            producer.send(new ProducerRecord<>("events", 0, null, big));
            producer.send(new ProducerRecord<>("events", 0, null, huge));
            producer.send(
                    new ProducerRecord<>(
                            "events", 0, "clock", event("clock", 0, START + 86_400_000L)));
            producer.flush();
        }

        String[] args = {
            "stream",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--input-topic",
            "events",
            "--output-topic",
            "profiles",
            "--dead-letter-topic",
            "dead",
            "--group-id",
            "recovery",
            "--checkpoint-dir",
            tmp.resolve("checkpoints").toString(),
            "--checkpoint-interval",
            "1s",
            "--parallelism",
            "2",
            "--idle-timeout",
            "1s",
            "--max-emit-delay",
            "0"
        };

        // 1. the first run: all 40 users' profiles despite the quiet partition, both oversized
        //    lines as dead letters
        Process first = startChild(logs.resolve("first.log"), args);
        try {
            awaitLine(first, logs.resolve("first.log"), "stream: job [0-9a-f]{32} running");
            List<ConsumerRecord<String, String>> profiles =
                    awaitCommitted("profiles", rs -> users(rs, p -> p.events == FIRST) == USERS);
            assertEquals(
                    USERS,
                    users(profiles, p -> p.events == FIRST),
                    "every user's profile of " + FIRST + " events");
            for (ConsumerRecord<String, String> r : profiles) {
                assertTrue(
                        r.timestamp() >= testStart - 60_000,
                        "a profile stamped with the time it was written, "
                                + "not the events' 2017: "
                                + r.timestamp());
            }
            List<ConsumerRecord<String, String>> dead =
                    awaitCommitted("dead", rs -> rs.size() >= 2);
            assertEquals(2, dead.size());
            assertCapped(dead.get(0), big);
            assertCapped(dead.get(1), huge);
            assertTrue(first.isAlive(), "the job keeps running after the oversized lines");
            // the source commits the group's offsets asynchronously after each checkpoint (what
            // step 2 needs)
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (KafkaIo.committedOffsets(kafka.bootstrapServers(), "recovery", "events")
                            .isEmpty()
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
        } finally {
            first.destroyForcibly()
                    .waitFor(30, TimeUnit.SECONDS); // kill -9: no savepoint, no clean shutdown
        }

        // 2. no silent restart from zero: without state, the group's committed offsets need an
        //    explicit choice
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> withNone = new ArrayList<>(List.of(args));
        withNone.addAll(List.of("--restore", "none"));
        Map<Integer, Long> committed =
                KafkaIo.committedOffsets(kafka.bootstrapServers(), "recovery", "events");
        assertTrue(committed.containsKey(0), "offsets committed at checkpoints: " + committed);
        // refused before a job is built; on its own thread so that a regression that starts the job
        // cannot hang here
        CompletableFuture<Integer> refused =
                CompletableFuture.supplyAsync(
                        () ->
                                CrossInterest.run(
                                        new PrintWriter(out, true),
                                        new PrintWriter(err, true),
                                        withNone.toArray(new String[0])));
        assertEquals(
                CrossInterest.EXIT_USAGE, refused.get(60, TimeUnit.SECONDS), out + " / " + err);
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(
                err.toString().contains("--start-from")
                        && err.toString().contains("committed offsets"),
                err.toString());

        // 3. more events for half of the users, then the same command: restored, every count
        //    continues
        try (KafkaProducer<String, String> producer = producer()) {
            for (int u = 0; u < USERS / 2; u++) {
                for (int i = 0; i < SECOND; i++) {
                    producer.send(
                            new ProducerRecord<>(
                                    "events",
                                    0,
                                    "u" + u,
                                    event(
                                            "u" + u,
                                            FIRST + i,
                                            START + 90_000_000L + 60_000L * (u * SECOND + i))));
                }
            }
            producer.send(
                    new ProducerRecord<>(
                            "events", 0, "clock", event("clock", 1, START + 2 * 86_400_000L)));
            producer.flush();
        }
        Process second = startChild(logs.resolve("second.log"), args);
        try {
            String restored =
                    awaitLine(
                            second, logs.resolve("second.log"), "stream: state restored from \\S+");
            assertTrue(restored.contains("chk-"), restored);
            List<ConsumerRecord<String, String>> profiles =
                    awaitCommitted(
                            "profiles",
                            rs -> users(rs, p -> p.events == FIRST + SECOND) == USERS / 2);
            assertEquals(
                    USERS / 2,
                    users(profiles, p -> p.events == FIRST + SECOND),
                    "every returning user's profile counts the events from before the crash");
            Map<String, Long> last = new TreeMap<>();
            for (ConsumerRecord<String, String> r :
                    profiles) { // a user's updates: one partition, in order
                UserProfile p = ProfileJson.read(r.value());
                Long before = last.put(p.user, p.events);
                assertTrue(
                        before == null || before <= p.events,
                        p.user + ": " + before + " then " + p.events);
            }
            assertEquals(
                    USERS + 1, last.size(), "the 40 users and the first clock: " + last.keySet());
            assertTrue(second.isAlive());
        } finally {
            second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * A dead letter of {@code raw}: a 16 KiB prefix, flagged, with the whole line's length and
     * SHA-256.
     */
    private static void assertCapped(ConsumerRecord<String, String> record, String raw)
            throws Exception {
        DeadLetter d = JSON.readValue(record.value(), DeadLetter.class);
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        assertTrue(d.rawTruncated, record.value().substring(0, 200));
        assertEquals(bytes.length, d.rawBytes);
        assertEquals(
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)),
                d.rawSha256);
        assertEquals(raw.substring(0, 16 * 1024), d.raw);
        assertTrue(RejectReason.ofMessage(d.reason) != null, "a reason with its code: " + d.reason);
    }

    private static long users(
            List<ConsumerRecord<String, String>> records, Predicate<UserProfile> p) {
        return records.stream()
                .map(r -> ProfileJson.read(r.value()))
                .filter(p)
                .map(u -> u.user)
                .filter(u -> u.startsWith("u"))
                .distinct()
                .count();
    }

    private static KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        // a producer may send a 2 MB line compressed: the broker checks the compressed batch
        // against its 1 MB limit
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "4194304");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /**
     * All committed records of {@code topic} (read_committed, from the start) once {@code done}
     * holds, or WAIT.
     */
    private static List<ConsumerRecord<String, String>> awaitCommitted(
            String topic, Predicate<List<ConsumerRecord<String, String>>> done) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts =
                    c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                            .map(info -> new TopicPartition(topic, info.partition()))
                            .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!done.test(records) && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /**
     * {@code CrossInterest args} in a child JVM with the test classpath and JDK flags, output to
     * {@code log}.
     */
    private static Process startChild(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--add-exports")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(CrossInterest.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /**
     * The first line of {@code log} matching {@code regex} (bounded wait; fails if the process ends
     * first).
     */
    private static String awaitLine(Process p, Path log, String regex) throws Exception {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : read(log).lines().toList()) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return line;
                }
            }
            if (!p.isAlive()) {
                throw new AssertionError("stream exited with " + p.exitValue() + ":\n" + tail(log));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no line /" + regex + "/ within " + WAIT + ":\n" + tail(log));
    }

    /** The log so far (a line being written may end in part of a character: decoded leniently). */
    private static String read(Path log) throws IOException {
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = read(log).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}

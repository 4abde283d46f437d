package io.crossinterest.jobs;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.event.DeadLetter;
import io.crossinterest.ingest.RejectReason;
import io.crossinterest.profile.BehaviorWeights;
import io.crossinterest.profile.InMemoryProfiles;
import io.crossinterest.profile.ProfileConfig;
import io.crossinterest.profile.ProfileJson;
import io.crossinterest.profile.UserProfile;
import io.crossinterest.testing.EmbeddedKafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stream} end to end as a user runs it: JSON-lines events (the README's wire format) and
 * malformed records in a topic of a real KRaft broker, the command line's own call path ({@link
 * CrossInterest#run}) submitting the job to the test's MiniCluster (the context environment, as a
 * Flink cluster is under {@code flink run}), then, read with read_committed:
 *
 * <ol>
 *   <li>while the job runs, the profile topic reaches, for every user, the profile {@link
 *       InMemoryProfiles} computes on the same events with the same {@code --half-life} and {@code
 *       --weights}; the dead-letter topic holds exactly the malformed records, each with its
 *       partition, offset and reason;
 *   <li>{@code flink stop --drain} (stop-with-savepoint, end of event time): the job finishes, the
 *       command exits 0, and the last pending updates are committed, so every distinct valid user
 *       has its final profile.
 * </ol>
 *
 * Profile updates are emitted when the watermark passes a user's emit interval; the watermark of a
 * live topic follows its newest events, so each partition ends with one event of a "clock" user a
 * day later, which moves the watermark past every other user's events. The clock users' own updates
 * are sent once the watermark has stood still for {@code --max-emit-delay} (2 s here). All waits
 * are bounded and end on conditions.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS) // 2 cores shared with other builds: ~45 s unloaded
class StreamCommandKafkaTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long START = 1_511_658_000_000L; // 2017-11-26 01:00 UTC
    private static final String HALF_LIFE = "1d";
    private static final String WEIGHTS = "fav=2.5,cart=3,buy=6";
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

    /**
     * A malformed record as produced, where it landed and the reason code its dead letter must
     * carry.
     */
    record Bad(byte[] value, RejectReason reason) {}

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final List<Bad> MALFORMED =
            List.of(
                    new Bad(utf8("not json at all"), RejectReason.BAD_JSON),
                    new Bad(utf8(""), RejectReason.EMPTY),
                    new Bad(null, RejectReason.EMPTY), // a tombstone
                    new Bad(
                            utf8(
                                    "{\"user\":\"u1\",\"item\":\"i1\",\"category\":\"c1\",\"behavior\":\"teleport\","
                                            + "\"timestamp\":1511658000000}"),
                            RejectReason.UNKNOWN_BEHAVIOR),
                    new Bad(
                            utf8(
                                    "{\"user\":\"u1\",\"item\":\"i1\",\"behavior\":\"pv\",\"timestamp\":1511658000000}"),
                            RejectReason.MISSING_FIELD),
                    new Bad(
                            utf8(
                                    "{\"user\":\"u2\",\"item\":\"i2\",\"category\":\"c2\",\"behavior\":\"rating\","
                                            + "\"timestamp\":1511658000000}"),
                            RejectReason.MISSING_FIELD),
                    new Bad(
                            utf8(
                                    "{\"user\":\"u2\",\"item\":\"i2\",\"category\":\"c2\",\"behavior\":\"pv\",\"timestamp\":-5}"),
                            RejectReason.NEGATIVE_TIMESTAMP),
                    new Bad(
                            utf8(
                                    "{\"user\":\"u2\",\"item\":\"i2\",\"category\":\"c2\",\"behavior\":\"pv\","
                                            + "\"timestamp\":4102444800000}"),
                            RejectReason.FUTURE_TIMESTAMP),
                    new Bad(
                            utf8(
                                    "{\"user\":\"u3\",\"item\":\"i3\",\"category\":\"c3\",\"behavior\":\"pv\",\"timestamp\":\"x\"}"),
                            RejectReason.NOT_A_NUMBER),
                    new Bad(
                            new byte[] {'{', '"', 'u', (byte) 0xff, (byte) 0xfe, '"', '}'},
                            RejectReason.BAD_UTF8));

    /**
     * 500 events of 30 users over 8 categories, 7 minutes apart (~2.4 days: the 1-day half-life
     * matters).
     */
    private static List<BehaviorEvent> events() {
        Random rnd = new Random(23);
        Behavior[] behaviors = {
            Behavior.PV, Behavior.CLICK, Behavior.FAV, Behavior.CART, Behavior.BUY, Behavior.RATING
        };
        List<BehaviorEvent> out = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Behavior b = behaviors[rnd.nextInt(behaviors.length)];
            double weight = b == Behavior.RATING ? 1 + rnd.nextInt(5) : 1.0;
            out.add(
                    new BehaviorEvent(
                            "u" + rnd.nextInt(30),
                            "i" + rnd.nextInt(200),
                            "c" + rnd.nextInt(8),
                            b,
                            weight,
                            START + 420_000L * i));
        }
        return out;
    }

    /** The README's wire format; {@code weight} only where it is required (ratings) or not 1. */
    private static byte[] wire(BehaviorEvent e) throws Exception {
        ObjectNode o = JSON.createObjectNode();
        o.put("user", e.user)
                .put("item", e.item)
                .put("category", e.category)
                .put("behavior", e.behavior.wireName());
        if (e.behavior == Behavior.RATING || e.weight != 1.0) {
            o.put("weight", e.weight);
        }
        o.put("timestamp", e.timestamp);
        return JSON.writeValueAsBytes(o);
    }

    @Test
    void streamCommandProfilesAndDeadLettersThroughKafka(
            @TempDir Path tmp, @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        kafka.createTopics(Map.of("events", 2, "profiles", 2, "dead", 1));

        // events keyed by user (all of a user's events in one partition, in time order), malformed
        // records interleaved, and last in each partition one event of that partition's clock user
        // a day after the rest
        List<BehaviorEvent> valid = events();
        long end = valid.get(valid.size() - 1).timestamp;
        Map<String, RejectReason> expectedDead =
                new TreeMap<>(); // "events-<partition>@<offset>" -> reason
        Map<String, Bad> deadByPosition = new TreeMap<>();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> badSent = new ArrayList<>();
            for (int i = 0; i < valid.size(); i++) {
                BehaviorEvent e = valid.get(i);
                producer.send(new ProducerRecord<>("events", utf8(e.user), wire(e)));
                if (i % 50 == 25) {
                    Bad b = MALFORMED.get(badSent.size());
                    badSent.add(
                            producer.send(
                                    new ProducerRecord<>(
                                            "events", badSent.size() % 2, null, b.value())));
                }
            }
            assertEquals(MALFORMED.size(), badSent.size());
            for (int partition = 0; partition < 2; partition++) {
                BehaviorEvent clock =
                        new BehaviorEvent(
                                "clock-" + partition,
                                "tick",
                                "clock",
                                Behavior.PV,
                                1.0,
                                end + Duration.ofDays(1).toMillis());
                valid.add(clock);
                producer.send(
                        new ProducerRecord<>("events", partition, utf8(clock.user), wire(clock)));
            }
            producer.flush();
            for (int i = 0; i < badSent.size(); i++) {
                RecordMetadata m = badSent.get(i).get(30, TimeUnit.SECONDS);
                String at = "events-" + m.partition() + "@" + m.offset();
                expectedDead.put(at, MALFORMED.get(i).reason());
                deadByPosition.put(at, MALFORMED.get(i));
            }
        }

        ProfileConfig config =
                ProfileConfig.defaults()
                        .withHalfLife(Duration.ofDays(1))
                        .withWeights(BehaviorWeights.parse(WEIGHTS));
        InMemoryProfiles reference = new InMemoryProfiles(config);
        valid.forEach(reference::add);
        Map<String, UserProfile> want = reference.profiles();
        Map<String, UserProfile> wantLive = new TreeMap<>(want);
        wantLive.keySet().removeIf(u -> u.startsWith("clock-"));
        assertEquals(32, want.size(), "30 users and 2 clocks");

        // the command blocks while its job runs, as on a terminal: it runs on its own thread (the
        // LiveStream fixture, which cancels the job at the end unless the test stopped it)
        try (LiveStream stream =
                LiveStream.start(
                        cluster,
                        streamArgs(
                                "events",
                                "profiles",
                                "dead",
                                "e2e",
                                tmp,
                                "--max-emit-delay",
                                "2s"))) {
            JobID job = stream.job;

            // 1. live: every (non-clock) user's final profile and all dead letters, committed while
            //    the job runs; then the input is quiet and the watermark stands still below the
            //    clocks' emit intervals: --max-emit-delay sends their updates too
            List<String> live =
                    kafka.awaitCommitted(
                            "profiles", values -> matches(wantLive, lastPerUser(values)), WAIT);
            assertProfiles(wantLive, lastPerUser(live), "live");
            List<String> quiet =
                    kafka.awaitCommitted(
                            "profiles", values -> matches(want, lastPerUser(values)), WAIT);
            assertProfiles(want, lastPerUser(quiet), "quiet input");
            List<String> dead =
                    kafka.awaitCommitted("dead", values -> values.size() >= MALFORMED.size(), WAIT);
            assertEquals(MALFORMED.size(), dead.size(), dead.toString());
            Map<String, RejectReason> gotDead = new TreeMap<>();
            for (String d : dead) {
                DeadLetter letter = JSON.readValue(d, DeadLetter.class);
                String at = letter.source + "@" + letter.position;
                Bad sent = deadByPosition.get(at);
                assertNotNull(
                        sent,
                        "a dead letter at a position where no malformed record was sent: " + d);
                if (sent.reason() != RejectReason.BAD_UTF8) {
                    assertEquals(
                            sent.value() == null
                                    ? ""
                                    : new String(sent.value(), StandardCharsets.UTF_8),
                            letter.raw,
                            d);
                }
                assertTrue(
                        letter.reason.startsWith(sent.reason().code() + ": "),
                        "reason code and detail: " + d);
                gotDead.put(at, RejectReason.ofMessage(letter.reason));
            }
            assertEquals(expectedDead, gotDead);

            // 2. stop --drain: end of event time flushes the clocks' updates; the job finishes, the
            //    command exits 0 into <checkpoint-dir>/savepoints (where the embedded cluster of
            //    bin/cross-interest puts a savepoint without a target folder): the command names it
            //    when it ends, and --restore latest would pick it
            String savepoint =
                    cluster.stopWithSavepoint(
                                    job,
                                    true,
                                    tmp.resolve("checkpoints")
                                            .resolve("savepoints")
                                            .toUri()
                                            .toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(
                    0, stream.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS), stream.err.toString());
            assertTrue(
                    savepoint.contains(tmp.resolve("checkpoints").resolve("savepoints").toString()),
                    savepoint);
            assertTrue(
                    stream.out
                            .toString()
                            .contains(" stopped; savepoint " + Path.of(URI.create(savepoint))),
                    savepoint + "\n" + stream.out);
            Map<String, UserProfile> all =
                    lastPerUser(
                            kafka.awaitCommitted(
                                    "profiles",
                                    values -> lastPerUser(values).size() >= want.size(),
                                    WAIT));
            assertProfiles(want, all, "after stop --drain");
            assertEquals(
                    MALFORMED.size(),
                    kafka.readCommitted("dead", MALFORMED.size()).size(),
                    "no dead letter twice");
        }
    }

    /**
     * {@code stream --emit-interval 0} (per-event emission, the low-latency configuration): every
     * event's update reaches the profile topic although the watermark never passes the last events
     * (no clock events, and {@code --max-emit-delay 0}: no quiet-input emission either), so each
     * user's updates count 1, 2, ..., n of its events, each once, and the last is the in-memory
     * profile.
     */
    @Test
    void perEventEmissionWritesEveryEventsUpdateWithoutTheWatermark(
            @TempDir Path tmp, @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        kafka.createTopics(Map.of("events-pe", 2, "profiles-pe", 2, "dead-pe", 1));
        List<BehaviorEvent> valid = events();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (BehaviorEvent e : valid) {
                sent.add(producer.send(new ProducerRecord<>("events-pe", utf8(e.user), wire(e))));
            }
            // a lost input event fails here, not as a missing update
            for (Future<RecordMetadata> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        ProfileConfig config =
                ProfileConfig.defaults()
                        .withHalfLife(Duration.ofDays(1))
                        .withWeights(BehaviorWeights.parse(WEIGHTS));
        InMemoryProfiles reference = new InMemoryProfiles(config);
        valid.forEach(reference::add);
        Map<String, UserProfile> want = reference.profiles();

        // the command on its own thread, cancelled at the end (the LiveStream fixture)
        try (LiveStream stream =
                LiveStream.start(
                        cluster,
                        streamArgs(
                                "events-pe",
                                "profiles-pe",
                                "dead-pe",
                                "per-event",
                                tmp,
                                "--emit-interval",
                                "0",
                                "--max-emit-delay",
                                "0",
                                "--buffer-timeout",
                                "5ms"))) {
            List<String> got =
                    kafka.awaitCommitted(
                            "profiles-pe",
                            values ->
                                    values.size() >= valid.size()
                                            && matches(want, lastPerUser(values)),
                            WAIT);
            Map<String, List<Long>> counts = new TreeMap<>();
            for (String j : got) {
                UserProfile u = ProfileJson.read(j);
                counts.computeIfAbsent(u.user, k -> new ArrayList<>()).add(u.events);
            }
            assertEquals(want.keySet(), counts.keySet());
            for (Map.Entry<String, List<Long>> c : counts.entrySet()) {
                List<Long> oneToN = new ArrayList<>();
                for (long n = 1; n <= want.get(c.getKey()).events; n++) {
                    oneToN.add(n);
                }
                assertEquals(oneToN, c.getValue(), "updates of " + c.getKey() + ", in order");
            }
            assertProfiles(want, lastPerUser(got), "per event");
        }
    }

    /**
     * The {@code stream} command line both tests share: the local broker, the three topics, the
     * consumer group, checkpoints every 300 ms under {@code tmp}, parallelism 2, the test's
     * half-life and weights; then {@code extra}.
     */
    private static String[] streamArgs(
            String input, String output, String dead, String group, Path tmp, String... extra) {
        List<String> a =
                new ArrayList<>(
                        List.of(
                                "stream",
                                "--bootstrap-servers",
                                kafka.bootstrapServers(),
                                "--input-topic",
                                input,
                                "--output-topic",
                                output,
                                "--dead-letter-topic",
                                dead,
                                "--group-id",
                                group,
                                "--checkpoint-dir",
                                tmp.resolve("checkpoints").toString(),
                                "--checkpoint-interval",
                                "300ms",
                                "--parallelism",
                                "2",
                                "--half-life",
                                HALF_LIFE,
                                "--weights",
                                WEIGHTS));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    /** The newest update of each user (a user's updates are in one partition, in order). */
    private static Map<String, UserProfile> lastPerUser(List<String> json) {
        Map<String, UserProfile> last = new TreeMap<>();
        for (String j : json) {
            UserProfile p = ProfileJson.read(j);
            UserProfile before = last.get(p.user);
            if (before == null || before.events <= p.events) {
                last.put(p.user, p);
            }
        }
        return last;
    }

    private static boolean matches(Map<String, UserProfile> want, Map<String, UserProfile> got) {
        Predicate<String> same =
                u -> got.containsKey(u) && want.get(u).equalsWithin(got.get(u), 1e-9);
        return want.keySet().stream().allMatch(same);
    }

    private static void assertProfiles(
            Map<String, UserProfile> want, Map<String, UserProfile> got, String when) {
        assertEquals(want.keySet(), got.keySet(), when + ": users");
        want.forEach(
                (u, p) ->
                        assertTrue(
                                p.equalsWithin(got.get(u), 1e-9),
                                when + ", " + u + ":\nwant " + p + "\ngot  " + got.get(u)));
    }
}

package io.crossinterest.pipeline;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.event.DeadLetter;
import io.crossinterest.ingest.DeadLetterJson;
import io.crossinterest.ingest.EventJson;
import io.crossinterest.ingest.InputFormats;
import io.crossinterest.ingest.InputPlan;
import io.crossinterest.ingest.ParseLimits;
import io.crossinterest.ingest.ParseStep;
import io.crossinterest.ingest.RawLineFormat;
import io.crossinterest.ingest.RawRecord;
import io.crossinterest.ingest.RawRecordKafkaDeserializer;
import io.crossinterest.ingest.RecordParser;
import io.crossinterest.profile.InMemoryProfiles;
import io.crossinterest.profile.ProfileConfig;
import io.crossinterest.profile.ProfileJson;
import io.crossinterest.profile.UserProfile;
import io.crossinterest.testing.EmbeddedKafka;
import io.crossinterest.testing.TestData;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The streaming job against a real KRaft broker: JSON events from a topic, through the graph
 * (RocksDB, checkpoints), into exactly-once topics of profiles and dead letters, read back with
 * read_committed; and the HybridSource, Taobao history files first and then the topic. The Kafka
 * sources are bounded at the offsets of the job's start, so each job ends by itself (its final
 * watermark emits the last updates and its final checkpoint commits the transactions).
 */
class KafkaProfileJobTest {
    private static final ProfileConfig CONFIG = ProfileConfig.defaults().withSequenceLength(10);
    private static final RecordParser JSON =
            InputFormats.parser(InputFormats.JSONL, ParseLimits.DEFAULTS);
    private static final String[] MALFORMED = {
        "{\"user\":\"1\"}",
        "not json at all",
        "",
        "{\"user\":\"2\",\"item\":\"3\",\"category\":\"4\",\"behavior\":\"teleport\",\"timestamp\":1511658000000}"
    };

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** JSON events of 40 users over 8 categories, deterministic. */
    private static List<BehaviorEvent> liveEvents(long start) {
        List<BehaviorEvent> events = new ArrayList<>();
        Behavior[] bs = {Behavior.PV, Behavior.CART, Behavior.FAV, Behavior.BUY};
        Random rnd = new Random(11);
        for (int i = 0; i < 600; i++) {
            events.add(
                    new BehaviorEvent(
                            Integer.toString(rnd.nextInt(40)),
                            Integer.toString(rnd.nextInt(300)),
                            Integer.toString(rnd.nextInt(8)),
                            bs[rnd.nextInt(4)],
                            1.0,
                            start + 1000L * i));
        }
        return events;
    }

    /**
     * Writes the input, and fails unless every record is in the topic. {@code flush()} returns when
     * every send has completed, successfully or not: on a loaded broker the first batches of a new
     * topic met NOT_LEADER_OR_FOLLOWER, the idempotent producer's retries then ran into
     * OUT_OF_ORDER_SEQUENCE_NUMBER until {@code delivery.timeout.ms} (2 min) expired batches, and
     * those events were silently missing from the topic while the in-memory reference had them:
     * kafkaRoundTripExactlyOnce then failed on a user's profile (6 events in the topic, 10 in the
     * reference). One request in flight per partition keeps a failed first batch from leaving later
     * ones out of sequence, and every send's result is checked.
     */
    private static void produce(String topic, List<BehaviorEvent> events, String... malformed)
            throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        EventJson json = new EventJson();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (BehaviorEvent e : events) {
                sent.add(
                        producer.send(
                                new ProducerRecord<>(
                                        topic,
                                        e.user.getBytes(StandardCharsets.UTF_8),
                                        json.serialize(e))));
            }
            for (String m : malformed) {
                sent.add(
                        producer.send(
                                new ProducerRecord<>(topic, m.getBytes(StandardCharsets.UTF_8))));
            }
            producer.flush();
            for (var f : sent) {
                f.get(); // throws if the record is not in the topic: the reference would not
                // match it
            }
        }
    }

    private static Map<String, UserProfile> lastPerUser(List<String> json) {
        Map<String, UserProfile> last = new TreeMap<>();
        for (String j : json) {
            UserProfile p = ProfileJson.read(j);
            UserProfile before = last.put(p.user, p);
            assertTrue(before == null || before.events <= p.events, "updates of a user in order");
        }
        return last;
    }

    private static void runToEnd(
            Path tmp, Source<RawRecord, ?, ?> source, RecordParser parser, String out, String dead)
            throws Exception {
        StreamExecutionEnvironment env =
                Environments.create(
                        Environments.streaming(
                                2, tmp.resolve("checkpoints"), Duration.ofMillis(500)));
        JobClient job =
                ProfileJobs.stream(
                        env,
                        source,
                        parser,
                        CONFIG,
                        KafkaIo.profileSink(
                                kafka.bootstrapServers(), out, "test-" + out, KafkaOutput.DEFAULTS),
                        KafkaIo.deadLetterSink(
                                kafka.bootstrapServers(),
                                dead,
                                "test-" + dead,
                                new DeadLetterJson(),
                                KafkaOutput.DEFAULTS));
        job.getJobExecutionResult().get(180, TimeUnit.SECONDS);
    }

    private static void assertProfiles(
            Map<String, UserProfile> want, Map<String, UserProfile> got) {
        assertEquals(want.keySet(), got.keySet());
        want.forEach(
                (u, p) ->
                        assertTrue(
                                p.equalsWithin(got.get(u), 1e-9),
                                u + ":\n" + p + "\n" + got.get(u)));
    }

    /**
     * A dead-letter topic whose {@code max.message.bytes} (4 KiB) is below a dead letter of a 10 KB
     * line, and at-least-once delivery: the limit is read from the topic, the big dead letter is
     * skipped (never sent, so no send fails and the job does not), the small one and every profile
     * arrive, and the job ends normally.
     */
    @Test
    void aRecordTheTopicWouldRefuseIsSkippedAndTheJobGoesOn(@TempDir Path tmp) throws Exception {
        kafka.createTopics(Map.of("small-events", 1, "small-profiles", 1));
        try (var admin = kafka.admin()) {
            admin.createTopics(
                            List.of(
                                    new NewTopic("small-dead", 1, (short) 1)
                                            .configs(Map.of("max.message.bytes", "4096"))))
                    .all()
                    .get(60, TimeUnit.SECONDS);
        }
        assertEquals(
                4096,
                KafkaIo.maxRecordBytes(
                        kafka.bootstrapServers(), List.of("small-profiles", "small-dead")));
        assertEquals(
                KafkaOutput.DEFAULT_MAX_RECORD_BYTES,
                KafkaIo.maxRecordBytes(
                        kafka.bootstrapServers(), List.of("small-profiles", "not-created-yet")));

        List<BehaviorEvent> events = liveEvents(1_511_658_000_000L).subList(0, 100);
        String big = "{\"user\":\"" + "x".repeat(10_000) + "\"}";
        produce("small-events", events, big, "not json at all");
        KafkaOutput output =
                new KafkaOutput(
                        DeliveryGuarantee.AT_LEAST_ONCE,
                        KafkaOutput.Timestamps.PRODUCED,
                        KafkaIo.maxRecordBytes(
                                kafka.bootstrapServers(), List.of("small-profiles", "small-dead")));
        StreamExecutionEnvironment env =
                Environments.create(
                        Environments.streaming(
                                1, tmp.resolve("checkpoints"), Duration.ofMillis(500)));
        JobClient job =
                ProfileJobs.stream(
                        env,
                        KafkaIo.boundedSource(
                                kafka.bootstrapServers(),
                                "small-events",
                                "small",
                                new RawRecordKafkaDeserializer()),
                        JSON,
                        CONFIG,
                        KafkaIo.profileSink(
                                kafka.bootstrapServers(),
                                "small-profiles",
                                "test-small-profiles",
                                output),
                        KafkaIo.deadLetterSink(
                                kafka.bootstrapServers(),
                                "small-dead",
                                "test-small-dead",
                                new DeadLetterJson(),
                                output));
        job.getJobExecutionResult().get(180, TimeUnit.SECONDS);

        List<String> dead = kafka.readCommitted("small-dead", 1);
        assertEquals(
                1,
                dead.size(),
                "the 10 KB line's dead letter is skipped, the small one is written: " + dead);
        assertTrue(dead.get(0).contains("not json at all"), dead.get(0));
        InMemoryProfiles ref = new InMemoryProfiles(CONFIG);
        events.forEach(ref::add);
        assertProfiles(
                ref.profiles(),
                lastPerUser(kafka.readCommitted("small-profiles", ref.profiles().size())));
    }

    private static KafkaProducer<byte[], byte[]> transactional(String id) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        return producer;
    }

    private static void sendInTransaction(
            KafkaProducer<byte[], byte[]> producer, String topic, String value) {
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8)));
        producer.flush();
    }

    /**
     * What a reader sees right after a job's last commit on a loaded broker: the commit has
     * returned but the partition has not got its commit marker yet, so the transaction is still
     * open there and the last stable offset stands at its first record (here: a transaction left
     * open, then a later one committed behind it). Reading "to the LSO" then returns without the
     * last records (kafkaRoundTripExactlyOnce once read a user's update of 6 events instead of the
     * final one of 10); the reader must wait until no transaction is open, then read everything
     * committed.
     */
    @Test
    void readCommittedWaitsUntilNoTransactionIsOpen() throws Exception {
        kafka.createTopics(Map.of("half-committed", 1));
        try (KafkaProducer<byte[], byte[]> a = transactional("reader-test-a");
                KafkaProducer<byte[], byte[]> b = transactional("reader-test-b")) {
            sendInTransaction(a, "half-committed", "first");
            a.commitTransaction();
            sendInTransaction(b, "half-committed", "open until later"); // pins the LSO
            sendInTransaction(a, "half-committed", "last");
            a.commitTransaction();

            CompletableFuture<List<String>> read =
                    CompletableFuture.supplyAsync(() -> kafka.readCommitted("half-committed", 1));
            Thread.sleep(3_000);
            boolean returnedEarly = read.isDone();
            b.commitTransaction();
            List<String> got = read.get(120, TimeUnit.SECONDS);
            assertEquals(
                    List.of("first", "open until later", "last"),
                    got,
                    "read everything committed, not only up to the open transaction");
            assertTrue(!returnedEarly, "returned while a transaction was open: " + got);
        }
    }

    @Test
    void kafkaRoundTripExactlyOnce(@TempDir Path tmp) throws Exception {
        kafka.createTopics(Map.of("events", 2, "profiles", 2, "dead", 1));
        List<BehaviorEvent> events = liveEvents(1_511_658_000_000L);
        produce("events", events, MALFORMED);
        KafkaSource<RawRecord> source =
                KafkaIo.boundedSource(
                        kafka.bootstrapServers(),
                        "events",
                        "round-trip",
                        new RawRecordKafkaDeserializer());
        runToEnd(tmp, source, JSON, "profiles", "dead");

        InMemoryProfiles ref = new InMemoryProfiles(CONFIG);
        events.forEach(ref::add);
        Map<String, UserProfile> got = lastPerUser(kafka.readCommitted("profiles", ref.size()));
        assertProfiles(ref.profiles(), got);

        List<String> dead = kafka.readCommitted("dead", MALFORMED.length);
        assertEquals(MALFORMED.length, dead.size(), dead.toString());
        List<String> raws = new ArrayList<>();
        for (String d : dead) {
            DeadLetter letter = new ObjectMapper().readValue(d, DeadLetter.class);
            assertTrue(letter.source.startsWith("events-"), letter.toString());
            raws.add(letter.raw);
        }
        assertEquals(new TreeSet<>(List.of(MALFORMED)), new TreeSet<>(raws));
    }

    @Test
    void hybridSourceReadsHistoryFilesThenKafka(@TempDir Path tmp) throws Exception {
        kafka.createTopics(Map.of("live", 2, "hybrid-profiles", 2, "hybrid-dead", 1));
        // history: the first 3000 Taobao rows (2017-11-26 09:00..); live: later JSON events, partly
        // the same users
        Path sample = TestData.require("taobao-userbehavior/UserBehavior_timeslice_110k.csv");
        List<String> rows = Files.readAllLines(sample).subList(0, 3000);
        Path historyFile = tmp.resolve("history.csv");
        Files.write(historyFile, rows);
        List<BehaviorEvent> live = new ArrayList<>();
        for (BehaviorEvent e : liveEvents(1_511_700_000_000L)) {
            String[] row = rows.get(Integer.parseInt(e.user) * 7).split(",");
            live.add(
                    new BehaviorEvent(
                            row[0], e.item, e.category, e.behavior, e.weight, e.timestamp));
        }
        produce("live", live);

        InputPlan plan = InputFormats.resolve(InputFormats.TAOBAO, historyFile);
        KafkaSource<RawRecord> kafkaPart =
                KafkaIo.boundedSource(
                        kafka.bootstrapServers(),
                        "live",
                        "hybrid",
                        new RawRecordKafkaDeserializer());
        RecordParser parser = new SourceDispatchParser("live", plan.parser(), JSON);
        runToEnd(
                tmp,
                ProfileJobs.history(RawLineFormat.fileSource(plan), kafkaPart),
                parser,
                "hybrid-profiles",
                "hybrid-dead");

        InMemoryProfiles ref = new InMemoryProfiles(CONFIG);
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(
                    null,
                    ParseStep.parseOrDeadLetter(
                            plan.parser(), new RawRecord("h", i + 1, rows.get(i)), ref::add));
        }
        live.forEach(ref::add);
        Map<String, UserProfile> got =
                lastPerUser(kafka.readCommitted("hybrid-profiles", ref.size()));
        assertProfiles(ref.profiles(), got);
        assertTrue(
                got.values().stream().anyMatch(p -> p.events > 5),
                "history and live events met in one profile");
    }
}

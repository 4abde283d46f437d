package io.crossinterest.testing;

import io.crossinterest.kafka.LocalKafkaBroker;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The tests' Kafka: a {@link LocalKafkaBroker} (a real single-node 3.9 broker in KRaft mode, in a
 * child JVM) on the test classpath with the broker version's kafka-clients in place of the
 * connector's 3.4.0 (the jar named by the system property {@code kafka.broker.clients.jar}, which
 * the build resolves), plus the readers the tests assert with. The broker's output goes to {@code
 * kafka-broker-*.log} in the module's test log folder (system property {@code test.log.dir}, set by
 * the build; without it a temporary file), quoted in the exception if it fails to start. Use with
 * try-with-resources or in {@code @BeforeAll}/{@code @AfterAll}.
 */
public final class EmbeddedKafka implements AutoCloseable {
    /** The user the SASL/PLAIN listener of {@link #startWithSaslPlain} knows, and its password. */
    public static final String SASL_USER = "alice";

    public static final String SASL_PASSWORD = "alice-secret";

    private final LocalKafkaBroker broker;

    private EmbeddedKafka(LocalKafkaBroker broker) {
        this.broker = broker;
    }

    /**
     * Formats a log folder, starts the broker and returns when it answers clients (bounded wait).
     */
    public static EmbeddedKafka start() throws Exception {
        return new EmbeddedKafka(LocalKafkaBroker.start(brokerClasspath(), brokerLog(), null));
    }

    /**
     * As {@link #start()} plus a second client listener that takes only SASL_PLAINTEXT with
     * mechanism PLAIN, user {@value #SASL_USER} ({@link #saslBootstrapServers()}, {@link
     * #saslClientProperties()}); the PLAINTEXT listener stays for the test's own admin, producers
     * and readers.
     */
    public static EmbeddedKafka startWithSaslPlain() throws Exception {
        return new EmbeddedKafka(
                LocalKafkaBroker.start(
                        brokerClasspath(),
                        brokerLog(),
                        new LocalKafkaBroker.SaslPlain(SASL_USER, SASL_PASSWORD)));
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /**
     * The SASL/PLAIN listener of {@link #startWithSaslPlain} (a client without SASL settings cannot
     * use it).
     */
    public String saslBootstrapServers() {
        return broker.saslBootstrapServers();
    }

    /**
     * Client properties for {@link #saslBootstrapServers()}: SASL_PLAINTEXT, PLAIN, user {@value
     * #SASL_USER}.
     */
    public static Properties saslClientProperties() {
        Properties p = new Properties();
        p.setProperty("security.protocol", "SASL_PLAINTEXT");
        p.setProperty("sasl.mechanism", "PLAIN");
        p.setProperty(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + SASL_USER
                        + "\" password=\""
                        + SASL_PASSWORD
                        + "\";");
        return p;
    }

    /**
     * Creates topics with the given partition counts (replication 1) and waits until every
     * partition has a leader ({@link LocalKafkaBroker#createTopics(Map)}).
     */
    public void createTopics(Map<String, Integer> partitions) throws Exception {
        broker.createTopics(partitions);
    }

    /**
     * The committed values of {@code topic} (read_committed, from the earliest offset, no group):
     * every record up to the partitions' last stable offsets, and at least {@code minimum} (end
     * offsets are re-read until then), or 300 s. For a job that has finished: its transactions are
     * committed, so the end offsets say when everything is read, whatever the machine's load (a
     * pause between polls is not the end of the data). The bound only ends a read that fails
     * anyway.
     *
     * <p>The last stable offset is not enough by itself: a producer's {@code commitTransaction}
     * returns once the coordinator has logged the commit, and the coordinator writes the commit
     * markers into the data partitions afterwards, asynchronously. Until a partition has its marker
     * the transaction is still open there and the LSO stands at its first record, so a read right
     * after the job ended (a loaded broker writes the markers late) would stop before the job's
     * last transaction, whose records are the final updates. So the read also waits until no
     * transaction is open on any partition: LSO = high watermark (read_uncommitted end offset).
     */
    public List<String> readCommitted(String topic, int minimum) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Properties u = new Properties();
        u.putAll(p);
        u.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> c =
                        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
                KafkaConsumer<String, String> hw =
                        new KafkaConsumer<>(
                                u, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts =
                    c.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                            .map(info -> new TopicPartition(topic, info.partition()))
                            .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, Long> end =
                        c.endOffsets(parts, Duration.ofSeconds(60)); // read_committed: LSO
                Map<TopicPartition, Long> high =
                        hw.endOffsets(parts, Duration.ofSeconds(60)); // high watermark
                // high read after the LSO: equal means no transaction was open on the partition
                // when the LSO was read
                if (values.size() >= minimum
                        && parts.stream()
                                .allMatch(
                                        tp ->
                                                end.get(tp).equals(high.get(tp))
                                                        && c.position(tp) >= end.get(tp))) {
                    break;
                }
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }

    /**
     * Reads {@code topic} (read_committed, from the earliest offset, no offsets committed) until
     * {@code done} holds for the values read so far, or {@code timeout}; returns them either way
     * (the caller asserts on them). For jobs that keep running: the condition, not a pause, decides
     * when enough has arrived.
     */
    public List<String> awaitCommitted(
            String topic, Predicate<List<String>> done, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "await-" + topic + "-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(values) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }

    public Admin admin() {
        return broker.admin();
    }

    @Override
    public void close() {
        broker.close();
    }

    /** The test classpath with the broker version's kafka-clients in place of the connector's. */
    private static String brokerClasspath() throws IOException {
        String clients = System.getProperty("kafka.broker.clients.jar");
        if (clients == null) {
            throw new IllegalStateException(
                    "system property kafka.broker.clients.jar does not name the kafka-clients "
                            + "jar of the broker version (set by the build)");
        }
        return LocalKafkaBroker.withClients(
                System.getProperty("java.class.path"), Path.of(clients));
    }

    /**
     * A new file for the broker's output in the test log folder, so it outlives the broker's
     * temporary folder.
     */
    private static Path brokerLog() throws IOException {
        String logs = System.getProperty("test.log.dir");
        if (logs == null) {
            return Files.createTempFile("kafka-broker-", ".log");
        }
        return Files.createTempFile(
                Files.createDirectories(Path.of(logs)), "kafka-broker-", ".log");
    }
}

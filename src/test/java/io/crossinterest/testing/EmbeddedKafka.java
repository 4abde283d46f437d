package io.crossinterest.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real single-node Kafka 3.9.1 in KRaft mode (one process that is broker and controller) on free
 * loopback ports, for tests. Use with try-with-resources or in
 * {@code @BeforeAll}/{@code @AfterAll}.
 *
 * <p>The broker runs in a child JVM: the Flink Kafka connector pins kafka-clients 3.4.0 on the test
 * classpath, and the 3.9.1 broker code does not run against those clients ({@code
 * NoSuchMethodError}). The child gets the test classpath with kafka-clients 3.9.1 in place of 3.4.0
 * (the jar named by the system property {@code kafka.broker.clients.jar}, which the build
 * resolves), so the broker is the real one and the connector talks to it as to any broker. The
 * child logs to its stdout (log4j's Console appender, {@code -Dtest.log.appender=Console}; the test
 * JVM's own log file is not shared between processes), and its stdout goes to {@code
 * kafka-broker-*.log} in the module's test log folder (system property {@code test.log.dir}, set by
 * the build; without it {@code broker.log} in the broker's temporary folder), quoted in the
 * exception if it fails to start; it is stopped on {@link #close} and, as a last resort, when the
 * test JVM exits.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final Process process;
    private final String bootstrap;
    private final String saslBootstrap;
    private final Thread reaper;

    /** The user the SASL/PLAIN listener of {@link #startWithSaslPlain} knows, and its password. */
    public static final String SASL_USER = "alice";

    public static final String SASL_PASSWORD = "alice-secret";

    private EmbeddedKafka(Path dir, Process process, String bootstrap, String saslBootstrap) {
        this.dir = dir;
        this.process = process;
        this.bootstrap = bootstrap;
        this.saslBootstrap = saslBootstrap;
        this.reaper = new Thread(process::destroyForcibly, "embedded-kafka-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Formats a log folder, starts the broker and returns when it answers clients (bounded wait).
     */
    public static EmbeddedKafka start() throws Exception {
        return start(false);
    }

    /**
     * As {@link #start()} plus a second client listener that takes only SASL_PLAINTEXT with
     * mechanism PLAIN, user {@value #SASL_USER} ({@link #saslBootstrapServers()}, {@link
     * #saslClientProperties()}); the PLAINTEXT listener stays for the test's own admin, producers
     * and readers.
     */
    public static EmbeddedKafka startWithSaslPlain() throws Exception {
        return start(true);
    }

    private static EmbeddedKafka start(boolean sasl) throws Exception {
        Path dir = Files.createTempDirectory("embedded-kafka");
        int brokerPort = freePort();
        int controllerPort = freePort();
        int saslPort = sasl ? freePort() : -1;
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        String saslListener = sasl ? ",SASL_PLAINTEXT://127.0.0.1:" + saslPort : "";
        p.setProperty(
                "listeners",
                "PLAINTEXT://127.0.0.1:"
                        + brokerPort
                        + saslListener
                        + ",CONTROLLER://127.0.0.1:"
                        + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + saslListener);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty(
                "listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
                        + (sasl ? ",SASL_PLAINTEXT:SASL_PLAINTEXT" : ""));
        if (sasl) {
            p.setProperty("sasl.enabled.mechanisms", "PLAIN");
            p.setProperty("listener.name.sasl_plaintext.sasl.enabled.mechanisms", "PLAIN");
            p.setProperty(
                    "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" "
                            + "password=\"admin-secret\" user_admin=\"admin-secret\" user_"
                            + SASL_USER
                            + "=\""
                            + SASL_PASSWORD
                            + "\";");
        }
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("log.dirs", dir.resolve("logs").toString());
        p.setProperty("num.partitions", "2");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "2");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "2");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "false");
        Path props = dir.resolve("server.properties");
        try (Writer out = Files.newBufferedWriter(props)) {
            p.store(out, "embedded test broker");
        }
        String classpath = brokerClasspath();
        Path log = brokerLog(dir);
        // kafka-storage format (a separate short-lived JVM: the tool ends its JVM when done)
        Process format =
                java(
                        classpath,
                        log,
                        "kafka.tools.StorageTool",
                        "format",
                        "-t",
                        clusterId(),
                        "-c",
                        props.toString());
        if (!format.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IllegalStateException("kafka-storage format failed:\n" + tail(log));
        }
        Process broker = java(classpath, log, "kafka.Kafka", props.toString());
        EmbeddedKafka k =
                new EmbeddedKafka(
                        dir,
                        broker,
                        "127.0.0.1:" + brokerPort,
                        sasl ? "127.0.0.1:" + saslPort : null);
        try {
            k.awaitReady();
        } catch (Exception e) {
            k.close();
            throw new IllegalStateException("the broker did not start: " + e + "\n" + tail(log), e);
        }
        return k;
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    /**
     * The SASL/PLAIN listener of {@link #startWithSaslPlain} (a client without SASL settings cannot
     * use it).
     */
    public String saslBootstrapServers() {
        if (saslBootstrap == null) {
            throw new IllegalStateException("started without SASL: use startWithSaslPlain()");
        }
        return saslBootstrap;
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

    /** Creates topics with the given partition counts (replication 1). */
    public void createTopics(Map<String, Integer> partitions) throws Exception {
        try (Admin admin = admin()) {
            List<NewTopic> topics =
                    partitions.entrySet().stream()
                            .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 1))
                            .collect(Collectors.toList());
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
            // created is not yet writable: a loaded broker elects the new partitions' leaders
            // later, and a producer that writes before then gets NOT_LEADER_OR_FOLLOWER (and may
            // then drop whole batches: see KafkaProfileJobTest#produce); so wait until every
            // partition has a leader
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (true) {
                boolean ready =
                        admin
                                .describeTopics(partitions.keySet())
                                .allTopicNames()
                                .get(60, TimeUnit.SECONDS)
                                .values()
                                .stream()
                                .allMatch(
                                        d ->
                                                d.partitions().size() == partitions.get(d.name())
                                                        && d.partitions().stream()
                                                                .allMatch(
                                                                        pi ->
                                                                                pi.leader() != null
                                                                                        && pi.leader()
                                                                                                        .id()
                                                                                                >= 0));
                if (ready) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "no leader for every partition of " + partitions.keySet());
                }
                Thread.sleep(100);
            }
        }
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
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
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
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
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
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("broker exited with " + process.exitValue());
            }
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
            }
        }
        throw new IllegalStateException("no answer within " + START_TIMEOUT, last);
    }

    @Override
    public void close() {
        process.destroy(); // SIGTERM: the broker shuts down cleanly
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The test classpath with kafka-clients 3.9.1 in place of the connector's 3.4.0. */
    static String brokerClasspath() {
        String clients = System.getProperty("kafka.broker.clients.jar");
        if (clients == null || !Files.isRegularFile(Paths.get(clients))) {
            throw new IllegalStateException(
                    "system property kafka.broker.clients.jar does not name the kafka-clients "
                            + "jar of the broker version (set by the build): "
                            + clients);
        }
        List<String> entries = new ArrayList<>();
        entries.add(clients);
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!Paths.get(e).getFileName().toString().startsWith("kafka-clients-")) {
                entries.add(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static Process java(String classpath, Path log, String mainClass, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Dlog4j2.level=WARN");
        cmd.add("-Dtest.log.appender=Console"); // log4j2-test.properties: to stdout, i.e. to the
        // broker's log file
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /**
     * A new file for the broker's output in the test log folder, so it outlives the broker's
     * temporary folder.
     */
    private static Path brokerLog(Path dir) throws IOException {
        String logs = System.getProperty("test.log.dir");
        if (logs == null) {
            return dir.resolve("broker.log");
        }
        return Files.createTempFile(
                Files.createDirectories(Paths.get(logs)), "kafka-broker-", ".log");
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * A cluster id in Kafka's form: 16 random bytes, URL-safe base64 without padding. The top two
     * bits of the first byte are cleared so the id starts with A..P: an id starting with '-' (one
     * in 64 random ids) is read by kafka-storage's argument parser as a flag and the format fails.
     */
    static String clusterId() {
        UUID u = UUID.randomUUID();
        ByteBuffer b = ByteBuffer.allocate(16);
        b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        byte[] bytes = b.array();
        bytes[0] &= 0x3F;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

package io.crossinterest.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-node Kafka broker in KRaft mode (one process that is broker and controller) on free
 * loopback ports, in a child JVM: what the tests ({@code EmbeddedKafka}) and {@code bench live}
 * start. Use with try-with-resources; the child is also stopped when this JVM exits.
 *
 * <p>Why a child JVM: the Flink Kafka connector pins kafka-clients 3.4.0, and the 3.9 broker code
 * does not run against those clients ({@code NoSuchMethodError}). The caller passes the broker's
 * classpath: its own with the broker version's kafka-clients in place of the connector's ({@link
 * #withClients}). The child's output (log4j's Console appender, {@code
 * -Dtest.log.appender=Console}) is appended to the given log file, whose tail an error quotes.
 *
 * <p>Settings: one partition replica, transactions on a single node (replication 1, min ISR 1), no
 * topic auto-creation (a topic is created with its partitions, {@link #createTopics}), no initial
 * rebalance delay. With {@link SaslPlain}, a second client listener that takes only SASL_PLAINTEXT
 * with mechanism PLAIN; the PLAINTEXT listener stays for the caller's own admin and readers.
 */
public final class LocalKafkaBroker implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(120);

    /** A user of the SASL/PLAIN listener (the broker also knows {@code admin}). */
    public record SaslPlain(String user, String password) {}

    private final Path dir;
    private final Process process;
    private final String bootstrap;
    private final String saslBootstrap;
    private final Thread reaper;

    private LocalKafkaBroker(Path dir, Process process, String bootstrap, String saslBootstrap) {
        this.dir = dir;
        this.process = process;
        this.bootstrap = bootstrap;
        this.saslBootstrap = saslBootstrap;
        this.reaper = new Thread(process::destroyForcibly, "local-kafka-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Formats a log folder (kafka-storage, a short-lived JVM of its own), starts the broker and
     * returns when it answers clients (bounded wait).
     *
     * @param classpath the broker's classpath ({@link #withClients})
     * @param log the file the child's output is appended to
     * @param sasl the SASL/PLAIN listener's user, or null for PLAINTEXT only
     * @throws IOException naming the log's tail when the format or the start fails
     */
    public static LocalKafkaBroker start(String classpath, Path log, SaslPlain sasl)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("cross-interest-kafka");
        int brokerPort = freePort();
        int controllerPort = freePort();
        int saslPort = sasl != null ? freePort() : -1;
        String saslListener = sasl != null ? ",SASL_PLAINTEXT://127.0.0.1:" + saslPort : "";
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
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
                        + (sasl != null ? ",SASL_PLAINTEXT:SASL_PLAINTEXT" : ""));
        if (sasl != null) {
            p.setProperty("sasl.enabled.mechanisms", "PLAIN");
            p.setProperty("listener.name.sasl_plaintext.sasl.enabled.mechanisms", "PLAIN");
            p.setProperty(
                    "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required"
                            + " username=\"admin\" password=\"admin-secret\""
                            + " user_admin=\"admin-secret\" user_"
                            + sasl.user()
                            + "=\""
                            + sasl.password()
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
            p.store(out, "local single-node broker");
        }
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
            throw new IOException("kafka-storage format failed; " + tail(log));
        }
        Process broker = java(classpath, log, "kafka.Kafka", props.toString());
        LocalKafkaBroker k =
                new LocalKafkaBroker(
                        dir,
                        broker,
                        "127.0.0.1:" + brokerPort,
                        sasl != null ? "127.0.0.1:" + saslPort : null);
        try {
            k.awaitReady();
        } catch (Exception e) {
            k.close();
            throw new IOException("the broker did not start: " + e + "; " + tail(log), e);
        }
        return k;
    }

    /**
     * {@code classpath} with its kafka-clients jar(s) replaced by {@code clientsJar} (the broker
     * version's): what the child JVM runs on.
     */
    public static String withClients(String classpath, Path clientsJar) throws IOException {
        if (!Files.isRegularFile(clientsJar)) {
            throw new IOException("the broker's kafka-clients jar is missing: " + clientsJar);
        }
        List<String> entries = new ArrayList<>();
        entries.add(clientsJar.toString());
        for (String e : classpath.split(File.pathSeparator)) {
            if (!e.isEmpty() && !Path.of(e).getFileName().toString().startsWith("kafka-clients-")) {
                entries.add(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** The PLAINTEXT listener. */
    public String bootstrapServers() {
        return bootstrap;
    }

    /** The SASL/PLAIN listener; an error when the broker was started without one. */
    public String saslBootstrapServers() {
        if (saslBootstrap == null) {
            throw new IllegalStateException("started without a SASL listener");
        }
        return saslBootstrap;
    }

    /** The broker process's id (for its resident memory). */
    public long pid() {
        return process.pid();
    }

    /** An admin client on the PLAINTEXT listener (the caller closes it). */
    public Admin admin() {
        return admin(bootstrap);
    }

    /** An admin client for {@code bootstrap} (the caller closes it). */
    public static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }

    /** {@link #createTopics(String, Map)} on this broker. */
    public void createTopics(Map<String, Integer> partitions) throws Exception {
        createTopics(bootstrap, partitions);
    }

    /**
     * Creates topics with the given partition counts (replication 1) and waits until every
     * partition has a leader. Created is not yet writable: a loaded broker elects new partitions'
     * leaders later, and a producer that writes before then gets NOT_LEADER_OR_FOLLOWER (and may
     * then drop whole batches).
     */
    public static void createTopics(String bootstrap, Map<String, Integer> partitions)
            throws Exception {
        try (Admin admin = admin(bootstrap)) {
            List<NewTopic> topics =
                    partitions.entrySet().stream()
                            .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 1))
                            .toList();
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + LEADER_TIMEOUT.toNanos();
            while (!led(admin, partitions)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(
                            "no leader for every partition of " + partitions.keySet());
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * Whether every partition of the topics has a leader; a topic the broker does not know yet has
     * none.
     */
    private static boolean led(Admin admin, Map<String, Integer> partitions) throws Exception {
        try {
            return admin
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
                                                                            && pi.leader().id()
                                                                                    >= 0));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false; // created, not yet in the metadata the broker answers from
            }
            throw e;
        }
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("broker exited with " + process.exitValue());
            }
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
            }
        }
        throw new IOException("no answer within " + START_TIMEOUT, last);
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 30 s) and deletes its log folder. */
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
            // a temporary folder left behind is not worth failing the caller for
        }
    }

    private static Process java(String classpath, Path log, String mainClass, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Dlog4j2.level=WARN");
        cmd.add("-Dtest.log.appender=Console"); // to stdout, i.e. to the log file
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** The last 40 lines of the broker's log, for an error message. */
    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return "the broker log "
                    + log
                    + " ends:\n"
                    + String.join(
                            "\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "no broker log: " + e;
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
        byte[] bytes =
                ByteBuffer.allocate(16)
                        .putLong(u.getMostSignificantBits())
                        .putLong(u.getLeastSignificantBits())
                        .array();
        bytes[0] &= 0x3F;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

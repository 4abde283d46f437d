package io.crossinterest.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
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
 * A single-node Kafka broker in KRaft mode (broker and controller in one process) on free loopback
 * ports, for {@code bench live}: the broker the tests start ({@code EmbeddedKafka}), here in a
 * child JVM on the classpath the build writes for it ({@code
 * flink-jobs/target/launcher/broker-classpath.txt}: the job's test classpath without the
 * connector's kafka-clients 3.4.0, and {@code broker-clients-jar.txt}: the broker version's
 * kafka-clients, which the 3.9 broker needs). Its output goes to {@code log}; it is stopped on
 * {@link #close} and when this JVM exits.
 */
public final class LocalKafkaBroker implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path dir;
    private final Process process;
    private final String bootstrap;
    private final Thread reaper;

    private LocalKafkaBroker(Path dir, Process process, String bootstrap) {
        this.dir = dir;
        this.process = process;
        this.bootstrap = bootstrap;
        this.reaper = new Thread(process::destroyForcibly, "local-kafka-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Formats a log folder, starts the broker with {@code partitions} partitions per topic and
     * returns when it answers (bounded wait).
     *
     * @param launcher the build's launcher folder (broker-classpath.txt, broker-clients-jar.txt)
     */
    public static LocalKafkaBroker start(Path launcher, Path log) throws Exception {
        String classpath = classpath(launcher);
        Path dir = Files.createTempDirectory("cross-interest-bench-kafka");
        int brokerPort = freePort();
        int controllerPort = freePort();
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty(
                "listeners",
                "PLAINTEXT://127.0.0.1:"
                        + brokerPort
                        + ",CONTROLLER://127.0.0.1:"
                        + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
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
            p.store(out, "bench live broker");
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
            throw new IOException("kafka-storage format failed; see " + log);
        }
        Process broker = java(classpath, log, "kafka.Kafka", props.toString());
        LocalKafkaBroker k = new LocalKafkaBroker(dir, broker, "127.0.0.1:" + brokerPort);
        try {
            k.awaitReady();
        } catch (Exception e) {
            k.close();
            throw new IOException(
                    "the local Kafka broker did not start (" + e.getMessage() + "); see " + log, e);
        }
        return k;
    }

    public String bootstrapServers() {
        return bootstrap;
    }

    /** The broker process's id (for its resident memory). */
    public long pid() {
        return process.pid();
    }

    /**
     * Creates topics with the given partition counts (replication 1) and waits until each partition
     * has a leader.
     */
    public static void createTopics(String bootstrap, Map<String, Integer> partitions)
            throws Exception {
        try (Admin admin = admin(bootstrap)) {
            List<NewTopic> topics =
                    partitions.entrySet().stream()
                            .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 1))
                            .toList();
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!ready(admin, partitions)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(
                            "no leader for every partition of " + partitions.keySet());
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * Whether every partition of the topics has a leader; a topic the broker does not know yet is
     * not ready.
     */
    private static boolean ready(Admin admin, Map<String, Integer> partitions) throws Exception {
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

    public static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("broker exited with " + process.exitValue());
            }
            try (Admin admin = admin(bootstrap)) {
                admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
            }
        }
        throw new IOException("no answer within " + START_TIMEOUT, last);
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
            // a temporary folder left behind is not worth failing the benchmark for
        }
    }

    /**
     * The broker's classpath from the build's launcher files; a missing file names the build to
     * run.
     */
    static String classpath(Path launcher) throws IOException {
        Path cp = launcher.resolve("broker-classpath.txt");
        Path clients = launcher.resolve("broker-clients-jar.txt");
        if (!Files.isRegularFile(cp) || !Files.isRegularFile(clients)) {
            throw new IOException(
                    "no broker classpath in "
                            + launcher
                            + " (built by `mvn -B -DskipTests package`)");
        }
        String jar = Files.readString(clients, StandardCharsets.UTF_8).strip();
        if (!Files.isRegularFile(Path.of(jar))) {
            throw new IOException("the broker's kafka-clients jar is missing: " + jar);
        }
        return jar + File.pathSeparator + Files.readString(cp, StandardCharsets.UTF_8).strip();
    }

    private static Process java(String classpath, Path log, String mainClass, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Dlog4j2.level=WARN");
        cmd.add("-Dtest.log.appender=Console");
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * A cluster id in Kafka's form, starting with A..P (an id starting with '-' would read as a
     * flag).
     */
    static String clusterId() {
        UUID u = UUID.randomUUID();
        byte[] bytes = new byte[16];
        long hi = u.getMostSignificantBits();
        long lo = u.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (hi >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        bytes[0] &= 0x3F;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}

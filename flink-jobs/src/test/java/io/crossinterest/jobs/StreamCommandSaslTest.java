package io.crossinterest.jobs;

import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.ingest.EventJson;
import io.crossinterest.serving.PlantedModels;
import io.crossinterest.serving.StreamFixtures;
import io.crossinterest.testing.EmbeddedKafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kafka client security on a shared cluster: {@code stream} given only the SASL/PLAIN listener of a
 * real KRaft broker and the client properties ({@code --kafka-config FILE}, {@code
 * --kafka-property}) reaches every one of its Kafka ends through it — the event source (profiles
 * and a dead letter come out), the profile and dead-letter sinks, the model-control source and
 * control-error sink (a malformed announcement comes back as a control error) and the
 * recommendation sink (a recommendation per scored user). A client without those properties cannot
 * use that listener, so every output proves its end authenticated. Reserved or missing settings are
 * usage errors.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StreamCommandSaslTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void everyKafkaEndOfStreamGoesThroughSaslPlain(
            @TempDir Path tmp, @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        Path bundle = PlantedModels.v1();
        try (EmbeddedKafka kafka = EmbeddedKafka.startWithSaslPlain()) {
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
            Path config = tmp.resolve("client.properties");
            try (Writer w = Files.newBufferedWriter(config)) {
                EmbeddedKafka.saslClientProperties().store(w, "SASL/PLAIN client");
            }
            Random rnd = new Random(4);
            List<BehaviorEvent> events = new ArrayList<>();
            Set<String> users = new TreeSet<>();
            long t = StreamFixtures.phaseStart(1);
            for (int i = 0; i < 4; i++) {
                events.addAll(PlantedModels.sourceEvents("s" + i, i, 3, t + i * 1_000L, rnd));
                users.add("s" + i);
            }
            Properties p = new Properties();
            p.put(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()); // the test's own plaintext
            EventJson json = new EventJson();
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                for (BehaviorEvent e : events) {
                    producer.send(new ProducerRecord<>("events", e.user, json.toJson(e)));
                }
                producer.send(new ProducerRecord<>("events", 0, null, "not json"));
                List<BehaviorEvent> sentinel = StreamFixtures.sentinel(1);
                for (int partition = 0; partition < 2; partition++) {
                    BehaviorEvent s = sentinel.get(partition);
                    producer.send(
                            new ProducerRecord<>("events", partition, s.user, json.toJson(s)));
                }
                producer.send(new ProducerRecord<>("models", "{\"version\": \"two\"}"));
                producer.flush();
            }

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CompletableFuture<Integer> command = new CompletableFuture<>();
            Thread thread =
                    new Thread(
                            () ->
                                    command.complete(
                                            CrossInterest.run(
                                                    new PrintWriter(out, true),
                                                    new PrintWriter(err, true),
                                                    "stream",
                                                    "--bootstrap-servers",
                                                    kafka.saslBootstrapServers(),
                                                    "--kafka-config",
                                                    config.toString(),
                                                    "--kafka-property",
                                                    "sasl.mechanism=PLAIN",
                                                    "--input-topic",
                                                    "events",
                                                    "--output-topic",
                                                    "profiles",
                                                    "--dead-letter-topic",
                                                    "dead",
                                                    "--group-id",
                                                    "sasl",
                                                    "--checkpoint-dir",
                                                    tmp.resolve("checkpoints").toString(),
                                                    "--checkpoint-interval",
                                                    "300ms",
                                                    "--parallelism",
                                                    "2",
                                                    "--emit-interval",
                                                    "1h",
                                                    "--model",
                                                    bundle.toString(),
                                                    "--control-topic",
                                                    "models",
                                                    "--recommendations-topic",
                                                    "recs")),
                            "stream-sasl");
            thread.setDaemon(true);
            thread.start();
            JobID job = null;
            try {
                job = awaitJobId(out, err, command);
                ObjectMapper mapper = new ObjectMapper();
                Set<String> profiled = new TreeSet<>();
                for (String v :
                        kafka.awaitCommitted("profiles", v -> v.size() >= users.size(), WAIT)) {
                    profiled.add(mapper.readTree(v).get("user").asText());
                }
                assertEquals(users, profiled, "the profile sink wrote through SASL");
                List<String> recs =
                        kafka.awaitCommitted("recs", v -> v.size() >= users.size(), WAIT);
                Set<String> scored = new TreeSet<>();
                for (String r : recs) {
                    JsonNode n = mapper.readTree(r);
                    assertEquals(1, n.get("modelVersion").asLong(), "the bundle's version: " + r);
                    assertFalse(n.has("modelLabel"), r);
                    scored.add(n.get("user").asText());
                }
                assertEquals(users, scored, "the recommendation sink wrote through SASL");
                List<String> dead = kafka.awaitCommitted("dead", v -> !v.isEmpty(), WAIT);
                assertEquals(1, dead.size(), dead.toString());
                assertEquals("not json", mapper.readTree(dead.get(0)).get("raw").asText());
                List<String> errors =
                        kafka.awaitCommitted("models-errors", v -> !v.isEmpty(), WAIT);
                assertEquals(1, errors.size(), errors.toString());
                assertEquals(
                        "{\"version\": \"two\"}",
                        mapper.readTree(errors.get(0)).get("raw").asText());
            } finally {
                if (job != null) {
                    cluster.cancel(job).get(30, TimeUnit.SECONDS);
                }
                command.completeOnTimeout(-1, 30, TimeUnit.SECONDS).join();
            }
        }
    }

    @Test
    void reservedOrMissingClientSettingsAreUsageErrors(@TempDir Path tmp) {
        String[] base = {
            "stream",
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--input-topic",
            "e",
            "--output-topic",
            "p",
            "--dead-letter-topic",
            "d",
            "--checkpoint-dir",
            tmp.toString()
        };
        String[][] cases = {
            {"--kafka-config", tmp.resolve("none.properties").toString()},
            {"--kafka-property", "bootstrap.servers=elsewhere:9092"},
            {"--kafka-property", "group.id=g"}
        };
        String[] named = {"--kafka-config", "--kafka-property", "--kafka-property"};
        for (int i = 0; i < cases.length; i++) {
            StringWriter err = new StringWriter();
            String[] args =
                    Stream.concat(Arrays.stream(base), Arrays.stream(cases[i]))
                            .toArray(String[]::new);
            int code =
                    CrossInterest.run(
                            new PrintWriter(new StringWriter(), true),
                            new PrintWriter(err, true),
                            args);
            assertEquals(2, code, err.toString());
            assertEquals(1, err.toString().strip().lines().count(), err.toString());
            assertTrue(err.toString().contains(named[i]), err.toString());
        }
    }

    private static JobID awaitJobId(
            StringWriter out, StringWriter err, CompletableFuture<Integer> command)
            throws InterruptedException {
        Pattern running = Pattern.compile("stream: job ([0-9a-f]{32}) running");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = running.matcher(out.toString());
            if (m.find()) {
                return JobID.fromHexString(m.group(1));
            }
            if (command.isDone()) {
                throw new AssertionError(
                        "stream exited with " + command.join() + " before running: " + err + out);
            }
            Thread.sleep(50);
        }
        throw new AssertionError(
                "stream did not report a running job within " + WAIT + ": " + err + out);
    }
}

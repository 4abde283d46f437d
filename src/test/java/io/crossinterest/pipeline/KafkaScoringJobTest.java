package io.crossinterest.pipeline;

import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.ingest.DeadLetterJson;
import io.crossinterest.ingest.EventJson;
import io.crossinterest.ingest.InputFormats;
import io.crossinterest.ingest.ParseLimits;
import io.crossinterest.ingest.RawRecordKafkaDeserializer;
import io.crossinterest.joint.UserScores;
import io.crossinterest.serving.PlantedModels;
import io.crossinterest.serving.ScoringConfig;
import io.crossinterest.serving.StreamFixtures;
import io.crossinterest.testing.EmbeddedKafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stream job with the scoring stage ({@link ScoringJobs#stream}, as the {@code stream} command
 * wires it) against a real KRaft broker: events and a model announcement (plus a malformed one)
 * from topics, recommendations and control errors into exactly-once topics, read back with
 * read_committed. The Kafka sources are bounded at the offsets of the job's start, so the job ends
 * by itself and its final checkpoint commits the transactions.
 */
class KafkaScoringJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void recommendationsAndControlErrorsGoToKafkaExactlyOnce(@TempDir Path tmp) throws Exception {
        Path bundle = PlantedModels.v1();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(
                    Map.of(
                            "scoring-events",
                            2,
                            "profiles",
                            2,
                            "dead",
                            1,
                            "models",
                            1,
                            "recs",
                            2,
                            "models-errors",
                            1));
            Random rnd = new Random(3);
            List<BehaviorEvent> events = new ArrayList<>();
            long t = StreamFixtures.phaseStart(1);
            Set<String> users = new TreeSet<>();
            for (int i = 0; i < 12; i++) {
                events.addAll(PlantedModels.sourceEvents("k" + i, i % 4, 4, t + i * 5_000L, rnd));
                users.add("k" + i);
            }
            events.add(PlantedModels.targetEvent("k0", 12, t + 1_000L));
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            EventJson json = new EventJson();
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                for (BehaviorEvent e : events) {
                    producer.send(new ProducerRecord<>("scoring-events", e.user, json.toJson(e)));
                }
                producer.send(
                        new ProducerRecord<>(
                                "models", "{\"bundle\": \"" + bundle + "\"}")); // version 1
                producer.send(new ProducerRecord<>("models", "{\"version\": \"three\"}"));
                producer.flush();
            }

            String servers = kafka.bootstrapServers();
            StreamExecutionEnvironment env =
                    Environments.create(
                            Environments.streaming(
                                    2, tmp.resolve("checkpoints"), Duration.ofMillis(500)));
            JobClient job =
                    ScoringJobs.stream(
                            env,
                            KafkaIo.boundedSource(
                                    servers,
                                    "scoring-events",
                                    "scoring",
                                    new RawRecordKafkaDeserializer()),
                            InputFormats.parser(InputFormats.JSONL, ParseLimits.DEFAULTS),
                            StreamFixtures.PROFILES,
                            KafkaIo.profileSink(
                                    servers, "profiles", "test-profiles", KafkaOutput.DEFAULTS),
                            KafkaIo.deadLetterSink(
                                    servers,
                                    "dead",
                                    "test-dead",
                                    new DeadLetterJson(),
                                    KafkaOutput.DEFAULTS),
                            KafkaIo.boundedSource(
                                    servers,
                                    "models",
                                    "scoring-control",
                                    KafkaRecordDeserializationSchema.valueOnly(
                                            new SimpleStringSchema())),
                            ScoringConfig.defaults().withTopN(5),
                            ScoringJobs.scoresSink(
                                    servers, "recs", "test-recs", KafkaOutput.DEFAULTS),
                            ScoringJobs.controlErrorSink(
                                    servers,
                                    "models-errors",
                                    "test-models-errors",
                                    KafkaOutput.DEFAULTS));
            job.getJobExecutionResult().get(120, TimeUnit.SECONDS);

            List<String> recs = kafka.readCommitted("recs", users.size());
            assertEquals(users.size(), recs.size(), recs.toString());
            PlantedModels.Reference reference = new PlantedModels.Reference(bundle);
            Set<String> scored = new TreeSet<>();
            for (String r : recs) {
                UserScores s = read(r);
                assertEquals(
                        1,
                        s.modelVersion,
                        "the bundle's version, read from it when it was announced: " + r);
                reference.assertMadeBy(s, PlantedModels.history(s.userId, events));
                scored.add(s.userId);
            }
            assertEquals(users, scored);

            List<String> errors = kafka.readCommitted("models-errors", 1);
            assertEquals(1, errors.size(), errors.toString());
            JsonNode e = JSON.readTree(errors.get(0));
            assertEquals("{\"version\": \"three\"}", e.get("raw").asText());
            assertTrue(
                    e.get("reason").asText().startsWith("malformed control message"),
                    errors.toString());
        }
    }

    /** A recommendation line back into {@link UserScores}. */
    private static UserScores read(String text) throws Exception {
        JsonNode n = JSON.readTree(text);
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
        UserScores s =
                new UserScores(
                        n.get("user").asText(),
                        n.get("modelVersion").asLong(),
                        items.toArray(String[]::new),
                        scores.stream().mapToDouble(Double::doubleValue).toArray(),
                        cats.toArray(String[]::new),
                        interest.stream().mapToDouble(Double::doubleValue).toArray());
        return s;
    }
}

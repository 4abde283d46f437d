package io.crossinterest.jobs;

import io.crossinterest.joint.JointScoringFunction;
import io.crossinterest.serving.ModelAnnouncement;
import io.crossinterest.testing.EmbeddedKafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code retrain} against a real KRaft broker, on this test's MiniCluster (the context environment,
 * as a session cluster is under {@code flink run}): the joint model retrained with its ALS
 * factorisations as Flink jobs at parallelism 2, the bundle saved, and exactly one announcement on
 * the control topic, in the form the stream job's control parser reads ({@link
 * ModelAnnouncement#parse}: the bundle only), naming a bundle that holds the given model version
 * and that the scoring operator's loader opens ({@link JointScoringFunction}). Usage errors name
 * their option.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RetrainCommandTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @Test
    void retrainsAtParallelismTwoAndAnnouncesTheBundle(
            @TempDir Path dir, @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        Path src = dir.resolve("blocks/src");
        Path tgt = dir.resolve("blocks/tgt");
        TrainCommandTest.plantedSplit(src, tgt);
        Path out = dir.resolve("v3");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(Map.of("models", 1));
            TrainCommandTest.Run r =
                    TrainCommandTest.cli(
                            "retrain",
                            "--format",
                            "split",
                            "--source",
                            src.toString(),
                            "--target",
                            tgt.toString(),
                            "--rank",
                            "4",
                            "--als-iterations",
                            "2",
                            "--max-epochs",
                            "2",
                            "--parallelism",
                            "2",
                            "--output",
                            out.toString(),
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "--control-topic",
                            "models",
                            "--model-version",
                            "3");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.err().contains("retrain: announced version 3 on models"), r.err());

            List<String> announced = kafka.readCommitted("models", 1);
            assertEquals(1, announced.size(), announced.toString());
            assertEquals(announced.get(0), r.out().strip(), "the command prints what it announced");
            ModelAnnouncement.Message m = ModelAnnouncement.parse(announced.get(0));
            assertEquals(
                    new ModelAnnouncement.Message(
                            out.toAbsolutePath().resolve("bundle").toString(), null),
                    m);
            assertEquals(
                    new ModelAnnouncement(3, m.bundle()),
                    ModelAnnouncement.read(m),
                    "the parser reads version 3 from the bundle");
            JsonNode meta =
                    new ObjectMapper().readTree(Path.of(m.bundle(), "metadata.json").toFile());
            assertEquals(3, meta.get("modelVersion").asLong());
            JointScoringFunction loaded = new JointScoringFunction(m.bundle(), 5);
            loaded.open();
            assertEquals(3, loaded.bundle().modelVersion());
            assertTrue(Files.isRegularFile(out.resolve("cold-users.jsonl")));

            long alsJobs =
                    cluster.listJobs().get(30, TimeUnit.SECONDS).stream()
                            .map(JobStatusMessage::getJobName)
                            .filter(n -> n.equals("cross-interest ALS (parallelism 2)"))
                            .count();
            assertTrue(alsJobs >= 2, "the ALS factorisations ran as Flink jobs: " + alsJobs);
        }
    }

    @Test
    void mistakesNameTheirOption(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("blocks/src");
        Path tgt = dir.resolve("blocks/tgt");
        TrainCommandTest.plantedSplit(src, tgt);
        String[] base = {
            "retrain",
            "--format",
            "split",
            "--source",
            src.toString(),
            "--target",
            tgt.toString(),
            "--output",
            dir.resolve("o").toString(),
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--control-topic",
            "m"
        };
        String[][] cases = {
            {"--model-version", "-1"},
            {"--model-version", "1", "--top-n", "0"},
            {"--model-version", "1", "--parallelism", "0"},
            {"--label", "joint-v3"}
        };
        String[] named = {"--model-version", "--top-n", "--parallelism", "--label"};
        for (int i = 0; i < cases.length; i++) {
            String[] args =
                    Stream.concat(Arrays.stream(base), Arrays.stream(cases[i]))
                            .toArray(String[]::new);
            TrainCommandTest.Run r = TrainCommandTest.cli(args);
            assertEquals(2, r.code(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(named[i]), r.err());
        }
    }
}

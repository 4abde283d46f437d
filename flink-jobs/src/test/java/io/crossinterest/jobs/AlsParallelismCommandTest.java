package io.crossinterest.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code evaluate --parallelism N}: the baselines' ALS factorisations train as Flink jobs at
 * parallelism N (the distributed ALS) instead of in process, with the same factors for the same
 * seed, so every metric of the report is the one the in-process run gives. A parallelism below 1 is
 * a usage error naming the option. The command runs against this test's MiniCluster (the context
 * environment, as a cluster is under {@code flink run}), whose job list shows the ALS jobs of the
 * distributed run and none of the in-process one.
 */
class AlsParallelismCommandTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static long alsJobs(ClusterClient<?> cluster) throws Exception {
        return cluster.listJobs().get(30, TimeUnit.SECONDS).stream()
                .map(JobStatusMessage::getJobName)
                .filter(n -> n.equals("cross-interest ALS (parallelism 2)"))
                .count();
    }

    /**
     * 300 users in 3 taste groups, a source block and a target block with train/valid/test (the
     * split layout).
     */
    private static void writeSplit(Path src, Path tgt) throws IOException {
        Random rnd = new Random(9);
        Files.createDirectories(src);
        Files.createDirectories(tgt);
        try (BufferedWriter s = Files.newBufferedWriter(src.resolve("train.tsv"));
                BufferedWriter tr = Files.newBufferedWriter(tgt.resolve("train.tsv"));
                BufferedWriter va = Files.newBufferedWriter(tgt.resolve("valid.tsv"));
                BufferedWriter te = Files.newBufferedWriter(tgt.resolve("test.tsv"))) {
            for (int u = 0; u < 300; u++) {
                int g = u % 3;
                BufferedWriter t = u < 240 ? tr : u < 255 ? va : te;
                for (int n = 0; n < 5; n++) {
                    s.write(
                            "user"
                                    + u
                                    + "\tb"
                                    + (g * 20 + rnd.nextInt(20))
                                    + "\t"
                                    + (1 + rnd.nextInt(5))
                                    + "\n");
                    t.write("user" + u + "\tm" + (g * 20 + rnd.nextInt(20)) + "\n");
                }
            }
        }
    }

    private static JsonNode evaluate(Path src, Path tgt, Path out, String parallelism)
            throws IOException {
        EvaluateCommandTest.Run r =
                EvaluateCommandTest.cli(
                        "evaluate",
                        "--format",
                        "split",
                        "--source",
                        src.toString(),
                        "--target",
                        tgt.toString(),
                        "--seeds",
                        "1",
                        "--output",
                        out.toString(),
                        "--models",
                        "target-cf,emcdr",
                        "--rank",
                        "4",
                        "--als-iterations",
                        "3",
                        "--threads",
                        "1",
                        "--parallelism",
                        parallelism);
        assertEquals(0, r.code(), r.err());
        return new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
    }

    @Test
    void theReportAtParallelismTwoIsTheInProcessOne(
            @TempDir Path dir, @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        Path src = dir.resolve("books");
        Path tgt = dir.resolve("music");
        writeSplit(src, tgt);
        JsonNode local = evaluate(src, tgt, dir.resolve("p1"), "1").get("models");
        assertEquals(0, alsJobs(cluster), "in process: no ALS job");
        JsonNode distributed = evaluate(src, tgt, dir.resolve("p2"), "2").get("models");
        // target-cf and emcdr share the cached target factorisation; emcdr adds the source block's
        assertEquals(2, alsJobs(cluster), "the factorisations ran as Flink jobs at parallelism 2");
        for (String model : List.of("target-cf", "emcdr")) {
            JsonNode a = local.get(model);
            JsonNode b = distributed.get(model);
            int metrics = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> m = it.next();
                if (m.getValue().has("mean")) {
                    assertEquals(
                            m.getValue().get("mean").asDouble(),
                            b.get(m.getKey()).get("mean").asDouble(),
                            1e-9,
                            model + " " + m.getKey());
                    metrics++;
                }
            }
            assertTrue(metrics >= 2, model + ": metrics compared " + metrics);
            assertTrue(a.get("ndcg@10").get("mean").asDouble() > 0, model + " learned something");
        }
    }

    @Test
    void aParallelismBelowOneIsAUsageError(@TempDir Path dir) throws IOException {
        Path src = dir.resolve("books");
        Path tgt = dir.resolve("music");
        writeSplit(src, tgt);
        EvaluateCommandTest.Run r =
                EvaluateCommandTest.cli(
                        "evaluate",
                        "--format",
                        "split",
                        "--source",
                        src.toString(),
                        "--target",
                        tgt.toString(),
                        "--output",
                        dir.resolve("o").toString(),
                        "--parallelism",
                        "0");
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--parallelism"), r.err());
    }
}

package io.crossinterest.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code demo}'s default (fast) path in process on the bundled Amazon sport–phone pair: every stage
 * runs and reports its time, and the comparison has the joint model (and its deep path alone) next
 * to the demo's baselines. With {@code --quick} (3 ALS iterations, at most 3 epochs) to keep the
 * test short; the stages, the models and the code path are the default's.
 */
class DemoCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void defaultDemoRunsEveryStageAndComparesTheJointModelWithTheBaselines(@TempDir Path dir)
            throws IOException {
        Path data =
                Path.of(System.getProperty("project.root.dir", ".."))
                        .resolve("data")
                        .resolve("amazon-sport-phone");
        assertTrue(Files.isDirectory(data), "bundled pair not found at " + data);
        Path output = dir.resolve("demo-output");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                CrossInterest.run(
                        new PrintWriter(out, true),
                        new PrintWriter(err, true),
                        "demo",
                        "--data",
                        data.toString(),
                        "--output",
                        output.toString(),
                        "--quick");
        String stdout = out.toString();
        assertEquals(CrossInterest.EXIT_OK, code, stdout + "\n" + err);

        // what was reduced, and where the complete table is, on screen
        assertTrue(stdout.contains("Fast demo"), stdout);
        assertTrue(stdout.contains("`demo --full`"), stdout);
        // one progress line per stage, with its elapsed seconds
        String[] stages = {"backfill", "train", "explain", "evaluate"};
        for (int i = 0; i < stages.length; i++) {
            String line = "== [" + (i + 1) + "/4] " + stages[i] + " done in ";
            assertTrue(stdout.contains(line), "no progress line '" + line + "' in:\n" + stdout);
        }

        // every stage left its output
        try (Stream<Path> profiles = Files.list(output.resolve("backfill/profiles"))) {
            assertTrue(profiles.findAny().isPresent(), "backfill wrote no profiles");
        }
        assertTrue(
                Files.isRegularFile(output.resolve("model/bundle/metadata.json")),
                "no model bundle");
        assertFalse(
                Files.readAllLines(output.resolve("model/cold-users.jsonl")).isEmpty(),
                "no cold users");
        assertTrue(
                err.toString().contains("explain") || stdout.contains("explain"),
                "explain did not run");

        // the comparison: the joint model, its deep path alone, and the demo's baselines, on one
        // seed
        JsonNode metrics = JSON.readTree(output.resolve("evaluation/metrics.json").toFile());
        assertEquals(1, metrics.get("seeds").size());
        assertTrue(metrics.has("twins_removed"), "metrics.json without twins_removed");
        JsonNode models = metrics.get("models");
        for (String m :
                List.of(
                        "popularity",
                        "emcdr",
                        "source-knn",
                        "source-items",
                        "joint",
                        "joint-deep")) {
            assertTrue(models.has(m), "no row for " + m + " in " + models.fieldNames());
            double ndcg = models.get(m).get("ndcg@10").get("mean").asDouble();
            assertTrue(ndcg >= 0 && ndcg <= 1, m + " ndcg@10 " + ndcg);
        }
        for (String m : List.of("target-cf", "cmf", "ptupcdr")) {
            assertFalse(models.has(m), m + " is only in demo --full");
        }
        assertTrue(
                Files.readString(output.resolve("evaluation/report.md")).contains("joint"),
                "report without joint");
    }

    @Test
    void anUnknownFlagIsOneLineNamingIt() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                CrossInterest.run(
                        new PrintWriter(out, true), new PrintWriter(err, true), "demo", "--fast");
        assertEquals(2, code);
        assertTrue(err.toString().contains("--fast"), err.toString());
    }
}

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
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train} then {@code explain} end to end on a small planted split layout. */
class TrainCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int code, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CrossInterest.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    /**
     * 80 users in 4 groups; a user of group g takes source items x{g}* and target items y{g}*.
     * Users u0..u59 are warm (target train.tsv), u60..u69 the validation cold users, u70..u79 the
     * test cold users.
     */
    static void plantedSplit(Path src, Path tgt) throws IOException {
        Files.createDirectories(src);
        Files.createDirectories(tgt);
        StringBuilder s = new StringBuilder();
        StringBuilder train = new StringBuilder();
        StringBuilder valid = new StringBuilder();
        StringBuilder test = new StringBuilder();
        for (int u = 0; u < 80; u++) {
            int g = u % 4;
            for (int j = 0; j < 5; j++) {
                s.append("u")
                        .append(u)
                        .append("\tx")
                        .append(g)
                        .append('_')
                        .append((u + j) % 6)
                        .append('\n');
            }
            StringBuilder t = u < 60 ? train : u < 70 ? valid : test;
            for (int j = 0; j < 3; j++) {
                t.append("u")
                        .append(u)
                        .append("\ty")
                        .append(g)
                        .append('_')
                        .append((u + j) % 5)
                        .append('\n');
            }
        }
        Files.writeString(src.resolve("train.tsv"), s);
        Files.writeString(tgt.resolve("train.tsv"), train);
        Files.writeString(tgt.resolve("valid.tsv"), valid);
        Files.writeString(tgt.resolve("test.tsv"), test);
    }

    @Test
    void trainWritesABundleAndColdUsersThenExplainReadsIt(@TempDir Path dir) throws IOException {
        Path src = dir.resolve("blocks/src");
        Path tgt = dir.resolve("blocks/tgt");
        plantedSplit(src, tgt);
        Path out = dir.resolve("out");
        Run r =
                cli(
                        "train",
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
                        "--top-n",
                        "5",
                        "--model-version",
                        "42",
                        "--output",
                        out.toString());
        assertEquals(0, r.code(), r.err());

        JsonNode meta = JSON.readTree(out.resolve("bundle/metadata.json").toFile());
        assertTrue(meta.get("modelVersion").isIntegralNumber(), meta.toString());
        assertEquals(42, meta.get("modelVersion").asLong());
        List<String> lines = Files.readAllLines(out.resolve("cold-users.jsonl"));
        assertEquals(10, lines.size(), "one line per test cold user");
        for (String line : lines) {
            JsonNode u = JSON.readTree(line);
            assertTrue(u.get("user").asText().matches("u7[0-9]"), line);
            assertEquals(42, u.get("modelVersion").asLong(), line);
            assertEquals(5, u.get("top").size(), line);
            assertEquals(3, u.get("heldOut").size(), line);
            assertTrue(u.get("top").get(0).get("item").asText().startsWith("tgt:y"), line);
        }

        Run e =
                cli(
                        "explain",
                        "--model",
                        out.resolve("bundle").toString(),
                        "--history",
                        src.resolve("train.tsv").toString(),
                        "--format",
                        "split",
                        "--user",
                        "u70",
                        "--top",
                        "2");
        assertEquals(0, e.code(), e.err());
        JsonNode ex = JSON.readTree(e.out());
        assertEquals(42, ex.get("modelVersion").asLong(), e.out());
        JsonNode drivers = ex.get("items").get(0).get("drivers");
        assertFalse(drivers.isEmpty(), e.out());
        for (JsonNode d :
                drivers) { // the drivers are the user's own source items, with the training data's
            // ids
            assertTrue(d.get("source").asText().startsWith("src:x2_"), e.out());
        }
    }

    @Test
    void badOptionsAreOneLineExitTwo(@TempDir Path dir) throws IOException {
        Path src = dir.resolve("blocks/src");
        Path tgt = dir.resolve("blocks/tgt");
        plantedSplit(src, tgt);
        Run r =
                cli(
                        "train",
                        "--format",
                        "split",
                        "--source",
                        src.toString(),
                        "--target",
                        tgt.toString(),
                        "--top-n",
                        "0",
                        "--output",
                        dir.resolve("o").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--top-n"), r.err());
        Run missing =
                cli(
                        "train",
                        "--format",
                        "amazon-pair",
                        "--source",
                        dir.resolve("nope_x").toString(),
                        "--target",
                        dir.resolve("x_nope").toString(),
                        "--output",
                        dir.resolve("o").toString());
        assertEquals(2, missing.code(), missing.err());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        for (String version : List.of("-1", "joint-7")) {
            Run bad =
                    cli(
                            "train",
                            "--format",
                            "split",
                            "--source",
                            src.toString(),
                            "--target",
                            tgt.toString(),
                            "--model-version",
                            version,
                            "--output",
                            dir.resolve("o").toString());
            assertEquals(2, bad.code(), bad.err());
            assertEquals(1, bad.err().strip().lines().count(), bad.err());
            assertTrue(bad.err().contains("--model-version"), bad.err());
        }
    }

    /** Without --model-version a model's version is the UTC time as yyyyMMddHHmmss. */
    @Test
    void theDefaultVersionIsTheUtcTimeSoALaterTrainingGetsAGreaterOne() {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
        long before = Long.parseLong(ZonedDateTime.now(ZoneOffset.UTC).format(f));
        long v = TrainCommand.defaultVersion();
        long after = Long.parseLong(ZonedDateTime.now(ZoneOffset.UTC).format(f));
        assertTrue(before <= v && v <= after, before + " <= " + v + " <= " + after);
    }
}

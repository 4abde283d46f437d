package io.crossinterest.jobs;

import io.crossinterest.testing.TestData;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code backfill} end to end on the real Taobao sample with malformed lines mixed in: the users
 * with profiles are exactly the distinct users of the valid lines, and the dead letters are exactly
 * the malformed lines.
 */
class BackfillCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String[] cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CrossInterest.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    private static List<JsonNode> readJsonLines(Path dir) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f :
                    files.filter(p -> !p.getFileName().toString().startsWith("."))
                            .sorted()
                            .toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    nodes.add(JSON.readTree(line));
                }
            }
        }
        return nodes;
    }

    @Test
    void taobaoSampleWithMalformedLines(@TempDir Path tmp) throws Exception {
        Path sample = TestData.require("taobao-userbehavior/UserBehavior_timeslice_110k.csv");
        List<String> valid = Files.readAllLines(sample);
        String[] bad = {
            "",
            "543462,1715,1464116,pv",
            "543462,1715,1464116,teleport,1511658000",
            "abc,1715,1464116,pv,1511658000",
            "543462,1715,1464116,pv,-5",
            "543462,1715,1464116,pv,1511658000,extra",
            "543462,,1464116,buy,1511658000",
            "1,2,3,pv,99999999999999"
        };
        List<String> lines = new ArrayList<>();
        Set<String> malformed = new TreeSet<>();
        for (int i = 0; i < valid.size(); i++) {
            lines.add(valid.get(i));
            if (i % 9973 == 5) {
                String b = bad[(i / 9973) % bad.length];
                lines.add(b);
                malformed.add((lines.size()) + "\t" + b);
            }
        }
        Path input = tmp.resolve("taobao.csv");
        Files.write(input, lines, StandardCharsets.UTF_8);
        Path out = tmp.resolve("out");

        String[] r =
                cli(
                        "backfill",
                        "--input",
                        input.toString(),
                        "--format",
                        "taobao",
                        "--output",
                        out.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("profiles:"), r[1]);

        Set<String> users = new HashSet<>();
        for (String v : valid) {
            users.add(v.substring(0, v.indexOf(',')));
        }
        List<JsonNode> profiles = readJsonLines(out.resolve("profiles"));
        Set<String> profiled = new HashSet<>();
        long events = 0;
        for (JsonNode p : profiles) {
            assertTrue(
                    profiled.add(p.get("user").asText()), "one profile per user: " + p.get("user"));
            events += p.get("events").asLong();
        }
        assertEquals(users, profiled);
        assertEquals(valid.size(), events, "every valid line counted once");

        try (Stream<Path> files = Files.list(out.resolve("dead-letters"))) {
            assertTrue(files.allMatch(f -> f.getFileName().toString().contains("dead")));
        }
        Set<String> dead = new TreeSet<>();
        for (JsonNode d : readJsonLines(out.resolve("dead-letters"))) {
            assertTrue(!d.get("reason").asText().isEmpty());
            dead.add(d.get("position").asLong() + "\t" + d.get("raw").asText());
        }
        assertEquals(malformed, dead);

        // the matrix O of these profiles: one observed entry per (user, category) of a profile, kNN
        // estimates besides
        long observed = 0;
        for (JsonNode p : profiles) {
            observed += p.get("categories").size();
        }
        Path tsv = tmp.resolve("o.tsv");
        r =
                cli(
                        "export-matrix",
                        "--profiles",
                        out.toString(),
                        "--output",
                        tsv.toString(),
                        "--impute",
                        "knn",
                        "--k",
                        "5");
        assertEquals("0", r[0], r[2]);
        List<String> rows = Files.readAllLines(tsv);
        assertEquals("user\tcategory\tvalue\timputed", rows.get(0));
        assertEquals(observed, rows.stream().skip(1).filter(l -> l.endsWith("\t0")).count());
        assertTrue(rows.stream().skip(1).anyMatch(l -> l.endsWith("\t1")), "some entries imputed");
    }

    @Test
    void streamAndExportUsageErrors(@TempDir Path tmp) {
        String[] r =
                cli(
                        "stream",
                        "--bootstrap-servers",
                        "127.0.0.1:1",
                        "--input-topic",
                        "in",
                        "--output-topic",
                        "out",
                        "--dead-letter-topic",
                        "dead",
                        "--history",
                        tmp.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--history: needs --format"), r[2]);
        r =
                cli(
                        "export-matrix",
                        "--profiles",
                        tmp.resolve("none").toString(),
                        "--output",
                        tmp.resolve("o").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--profiles"), r[2]);
        r =
                cli(
                        "export-matrix",
                        "--profiles",
                        tmp.toString(),
                        "--output",
                        tmp.resolve("o").toString(),
                        "--impute",
                        "median");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("median"), r[2]);
    }

    @Test
    void badFormatAndMissingInputAreOneLineUsageErrors(@TempDir Path tmp) {
        String[] r =
                cli(
                        "backfill",
                        "--input",
                        tmp.resolve("nope.csv").toString(),
                        "--format",
                        "taobao",
                        "--output",
                        tmp.toString());
        assertEquals("2", r[0]);
        assertEquals(1, r[2].strip().lines().count(), r[2]);
        r =
                cli(
                        "backfill",
                        "--input",
                        tmp.toString(),
                        "--format",
                        "parquet",
                        "--output",
                        tmp.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("parquet"), r[2]);
        r =
                cli(
                        "backfill",
                        "--input",
                        tmp.toString(),
                        "--format",
                        "taobao",
                        "--output",
                        tmp.toString(),
                        "--half-life",
                        "soon");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--half-life"), r[2]);
    }
}

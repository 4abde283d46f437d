package io.crossinterest.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code evaluate} end to end: a real Amazon pair, the split layout, and usage errors. */
class EvaluateCommandTest {
    private static final List<String> ITEM_METRICS =
            List.of(
                    "recall@10",
                    "ndcg@10",
                    "sampled.mrr",
                    "sampled.ndcg@5",
                    "sampled.ndcg@10",
                    "sampled.hr@1",
                    "sampled.hr@5",
                    "sampled.hr@10");
    private static final List<String> BASELINES =
            List.of("popularity", "target-cf", "cmf", "emcdr", "ptupcdr");

    record Run(int code, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CrossInterest.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    static Path amazon() {
        Path p =
                Path.of(
                        System.getProperty("shared.data.dir", "../shared/data"),
                        "amazon-cdr-disencdr");
        assertTrue(Files.isDirectory(p), "shared data not found at " + p.toAbsolutePath());
        return p;
    }

    /**
     * The smallest pair by users (3,325), electronic → phone, with reduced rank, iterations and
     * epochs.
     */
    @Test
    void realAmazonPairEndToEnd(@TempDir Path out) throws IOException {
        Path d = amazon();
        Run r =
                cli(
                        "evaluate",
                        "--format",
                        "amazon-pair",
                        "--source",
                        d.resolve("electronic_phone").toString(),
                        "--target",
                        d.resolve("phone_electronic").toString(),
                        "--beta",
                        "0.2",
                        "--seeds",
                        "1",
                        "--output",
                        out.toString(),
                        "--rank",
                        "8",
                        "--als-iterations",
                        "2",
                        "--max-epochs",
                        "1",
                        "--dump-rankings",
                        "--models",
                        String.join(",", BASELINES));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("[1/1] cmf"), "progress is shown: " + r.err());
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertEquals(
                List.of("dataset", "beta", "seeds", "twins", "twins_removed", "models", "run"),
                fieldNames(m));
        assertTrue(m.get("twins").asText().startsWith("remove"), m.get("twins").asText());
        assertTrue(
                m.get("twins_removed").get("rows").asLong() > 0,
                "electronic -> phone has twins: " + m);
        assertEquals(
                m.get("twins_removed").get("rows").asLong(),
                m.get("twins_removed").get("by_seed").get("1").get("rows").asLong());
        assertTrue(
                m.get("run").get("command").asText().startsWith("evaluate --format amazon-pair"));
        assertTrue(m.get("run").has("commit") && m.get("run").has("load_average_at_start"));
        assertEquals(0.2, m.get("beta").asDouble(), 1e-12);
        assertEquals(1, m.get("seeds").get(0).asLong());
        assertEquals(BASELINES, fieldNames(m.get("models")));
        for (String model : BASELINES) {
            JsonNode mm = m.get("models").get(model);
            assertEquals(ITEM_METRICS, fieldNames(mm), model); // K = 1: no interest metrics
            for (String metric : ITEM_METRICS) {
                double mean = mm.get(metric).get("mean").asDouble();
                assertTrue(mean > 0 && mean < 1, model + " " + metric + " = " + mean);
                assertEquals(
                        0.0, mm.get(metric).get("std").asDouble(), 1e-12, "one seed, no spread");
            }
            // the sampled protocol ranks among 1,000 items, the full ranking among ~17,700: hr@10
            // must be higher
            assertTrue(
                    mm.get("sampled.hr@10").get("mean").asDouble()
                            > mm.get("recall@10").get("mean").asDouble());
            List<String> rankings = Files.readAllLines(out.resolve("rankings-" + model + ".tsv"));
            assertEquals("seed\tuser\trank\titem\tscore", rankings.get(0));
            assertEquals(0, (rankings.size() - 1) % 100, "top 100 per test user");
            assertTrue(rankings.get(1).matches("1\t\\S+\t1\t\\S+\t-?[0-9.E-]+"), rankings.get(1));
            // the two dumped files give back the metrics: rankings and truth.tsv (relevant items
            // after twins)
            double[] recomputed =
                    recompute(out.resolve("rankings-" + model + ".tsv"), out.resolve("truth.tsv"));
            assertEquals(mm.get("recall@10").get("mean").asDouble(), recomputed[0], 1e-9, model);
            assertEquals(mm.get("ndcg@10").get("mean").asDouble(), recomputed[1], 1e-9, model);
        }
        // transfer helps: CMF reads cold users' electronics purchases, popularity cannot
        assertTrue(
                ndcg(m, "cmf") > ndcg(m, "popularity"),
                "cmf " + ndcg(m, "cmf") + " popularity " + ndcg(m, "popularity"));
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(
                report.contains("| cmf |")
                        && report.contains("seeds: [1]")
                        && report.contains("fit s"),
                report);
        assertTrue(Files.size(out.resolve("full-ranking.png")) > 1000);
        assertTrue(Files.size(out.resolve("sampled.png")) > 1000);
    }

    /** The generic split layout runs with no code change, and uses the given split. */
    @Test
    void splitLayout(@TempDir Path dir) throws IOException {
        // 300 users in 3 taste groups; the source block has only train.tsv
        Random rnd = new Random(5);
        Path src = Files.createDirectories(dir.resolve("books"));
        Path tgt = Files.createDirectories(dir.resolve("music"));
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
        Path out = dir.resolve("out");
        Run r =
                cli(
                        "evaluate",
                        "--format",
                        "split",
                        "--source",
                        src.toString(),
                        "--target",
                        tgt.toString(),
                        "--seeds",
                        "1,2",
                        "--output",
                        out.toString(),
                        "--models",
                        "popularity,cmf",
                        "--rank",
                        "4",
                        "--als-iterations",
                        "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(
                r.err().contains("45 test cold users") || r.err().contains("and 45 test"), r.err());
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertTrue(m.get("beta").isNull(), "a given split has no beta");
        assertEquals(2, m.get("seeds").size());
        assertEquals(List.of("popularity", "cmf"), fieldNames(m.get("models")));
        assertTrue(ndcg(m, "cmf") > ndcg(m, "popularity"));
        assertFalse(Files.exists(out.resolve("dead-letters.jsonl")));
    }

    @Test
    void malformedRowsAreReportedNotDropped(@TempDir Path dir) throws IOException {
        Path src = Files.createDirectories(dir.resolve("a"));
        Path tgt = Files.createDirectories(dir.resolve("b"));
        StringBuilder s = new StringBuilder();
        StringBuilder t = new StringBuilder();
        for (int u = 0; u < 40; u++) {
            s.append("u").append(u).append("\tx").append(u % 4).append('\n');
            t.append("u")
                    .append(u)
                    .append("\ty")
                    .append(u % 3)
                    .append('\n'); // % 3: no item is a twin
        }
        s.append("only-one-column\n");
        Files.writeString(src.resolve("train.tsv"), s, StandardCharsets.UTF_8);
        Files.writeString(tgt.resolve("train.tsv"), t, StandardCharsets.UTF_8);
        Files.writeString(
                tgt.resolve("valid.tsv"), "u100\ty1\nu101\ty2\tzero\n", StandardCharsets.UTF_8);
        Files.writeString(tgt.resolve("test.tsv"), "u102\ty1\nu103\ty2\n", StandardCharsets.UTF_8);
        Files.writeString(
                src.resolve("train.tsv"),
                "u100\tx1\nu101\tx2\nu102\tx1\nu103\tx2\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        Path out = dir.resolve("out");
        Run r =
                cli(
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
                        "popularity");
        assertEquals(0, r.code(), r.err());
        List<String> dead = Files.readAllLines(out.resolve("dead-letters.jsonl"));
        assertEquals(2, dead.size(), dead.toString());
        assertTrue(
                dead.get(0).contains("only-one-column") && dead.get(1).contains("zero"),
                dead.toString());
    }

    @Test
    void usageErrorsAreOneLineExitTwo(@TempDir Path out) {
        Path d = amazon();
        String[][] bad = {
            {
                "evaluate",
                "--format",
                "taobao",
                "--source",
                d.toString(),
                "--target",
                d.toString(),
                "--output",
                out.toString()
            },
            {
                "evaluate",
                "--format",
                "amazon-pair",
                "--source",
                d.resolve("nope_none").toString(),
                "--target",
                d.resolve("phone_sport").toString(),
                "--output",
                out.toString()
            },
            {
                "evaluate",
                "--format",
                "amazon-pair",
                "--source",
                d.resolve("sport_cloth").toString(),
                "--target",
                d.resolve("phone_sport").toString(),
                "--output",
                out.toString()
            },
            {
                "evaluate",
                "--format",
                "amazon-pair",
                "--source",
                d.resolve("sport_phone").toString(),
                "--target",
                d.resolve("phone_sport").toString(),
                "--beta",
                "1.5",
                "--output",
                out.toString()
            },
            {
                "evaluate",
                "--format",
                "amazon-pair",
                "--source",
                d.resolve("sport_phone").toString(),
                "--target",
                d.resolve("phone_sport").toString(),
                "--models",
                "popularity,nosuch",
                "--output",
                out.toString()
            },
            {
                "evaluate",
                "--format",
                "movielens",
                "--source",
                d.toString(),
                "--output",
                out.toString()
            },
        };
        for (String[] args : bad) {
            Run r = cli(args);
            assertEquals(2, r.code(), String.join(" ", args) + "\n" + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }

    /**
     * Recall@10 and NDCG@10 from a rankings dump and truth.tsv, as a reader would recompute them:
     * per seed the mean over the users in truth.tsv, then the mean over seeds.
     */
    static double[] recompute(Path rankingsFile, Path truthFile) throws IOException {
        Map<String, Map<String, Set<String>>> truth = new TreeMap<>();
        for (String line :
                Files.readAllLines(truthFile).subList(1, Files.readAllLines(truthFile).size())) {
            String[] f = line.split("\t");
            truth.computeIfAbsent(f[0], k -> new HashMap<>())
                    .computeIfAbsent(f[1], k -> new HashSet<>())
                    .add(f[2]);
        }
        Map<String, Map<String, String[]>> top = new HashMap<>();
        for (String line :
                Files.readAllLines(rankingsFile)
                        .subList(1, Files.readAllLines(rankingsFile).size())) {
            String[] f = line.split("\t");
            int rank = Integer.parseInt(f[2]);
            if (rank <= 10) {
                top.computeIfAbsent(f[0], k -> new HashMap<>())
                                .computeIfAbsent(f[1], k -> new String[10])[rank - 1] =
                        f[3];
            }
        }
        double recallSum = 0;
        double ndcgSum = 0;
        for (var seed : truth.entrySet()) {
            double r = 0;
            double n = 0;
            for (var user : seed.getValue().entrySet()) {
                String[] ranked = top.get(seed.getKey()).get(user.getKey());
                double dcg = 0;
                int hits = 0;
                for (int i = 0; i < 10; i++) {
                    if (ranked[i] != null && user.getValue().contains(ranked[i])) {
                        hits++;
                        dcg += 1 / (Math.log(i + 2) / Math.log(2));
                    }
                }
                double idcg = 0;
                for (int i = 0; i < Math.min(10, user.getValue().size()); i++) {
                    idcg += 1 / (Math.log(i + 2) / Math.log(2));
                }
                r += (double) hits / user.getValue().size();
                n += dcg / idcg;
            }
            recallSum += r / seed.getValue().size();
            ndcgSum += n / seed.getValue().size();
        }
        return new double[] {recallSum / truth.size(), ndcgSum / truth.size()};
    }

    /**
     * The literature's layout: the same cold users have rows in valid.tsv and test.tsv. It runs
     * unchanged; validation reads the valid rows, the test ranks exclude them; the dumps give back
     * metrics.json; given candidate lists are ranked exactly.
     */
    @Test
    void splitWithTheSameUsersInValidAndTest(@TempDir Path dir) throws IOException {
        Random rnd = new Random(9);
        Path src = Files.createDirectories(dir.resolve("books"));
        Path tgt = Files.createDirectories(dir.resolve("music"));
        StringBuilder candidates = new StringBuilder();
        try (BufferedWriter s = Files.newBufferedWriter(src.resolve("train.tsv"));
                BufferedWriter tr = Files.newBufferedWriter(tgt.resolve("train.tsv"));
                BufferedWriter va = Files.newBufferedWriter(tgt.resolve("valid.tsv"));
                BufferedWriter te = Files.newBufferedWriter(tgt.resolve("test.tsv"))) {
            for (int u = 0; u < 300; u++) {
                int g = u % 3;
                for (int n = 0; n < 5; n++) {
                    s.write(
                            "user"
                                    + u
                                    + "\tb"
                                    + (g * 20 + rnd.nextInt(20))
                                    + "\t"
                                    + (1 + rnd.nextInt(5))
                                    + "\n");
                }
                if (u < 240) {
                    for (int n = 0; n < 5; n++) {
                        tr.write("user" + u + "\tm" + (g * 20 + rnd.nextInt(20)) + "\n");
                    }
                } else { // cold: two items to validate on, three to test on
                    va.write("user" + u + "\tm" + (g * 20) + "\n");
                    va.write("user" + u + "\tm" + (g * 20 + 1) + "\n");
                    String positive = "m" + (g * 20 + 2 + rnd.nextInt(18));
                    te.write("user" + u + "\t" + positive + "\n");
                    candidates.append("user").append(u).append(' ').append(positive);
                    for (int n = 0; n < 5; n++) {
                        candidates.append(" m").append(((g + 1) % 3) * 20 + rnd.nextInt(20));
                    }
                    candidates.append('\n');
                }
            }
        }
        Path cand = Files.writeString(dir.resolve("candidates.txt"), candidates);
        Path out = dir.resolve("out");
        Run r =
                cli(
                        "evaluate",
                        "--format",
                        "split",
                        "--source",
                        src.toString(),
                        "--target",
                        tgt.toString(),
                        "--seeds",
                        "1,2",
                        "--output",
                        out.toString(),
                        "--models",
                        "popularity,cmf",
                        "--rank",
                        "4",
                        "--als-iterations",
                        "3",
                        "--dump-rankings",
                        "--candidates",
                        cand.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("60 validation and 60 test cold users"), r.err());
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        for (String model : List.of("popularity", "cmf")) {
            JsonNode mm = m.get("models").get(model);
            double[] recomputed =
                    recompute(out.resolve("rankings-" + model + ".tsv"), out.resolve("truth.tsv"));
            assertEquals(mm.get("recall@10").get("mean").asDouble(), recomputed[0], 1e-9, model);
            assertEquals(mm.get("ndcg@10").get("mean").asDouble(), recomputed[1], 1e-9, model);
            // no validation item is ever ranked for a test user; items named as in the input files
            for (String line :
                    Files.readAllLines(out.resolve("rankings-" + model + ".tsv")).subList(1, 100)) {
                String[] f = line.split("\t");
                int g = Integer.parseInt(f[1].substring(4)) % 3;
                assertFalse(f[3].equals("m" + g * 20) || f[3].equals("m" + (g * 20 + 1)), line);
            }
        }
        // CMF reads the book taste: it finds the positive among the other groups' items
        double cmfHit = m.get("models").get("cmf").get("candidates.hr@1").get("mean").asDouble();
        assertTrue(
                cmfHit > 0.8
                        && cmfHit
                                > m.get("models")
                                        .get("popularity")
                                        .get("candidates.hr@1")
                                        .get("mean")
                                        .asDouble(),
                "cmf candidates.hr@1 " + cmfHit);
        assertEquals(60, m.get("candidates").get("1").get("positives").asInt());
        // a candidate file that names an unknown item is one line naming the option
        Files.writeString(cand, "user250 m2 nothing-like-it\n");
        Run bad =
                cli(
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
                        "popularity",
                        "--candidates",
                        cand.toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(
                bad.err().contains("--candidates") && bad.err().contains("nothing-like-it"),
                bad.err());
    }

    private static double ndcg(JsonNode m, String model) {
        return m.get("models").get(model).get("ndcg@10").get("mean").asDouble();
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}

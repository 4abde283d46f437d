package io.crossinterest.report;

import io.crossinterest.eval.EvaluationResult;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The README's result tables, made from the committed result files and nothing else, so that every
 * figure the README publishes has a file behind it (with its command, commit, seeds and machine
 * load):
 *
 * <ul>
 *   <li>{@code quality}: one row per {@code results/quality/NAME/metrics.json} (written by {@code
 *       bin/quality-results});
 *   <li>{@code quality-provenance}: for each of those files, the commit, seeds, start and load
 *       average;
 *   <li>{@code twin-counts}: {@code results/twin-counts/NAME/metrics.json} (popularity, source-knn
 *       and source-items, twins removed): the twins each pair has;
 *   <li>{@code twins}: {@code results/twins-kept/NAME/metrics.json} (the same evaluation with
 *       {@code --twins keep}) next to the twin-free figures of the same models;
 *   <li>{@code als}: {@code bench/results/als-bench-*.json};
 *   <li>{@code stream}, {@code live}, {@code encoder}: {@code
 *       results/performance/stream-bench.json}, {@code live-bench.json} and {@code
 *       encoder-bench.json}.
 * </ul>
 *
 * In the README each table stands between {@code <!-- results:NAME -->} and {@code <!--
 * /results:NAME -->}; {@link #render} replaces what stands there, {@link #differences} names the
 * tables whose text differs from the files.
 */
public final class ResultTables {
    /** Baselines the joint model is compared with ("the best other"), in column order. */
    public static final List<String> BASELINES =
            List.of(
                    "popularity",
                    "target-cf",
                    "cmf",
                    "emcdr",
                    "ptupcdr",
                    "source-knn",
                    "source-items");

    /**
     * Columns of the quality table: model → heading (target-cf is left out: for cold users it is
     * popularity).
     */
    private static final Map<String, String> COLUMNS = new LinkedHashMap<>();

    static {
        COLUMNS.put("popularity", "popularity");
        COLUMNS.put("cmf", "CMF");
        COLUMNS.put("emcdr", "EMCDR");
        COLUMNS.put("ptupcdr", "PTUPCDR-style");
        COLUMNS.put("source-knn", "source-knn");
        COLUMNS.put("source-items", "source-items");
        COLUMNS.put("joint-deep", "joint, deep path alone");
        COLUMNS.put("joint", "joint");
    }

    /**
     * The joint model must beat the best other model by this factor on Amazon, and be level
     * elsewhere.
     */
    static final double AMAZON_GOAL = 1.05;

    /** The goal is judged on the mean over this many reporting seeds. */
    static final int GOAL_SEEDS = 3;

    static final String METRIC = "ndcg@10";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    /** The tables of the repository checked out at {@code root}. */
    public ResultTables(Path root) {
        this.root = root;
    }

    /** Table name → its markdown, in README order. */
    public Map<String, String> tables() {
        Map<String, String> t = new LinkedHashMap<>();
        List<Quality> quality = quality();
        t.put("quality", qualityTable(quality));
        t.put("quality-provenance", provenanceTable(quality));
        t.put("twins", twinsTable(quality));
        t.put("twin-counts", twinCountsTable());
        t.put("als", alsTable());
        t.put("stream", streamTable());
        t.put("live", liveTable());
        t.put("encoder", encoderTable());
        return t;
    }

    /** {@code text} with every marked table replaced by the one made from the files. */
    public String render(String text) {
        String out = text;
        for (Map.Entry<String, String> e : tables().entrySet()) {
            out = replace(out, e.getKey(), e.getValue());
        }
        return out;
    }

    /**
     * The names of the marked tables in {@code text} that differ from the files (empty: the text is
     * current).
     */
    public List<String> differences(String text) {
        List<String> differ = new ArrayList<>();
        for (Map.Entry<String, String> e : tables().entrySet()) {
            if (!replace(text, e.getKey(), e.getValue()).equals(text)) {
                differ.add(e.getKey());
            }
        }
        return differ;
    }

    private static String replace(String text, String name, String table) {
        String begin = "<!-- results:" + name + " -->\n";
        String end = "<!-- /results:" + name + " -->";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            return text;
        }
        return text.substring(0, b + begin.length()) + table + text.substring(e);
    }

    // ---- quality ----

    /**
     * One results/quality/NAME: its metrics.json, or the seeds of NAME/seed-N/metrics.json combined
     * (values per seed concatenated in seed order, mean and sample std recomputed, twins removed
     * summed; only models every seed ran).
     */
    record Quality(String name, JsonNode json, List<Path> files) {
        boolean amazon() {
            return name.startsWith("amazon-");
        }

        JsonNode model(String m) {
            return json.path("models").path(m).path(METRIC);
        }
    }

    /**
     * The quality files in the order of {@code bin/quality-results} (its RUNS list), others after
     * them by name.
     */
    List<Quality> quality() {
        Path dir = root.resolve("results/quality");
        List<Quality> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<String> order = scriptOrder();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(Files::isDirectory)
                    .map(ResultTables::load)
                    .filter(q -> q != null)
                    .sorted(
                            (a, b) -> {
                                int ia = order.indexOf(a.name());
                                int ib = order.indexOf(b.name());
                                ia = ia < 0 ? Integer.MAX_VALUE : ia;
                                ib = ib < 0 ? Integer.MAX_VALUE : ib;
                                return ia != ib
                                        ? Integer.compare(ia, ib)
                                        : a.name().compareTo(b.name());
                            })
                    .forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The results of one folder, or null when it holds none. */
    static Quality load(Path dir) {
        String name = dir.getFileName().toString();
        Path whole = dir.resolve("metrics.json");
        if (Files.isRegularFile(whole)) {
            return new Quality(name, read(whole), List.of(whole));
        }
        List<Path> seedFiles = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().matches("seed-\\d+"))
                    .map(p -> p.resolve("metrics.json"))
                    .filter(Files::isRegularFile)
                    .sorted((a, b) -> Long.compare(seedOf(a), seedOf(b)))
                    .forEach(seedFiles::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (seedFiles.isEmpty()) {
            return null;
        }
        return new Quality(
                name, combine(seedFiles.stream().map(ResultTables::read).toList()), seedFiles);
    }

    private static long seedOf(Path metricsFile) {
        return Long.parseLong(
                metricsFile.getParent().getFileName().toString().substring("seed-".length()));
    }

    /** Several runs of one data set (one seed each, or more) as one result. */
    static JsonNode combine(List<JsonNode> runs) {
        ObjectNode out = JSON.createObjectNode();
        out.set("dataset", runs.get(0).path("dataset"));
        ArrayNode seeds = out.putArray("seeds");
        long rows = 0;
        long users = 0;
        for (JsonNode r : runs) {
            r.path("seeds").forEach(seeds::add);
            rows += r.path("twins_removed").path("rows").asLong();
            users += r.path("twins_removed").path("users").asLong();
        }
        out.putObject("twins_removed").put("rows", rows).put("users", users);
        ObjectNode models = out.putObject("models");
        runs.get(0)
                .path("models")
                .fieldNames()
                .forEachRemaining(
                        m -> {
                            if (runs.stream().allMatch(r -> r.path("models").has(m))) {
                                ObjectNode mm = models.putObject(m);
                                runs.get(0)
                                        .path("models")
                                        .path(m)
                                        .fieldNames()
                                        .forEachRemaining(
                                                metric -> {
                                                    List<Double> xs = new ArrayList<>();
                                                    runs.forEach(
                                                            r ->
                                                                    r.path("models")
                                                                            .path(m)
                                                                            .path(metric)
                                                                            .path("values")
                                                                            .forEach(
                                                                                    v ->
                                                                                            xs.add(
                                                                                                    v
                                                                                                            .asDouble())));
                                                    ObjectNode v = mm.putObject(metric);
                                                    v.put("mean", EvaluationResult.mean(xs));
                                                    v.put("std", EvaluationResult.std(xs));
                                                    xs.forEach(v.putArray("values")::add);
                                                });
                            }
                        });
        return out;
    }

    private List<String> scriptOrder() {
        Path script = root.resolve("bin/quality-results");
        List<String> names = new ArrayList<>();
        if (!Files.isRegularFile(script)) {
            return names;
        }
        try {
            for (String line : Files.readAllLines(script, StandardCharsets.UTF_8)) {
                String t = line.strip();
                if (t.startsWith("\"") && t.contains("|")) {
                    names.add(t.substring(1, t.indexOf('|')));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    String qualityTable(List<Quality> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| data (source → target) | seeds | twins removed: test rows (users) |");
        COLUMNS.values().forEach(h -> sb.append(' ').append(h).append(" |"));
        sb.append(" joint / best other | goal |\n|---|---|---|");
        COLUMNS.values().forEach(h -> sb.append("---|"));
        sb.append("---|---|\n");
        for (Quality q : rows) {
            sb.append("| ")
                    .append(q.name())
                    .append(" | ")
                    .append(seeds(q.json()))
                    .append(" | ")
                    .append(q.json().path("twins_removed").path("rows").asLong())
                    .append(" (")
                    .append(q.json().path("twins_removed").path("users").asLong())
                    .append(") |");
            for (String m : COLUMNS.keySet()) {
                JsonNode v = q.model(m);
                sb.append(' ')
                        .append(
                                v.isMissingNode()
                                        ? "–"
                                        : f4(v.path("mean").asDouble())
                                                + " ± "
                                                + f4(v.path("std").asDouble()))
                        .append(" |");
            }
            String best = bestOther(q);
            JsonNode joint = q.model("joint");
            if (best == null || joint.isMissingNode()) {
                sb.append(" – | not measured |\n");
                continue;
            }
            double ratio = joint.path("mean").asDouble() / q.model(best).path("mean").asDouble();
            double goal = q.amazon() ? AMAZON_GOAL : 1.0;
            int numSeeds = q.json().path("seeds").size();
            String verdict = ratio >= goal ? "met" : "**missed**";
            if (numSeeds < GOAL_SEEDS) { // the goal is a mean over three reporting seeds
                verdict =
                        "not yet decided: "
                                + numSeeds
                                + " of "
                                + GOAL_SEEDS
                                + " seeds, "
                                + (ratio >= goal ? "above" : "below")
                                + " the bar so far";
            }
            sb.append(' ')
                    .append(f2(ratio))
                    .append(" (")
                    .append(best)
                    .append(") | ")
                    .append(verdict)
                    .append(" (≥ ")
                    .append(f2(goal))
                    .append(") |\n");
        }
        if (rows.isEmpty()) {
            sb.append("| no result file yet | | | | | | | | | | | | |\n");
        }
        return sb.toString();
    }

    /** The baseline with the highest mean NDCG@10, or null when none was run. */
    static String bestOther(Quality q) {
        String best = null;
        for (String m : BASELINES) {
            JsonNode v = q.model(m);
            if (!v.isMissingNode()
                    && (best == null
                            || v.path("mean").asDouble() > q.model(best).path("mean").asDouble())) {
                best = m;
            }
        }
        return best;
    }

    String provenanceTable(List<Quality> rows) {
        StringBuilder sb =
                new StringBuilder(
                        "| file | commit | started | load average at start | cores |\n"
                                + "|---|---|---|---|---|\n");
        for (Quality q : rows) {
            for (Path f : q.files()) {
                provenanceRow(sb, root.relativize(f).toString(), read(f).path("run"));
            }
        }
        return sb.toString();
    }

    private void provenanceRow(StringBuilder sb, String file, JsonNode run) {
        sb.append("| `")
                .append(file)
                .append("` | ")
                .append(shortCommit(run.path("commit").asText("unknown")))
                .append(" | ")
                .append(run.path("started").asText("–"))
                .append(" | ")
                .append(
                        run.has("load_average_at_start")
                                ? f2(run.path("load_average_at_start").asDouble())
                                : "–")
                .append(" | ")
                .append(run.path("cores").asText("–"))
                .append(" |\n");
    }

    /**
     * Per data set: twin pairs found (mean over seeds), hidden test rows and test users the
     * protocol removed.
     */
    String twinCountsTable() {
        Path dir = root.resolve("results/twin-counts");
        StringBuilder sb =
                new StringBuilder(
                        "| data | seeds | twin pairs in the training rows (mean per seed) |"
                                + " hidden test rows removed | test users with a row removed |\n|---|---|---|---|---|\n");
        for (Path d : resultDirs(dir)) {
            JsonNode j = read(d.resolve("metrics.json"));
            long pairs = 0;
            long rows = 0;
            long users = 0;
            long allRows = 0;
            long allUsers = 0;
            int n = 0;
            for (JsonNode seed : j.path("twins_removed").path("by_seed")) {
                pairs += seed.path("twin_pairs").asLong();
                rows += seed.path("rows").asLong();
                users += seed.path("users").asLong();
                allRows += seed.path("test_rows").asLong();
                allUsers += seed.path("test_users").asLong();
                n++;
            }
            sb.append("| ")
                    .append(d.getFileName())
                    .append(" | ")
                    .append(seeds(j))
                    .append(" | ")
                    .append(n == 0 ? "–" : String.format(Locale.ROOT, "%,d", pairs / n))
                    .append(" | ")
                    .append(share(rows, allRows))
                    .append(" | ")
                    .append(share(users, allUsers))
                    .append(" |\n");
        }
        return sb.toString();
    }

    /** The folders of {@code dir} that hold a metrics.json, in the order of bin/quality-results. */
    private List<Path> resultDirs(Path dir) {
        List<Path> dirs = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> Files.isRegularFile(p.resolve("metrics.json"))).forEach(dirs::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<String> order = scriptOrder();
        dirs.sort((a, b) -> Integer.compare(rank(order, a), rank(order, b)));
        return dirs;
    }

    private static int rank(List<String> order, Path dir) {
        int i = order.indexOf(dir.getFileName().toString());
        return i < 0 ? Integer.MAX_VALUE : i;
    }

    private static String share(long part, long all) {
        return all == 0
                ? String.format(Locale.ROOT, "%,d", part)
                : String.format(Locale.ROOT, "%,d of %,d (%.1f %%)", part, all, 100.0 * part / all);
    }

    /**
     * NDCG@10 with twins kept (results/twins-kept/NAME) next to twins removed: from
     * results/quality/NAME where that run has the model, else from results/twin-counts/NAME (the
     * same cheap models), else "–".
     */
    String twinsTable(List<Quality> removed) {
        Path dir = root.resolve("results/twins-kept");
        StringBuilder sb =
                new StringBuilder(
                        "| data | model | seeds | NDCG@10, twins kept | NDCG@10, twins removed |"
                                + " commit |\n|---|---|---|---|---|---|\n");
        for (Path d : resultDirs(dir)) {
            String name = d.getFileName().toString();
            Quality kept =
                    new Quality(
                            name,
                            read(d.resolve("metrics.json")),
                            List.of(d.resolve("metrics.json")));
            Quality full =
                    removed.stream().filter(q -> q.name().equals(name)).findFirst().orElse(null);
            Path countsFile =
                    root.resolve("results/twin-counts").resolve(name).resolve("metrics.json");
            Quality counts =
                    Files.isRegularFile(countsFile)
                            ? new Quality(name, read(countsFile), List.of(countsFile))
                            : null;
            kept.json()
                    .path("models")
                    .fieldNames()
                    .forEachRemaining(
                            m -> {
                                JsonNode k = kept.model(m);
                                JsonNode r =
                                        full != null && !full.model(m).isMissingNode()
                                                ? full.model(m)
                                                : counts != null
                                                        ? counts.model(m)
                                                        : MissingNode.getInstance();
                                sb.append("| ")
                                        .append(name)
                                        .append(" | ")
                                        .append(m)
                                        .append(" | ")
                                        .append(seeds(kept.json()))
                                        .append(" | ")
                                        .append(f4(k.path("mean").asDouble()))
                                        .append(" ± ")
                                        .append(f4(k.path("std").asDouble()))
                                        .append(" | ")
                                        .append(
                                                r.isMissingNode()
                                                        ? "–"
                                                        : f4(r.path("mean").asDouble())
                                                                + " ± "
                                                                + f4(r.path("std").asDouble()))
                                        .append(" | ")
                                        .append(
                                                shortCommit(
                                                        kept.json()
                                                                .path("run")
                                                                .path("commit")
                                                                .asText("unknown")))
                                        .append(" |\n");
                            });
        }
        return sb.toString();
    }

    // ---- performance ----

    String alsTable() {
        StringBuilder sb =
                new StringBuilder(
                        "| file | data | interactions | ours s/iter | Spark s/iter | speedup |"
                                + " ours Recall@10 | Spark Recall@10 | load average at start |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Path f : files(root.resolve("bench/results"), "als-bench")) {
            JsonNode j = read(f);
            String load = j.path("machine").path("loadavg_at_start").asText("–").split(" ")[0];
            for (JsonNode d : j.path("datasets")) {
                sb.append("| `")
                        .append(root.relativize(f))
                        .append("` | ")
                        .append(d.path("name").asText())
                        .append(" | ")
                        .append(
                                String.format(
                                        Locale.ROOT, "%,d", d.path("interactions_train").asLong()))
                        .append(" | ")
                        .append(f2(d.path("ours_s_per_iter").asDouble()))
                        .append(" | ")
                        .append(f2(d.path("spark_s_per_iter").asDouble()))
                        .append(" | ")
                        .append(String.format(Locale.ROOT, "%.1f×", d.path("speedup").asDouble()))
                        .append(" | ")
                        .append(f4(d.path("ours_recall@10").asDouble()))
                        .append(" | ")
                        .append(f4(d.path("spark_recall@10").asDouble()))
                        .append(" | ")
                        .append(load)
                        .append(" |\n");
            }
        }
        return sb.toString();
    }

    /**
     * Two rows from {@code stream-bench.json}: the worst case (the top-level fields, with the floor
     * job of the same run) and, when the file has it, the realistic replay ({@code realistic});
     * each with its goal.
     */
    String streamTable() {
        Path f = root.resolve("results/performance/stream-bench.json");
        if (!Files.isRegularFile(f)) {
            return "No stream benchmark file at this commit (`results/performance/stream-bench.json`): no figure.\n";
        }
        JsonNode j = read(f);
        StringBuilder sb =
                new StringBuilder(
                        "| file | replay | events | events per user | events/s | events/s per core |"
                                + " ceiling events/s | per core / ceiling | floor events/s per core | goal | load average at start |\n"
                                + "|---|---|---|---|---|---|---|---|---|---|---|\n");
        JsonNode floorGoal = j.path("goals").path("worst_case_over_floor");
        sb.append(
                streamRow(
                        f,
                        "worst case",
                        j,
                        f0(j.path("floor_events_per_s_per_core").asDouble()),
                        floorGoal.isMissingNode() ? "–" : goal("vs floor", floorGoal),
                        j.path("load_average_at_start")));
        if (j.has("realistic")) {
            sb.append(
                    streamRow(
                            f,
                            "realistic",
                            j.path("realistic"),
                            "–",
                            goal(
                                    "per core / ceiling",
                                    j.path("goals").path("realistic_per_core_over_ceiling")),
                            j.path("load_average_at_start")));
        }
        return sb.toString();
    }

    private String streamRow(
            Path f, String replay, JsonNode r, String floor, String goal, JsonNode load) {
        return "| `"
                + root.relativize(f)
                + "` | "
                + replay
                + " | "
                + String.format(Locale.ROOT, "%,d", r.path("events").asLong())
                + " | "
                + (r.has("events_per_user") ? f2(r.path("events_per_user").asDouble()) : "–")
                + " | "
                + f0(r.path("events_per_s").asDouble())
                + " | "
                + f0(r.path("events_per_s_per_core").asDouble())
                + " | "
                + f0(r.path("ceiling_events_per_s").asDouble())
                + " | "
                + f2(r.path("ratio").asDouble())
                + " | "
                + floor
                + " | "
                + goal
                + " | "
                + f2(load.asDouble())
                + " |\n";
    }

    /** "met (vs floor 0.85 ≥ 0.8)" or "**missed** (...)" from a goal node of a benchmark file. */
    private static String goal(String what, JsonNode g) {
        String value = num(g.path("value").asDouble());
        String bound =
                g.has("at_most")
                        ? "< " + num(g.path("at_most").asDouble())
                        : "≥ " + num(g.path("at_least").asDouble());
        return (g.path("met").asBoolean() ? "met" : "**missed**")
                + " ("
                + what
                + " "
                + value
                + ", goal "
                + bound
                + ")";
    }

    /**
     * One row from {@code live-bench.json} ({@code bench live}): the whole live graph on a local
     * Kafka: events/s per core in the default configuration and in the low-latency one (per-event
     * emission; "–" in files from before it), the latency in the configuration the file names (at
     * half the load it carries), the exactly-once visibility, the soak, and the JVM flags the
     * figures depend on.
     */
    String liveTable() {
        Path f = root.resolve("results/performance/live-bench.json");
        if (!Files.isRegularFile(f)) {
            return "No live benchmark file at this commit (`results/performance/live-bench.json`): no figure.\n";
        }
        JsonNode j = read(f);
        JsonNode lat = j.path("latency_ms");
        JsonNode vis = j.path("visibility_latency_ms");
        JsonNode soak = j.path("soak");
        JsonNode goals = j.path("goals");
        StringBuilder sb =
                new StringBuilder(
                        "| file | events/s per core | events/s per core, low-latency configuration |"
                                + " latency p50 / p99 / p99.9 (ms) at half the load its configuration carries |"
                                + " visibility p50 / p99 (ms), exactly-once | state bytes per user | soak | RSS MB start → end |"
                                + " state MB start → end | goals | load average at start | JVM flags (heap, collector) |"
                                + "\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        JsonNode low = j.path("throughput_low_latency");
        JsonNode latencyConfig = j.path("latency").path("configuration");
        sb.append("| `")
                .append(root.relativize(f))
                .append("` | ")
                .append(f0(j.path("events_per_s_per_core").asDouble()))
                .append(" | ")
                .append(
                        low.has("events_per_s_per_core")
                                ? f0(low.path("events_per_s_per_core").asDouble())
                                : "–")
                .append(" | ")
                .append(
                        latencyConfig.isObject()
                                ? "emit interval "
                                        + latencyConfig.path("emit_interval").asText()
                                        + ", scoring delay "
                                        + latencyConfig.path("max_scoring_delay").asText()
                                        + ", buffer timeout "
                                        + latencyConfig.path("buffer_timeout").asText()
                                        + ", "
                                        + latencyConfig.path("delivery").asText()
                                        + ", "
                                        + f0(j.path("latency").path("rate_events_per_s").asDouble())
                                        + " events/s: "
                                : "")
                .append(lat.path("p50").asLong())
                .append(" / ")
                .append(lat.path("p99").asLong())
                .append(" / ")
                .append(lat.path("p999").asLong())
                .append(" | ")
                .append(vis.path("p50").asLong())
                .append(" / ")
                .append(vis.path("p99").asLong())
                .append(" (checkpoints every ")
                .append(vis.path("checkpoint_interval_s").asInt())
                .append(" s) | ")
                .append(String.format(Locale.ROOT, "%,d", j.path("state_bytes_per_user").asLong()))
                .append(" | ")
                .append(soak.path("minutes").asText())
                .append(" min")
                .append(
                        soak.has("warmup_seconds")
                                ? " after a "
                                        + soak.path("warmup_seconds").asLong()
                                        + " s warm-up; start, end: means of its first, last third"
                                : "")
                .append(" | ")
                .append(f0(soak.path("rss_mb_start").asDouble()))
                .append(" → ")
                .append(f0(soak.path("rss_mb_end").asDouble()))
                .append(" | ")
                .append(
                        String.format(
                                Locale.ROOT,
                                "%.1f → %.1f",
                                soak.path("state_mb_start").asDouble(),
                                soak.path("state_mb_end").asDouble()))
                .append(" | ")
                .append(goal("per core", goals.path("events_per_s_per_core")))
                .append("; ")
                .append(goal("p99", goals.path("p99_latency_ms")))
                .append("; ")
                .append("memory flat: ")
                .append(goals.path("memory_flat").path("met").asBoolean() ? "met" : "**missed**")
                .append(" | ")
                .append(f2(j.path("run").path("load_average_at_start").asDouble()))
                .append(" | ")
                .append(jvmFlags(j.path("run")))
                .append(" |\n");
        return sb.toString();
    }

    /**
     * A run's heap and collector flags ({@code run.heap_flags}, {@code run.gc_flags}; the
     * collector's are recorded since commit 0d1b5fa, earlier files ran G1 with its defaults), or
     * "–" when the file names none.
     */
    private static String jvmFlags(JsonNode run) {
        String flags =
                (run.path("heap_flags").asText("") + " " + run.path("gc_flags").asText("")).strip();
        return flags.isEmpty() ? "–" : "`" + flags + "`";
    }

    /**
     * The encoder benchmark: users/s by batch of the DL4J graph, the product's projected encoder
     * and PyTorch (the same network; and PyTorch with the same folding), the product's ratio to
     * PyTorch and the goal (≥ 1/1.5 of PyTorch at every batch), then one line of provenance.
     */
    String encoderTable() {
        Path f = root.resolve("results/performance/encoder-bench.json");
        if (!Files.isRegularFile(f)) {
            return "No encoder benchmark file at this commit (`results/performance/encoder-bench.json`): no figure.\n";
        }
        JsonNode j = read(f);
        boolean torchProjected = j.has("pytorchProjected");
        boolean full = j.has("projectedFullWindow");
        StringBuilder sb =
                new StringBuilder(
                        "| batch | DL4J graph | product (projected) |"
                                + (full ? " product, users of L tokens |" : "")
                                + " PyTorch |"
                                + (torchProjected ? " PyTorch, projected |" : "")
                                + " product / PyTorch | DL4J graph / PyTorch |\n"
                                + "|---|---|---|"
                                + (full ? "---|" : "")
                                + "---|"
                                + (torchProjected ? "---|" : "")
                                + "---|---|\n");
        for (Iterator<String> it = j.path("dl4j").fieldNames(); it.hasNext(); ) {
            String b = it.next();
            sb.append("| ")
                    .append(b)
                    .append(" | ")
                    .append(usersPerS(j.path("dl4j").path(b)))
                    .append(" | ")
                    .append(usersPerS(j.path("projected").path(b)))
                    .append(" | ");
            if (full) {
                sb.append(usersPerS(j.path("projectedFullWindow").path(b))).append(" | ");
            }
            sb.append(usersPerS(j.path("pytorch").path(b))).append(" | ");
            if (torchProjected) {
                sb.append(usersPerS(j.path("pytorchProjected").path(b))).append(" | ");
            }
            sb.append(f2(j.path("ratios").path("projectedOverPytorch").path(b).asDouble()))
                    .append(" | ")
                    .append(f2(j.path("ratios").path("dl4jOverPytorch").path(b).asDouble()))
                    .append(" |\n");
        }
        JsonNode run = j.path("run");
        JsonNode threads = j.path("threads");
        double load = run.path("load_average_at_start").asDouble();
        sb.append("\nUsers/s; users of ")
                .append(j.path("users").asText().split(" ")[0])
                .append(
                        " tokens unless said. Goal (the product's encoder within 1.5× of PyTorch's users/s at every "
                                + "batch): ")
                .append(j.path("goal").path("met").asBoolean() ? "met" : "**missed**")
                .append("; the DL4J graph alone: ")
                .append(
                        j.path("goal").path("dl4jGraphWithin").asBoolean()
                                ? "within"
                                : "not within")
                .append(". PyTorch: ")
                .append(j.path("pytorchSource").asText())
                .append(". Threads: DL4J ")
                .append(threads.path("dl4j").asInt())
                .append(" (OMP_NUM_THREADS=")
                .append(threads.path("OMP_NUM_THREADS").asText())
                .append("), projected ")
                .append(threads.path("projected").asInt());
        if (threads.has("pytorch")) {
            sb.append(", PyTorch ").append(threads.path("pytorch").asInt());
        }
        sb.append(". `")
                .append(root.relativize(f))
                .append("`, commit ")
                .append(shortCommit(run.path("commit").asText("unknown")))
                .append(", load average at start ")
                .append(f2(load))
                .append(load > 1.5 ? " (measured under load)" : "")
                .append(", best of ")
                .append(j.path("rounds").asInt())
                .append(" rounds of ≥ ")
                .append(String.format(Locale.ROOT, "%.0f", j.path("minSeconds").asDouble()))
                .append(" s.\n");
        return sb.toString();
    }

    private static String usersPerS(JsonNode v) {
        return v.isMissingNode() ? "–" : String.format(Locale.ROOT, "%,.0f", v.asDouble());
    }

    // ---- helpers ----

    private static List<Path> files(Path dir, String prefix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(
                            p ->
                                    p.getFileName().toString().startsWith(prefix)
                                            && p.toString().endsWith(".json"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(Path f) {
        try {
            return JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read result file " + f + ": " + e.getMessage(), e);
        }
    }

    private static String seeds(JsonNode json) {
        List<String> s = new ArrayList<>();
        json.path("seeds").forEach(x -> s.add(x.asText()));
        return String.join(", ", s);
    }

    private static String shortCommit(String c) {
        return c.length() > 12 && !c.equals("unknown")
                ? c.substring(0, 7) + (c.endsWith("-dirty") ? "-dirty" : "")
                : c;
    }

    static String f4(double x) {
        return String.format(Locale.ROOT, "%.4f", x);
    }

    /** A ratio with two decimals, a count or a rate (100 and more) with none. */
    private static String num(double x) {
        return Math.abs(x) >= 100 ? f0(x) : f2(x);
    }

    static String f0(double x) {
        return String.format(Locale.ROOT, "%,.0f", x);
    }

    static String f2(double x) {
        return String.format(Locale.ROOT, "%.2f", x);
    }
}

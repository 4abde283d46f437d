package io.crossinterest.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;

import static io.crossinterest.report.ResultFiles.f0;
import static io.crossinterest.report.ResultFiles.f2;
import static io.crossinterest.report.ResultFiles.f4;
import static io.crossinterest.report.ResultFiles.files;
import static io.crossinterest.report.ResultFiles.num;
import static io.crossinterest.report.ResultFiles.read;
import static io.crossinterest.report.ResultFiles.shortCommit;

/**
 * The README's performance tables, from the benchmark files: {@code bench/results/als-bench-*.json}
 * ({@code bench als}), and {@code results/performance/stream-bench.json}, {@code live-bench.json}
 * and {@code encoder-bench.json} ({@code bench stream}, {@code bench live}, {@code bench encoder}).
 * A missing file makes a one-line "no figure" table, never an invented one.
 */
final class PerformanceTables {
    private final Path root;

    PerformanceTables(Path root) {
        this.root = root;
    }

    String alsTable() {
        StringBuilder sb =
                new StringBuilder(
                        "| file | data | interactions | ours s/iter | Spark s/iter | speedup |"
                                + " ours Recall@10 | Spark Recall@10 | BLAS Spark loaded | load average at"
                                + " start |\n|---|---|---|---|---|---|---|---|---|---|\n");
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
                        .append(sparkBlas(d.path("spark_blas")))
                        .append(" | ")
                        .append(load)
                        .append(" |\n");
            }
        }
        return sb.toString();
    }

    /**
     * Which BLAS Spark's netlib found, from a data set's {@code spark_blas}: the system library it
     * loaded (the path under {@code /usr/lib}) when it runs on JNIBLAS, else its Java fallback;
     * files from before the field say so. Ours always loads the BLAS bundled with ND4J ({@code
     * ours_blas}).
     */
    static String sparkBlas(JsonNode blas) {
        if (blas.isMissingNode()) {
            return "not recorded";
        }
        String nativeBlas = blas.path("spark_nativeBLAS").asText();
        if (!nativeBlas.endsWith("JNIBLAS")) {
            return "none: " + nativeBlas.substring(nativeBlas.lastIndexOf('.') + 1);
        }
        for (JsonNode lib : blas.path("loaded_libraries")) {
            String path = lib.asText();
            if (path.startsWith("/usr/lib/") && path.contains("libblas.so")) {
                int arch = path.indexOf("-gnu/"); // Debian's multiarch directory, if any
                return "system: `"
                        + path.substring(arch >= 0 ? arch + 5 : "/usr/lib/".length())
                        + "`";
            }
        }
        return "system (library not found in the map)";
    }

    /**
     * Two rows from {@code stream-bench.json}: the worst case (the top-level fields, with the floor
     * job of the same run) and, when the file has it, the realistic replay ({@code realistic});
     * each with its goal.
     */
    String streamTable() {
        Path f = root.resolve("results/performance/stream-bench.json");
        if (!Files.isRegularFile(f)) {
            return noFigure("stream", f);
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

    /** The table's text when this commit has no {@code what} benchmark file {@code f}. */
    private String noFigure(String what, Path f) {
        return "No "
                + what
                + " benchmark file at this commit (`"
                + root.relativize(f)
                + "`): no figure.\n";
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
            return noFigure("live", f);
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
                                + " visibility p50 / p99 (ms), exactly-once | state bytes per user: retained checkpoint; RocksDB live data | soak | RSS MB start → end |"
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
                .append(stateBytesPerUser(j))
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
     * State per user two ways: {@code state_bytes_per_user} (the retained checkpoint's files at the
     * soak's last sample over the users, so with what RocksDB has not compacted away yet), and
     * RocksDB's estimate of its live data (the mean of the soak's samples that have it, over the
     * replay's users, all in state after the warm-up), "–" when no sample has it.
     */
    static String stateBytesPerUser(JsonNode j) {
        double sum = 0;
        int n = 0;
        for (JsonNode sample : j.path("soak").path("samples")) {
            JsonNode live = sample.path("live_state_mb");
            if (live.isNumber()) {
                sum += live.asDouble();
                n++;
            }
        }
        long users = j.path("users").asLong();
        String live = n == 0 || users == 0 ? "–" : f0(sum / n * 1e6 / users);
        return String.format(Locale.ROOT, "%,d; %s", j.path("state_bytes_per_user").asLong(), live);
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
            return noFigure("encoder", f);
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
}

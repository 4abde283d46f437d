package io.crossinterest.jobs;

import io.crossinterest.serving.PlantedModels;
import io.crossinterest.testing.EmbeddedKafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Grafana dashboard ({@code docker/grafana/dashboards/cross-interest.json}) against a real
 * scrape: the {@code stream} command (scoring and CF retraining on) runs on a MiniCluster
 * configured as the shipped cluster configurations are (Flink's Prometheus reporter, RocksDB's
 * live-data-size metric), over a real KRaft broker with live events; the test scrapes the
 * reporter's HTTP endpoint as Prometheus does and checks that every series selector of every panel
 * (and of the {@code job} variable) matches at least one scraped series, under the exact name, with
 * every label the selector filters on ({@code $job} standing for the job's own {@code job_name})
 * and every label the panel groups by. Metrics appear as the job warms up (the first scores, the
 * first checkpoint), so the test scrapes until all match or the bounded wait ends, and then names
 * each selector that matched nothing.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DashboardScrapeTest {
    private static final int PROMETHEUS_PORT = freePort();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .setConfiguration(clusterConfig())
                            .build());

    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedKafka kafka;

    /** As docker/docker-compose.yml and conf/config.yaml configure a cluster, on a free port. */
    private static Configuration clusterConfig() {
        Configuration c = new Configuration();
        c.setString(
                "metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        c.setString("metrics.reporter.prom.port", String.valueOf(PROMETHEUS_PORT));
        c.setString("state.backend.rocksdb.metrics.estimate-live-data-size", "true");
        return c;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void everyPanelQueriesMetricsThatTheJobExposes(
            @TempDir Path tmp, @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        Dashboard dashboard =
                Dashboard.read(
                        Path.of(System.getProperty("user.dir"))
                                .getParent()
                                .resolve("docker/grafana/dashboards/cross-interest.json"));
        assertTrue(
                dashboard.selectors.size() >= 35, "selectors found: " + dashboard.selectors.size());
        kafka.createTopics(
                Map.of(
                        "events",
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
                        1,
                        "cf-recs",
                        1));
        try (LiveStream run =
                LiveStream.start(
                        cluster,
                        "stream",
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--input-topic",
                        "events",
                        "--output-topic",
                        "profiles",
                        "--dead-letter-topic",
                        "dead",
                        "--checkpoint-dir",
                        tmp.resolve("checkpoints").toString(),
                        "--checkpoint-interval",
                        "1s",
                        "--emit-interval",
                        "1s",
                        "--parallelism",
                        "2",
                        "--model",
                        PlantedModels.v1().toString(),
                        "--control-topic",
                        "models",
                        "--recommendations-topic",
                        "recs",
                        "--retrain-every",
                        "10",
                        "--target-categories",
                        String.join(",", PlantedModels.TARGET),
                        "--cf-recommendations-topic",
                        "cf-recs",
                        "--cf-rank",
                        "4",
                        "--cf-iterations",
                        "2")) {
            run.feed(kafka.bootstrapServers(), "events", 12, 20);
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + PROMETHEUS_PORT + "/metrics");
            long deadline = System.nanoTime() + LiveStream.WAIT.toNanos();
            List<String> missing;
            String text;
            while (true) {
                text =
                        http.send(
                                        HttpRequest.newBuilder(uri)
                                                .timeout(Duration.ofSeconds(30))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body();
                missing = dashboard.unmatched(Scrape.parse(text));
                if (missing.isEmpty() || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(500); // scrape interval; the outcome is decided by the scrape
            }
            Path dump = Path.of("target", "dashboard-scrape.txt");
            Files.createDirectories(dump.getParent());
            Files.writeString(dump, text);
            if (!missing.isEmpty()) {
                fail(
                        missing.size()
                                + " selector(s) of the dashboard match no scraped series (scrape in "
                                + dump
                                + "):\n  "
                                + String.join("\n  ", missing));
            }
        }
    }

    /**
     * The parser of selectors itself: a selector the reporter does not expose is reported, names
     * and labels both.
     */
    @Test
    void aSelectorWithAWrongNameOrLabelIsReported() {
        Scrape s =
                Scrape.parse(
                        """
                # TYPE flink_taskmanager_job_task_operator_reason_deadLetters counter
                flink_taskmanager_job_task_operator_reason_deadLetters{job_name="j",reason="bad_json",} 3.0
                flink_jobmanager_job_uptime{job_name="j",} 10.0
                """);
        Dashboard ok =
                Dashboard.of(
                        "sum by (reason) (rate(flink_taskmanager_job_task_operator_reason_deadLetters"
                                + "{job_name=~\"$job\"}[1m]))");
        assertEquals(List.of(), ok.unmatched(s));
        assertFalse(
                Dashboard.of(
                                "sum(rate(flink_taskmanager_job_task_operator_deadLetters{job_name=~\"$job\"}[1m]))")
                        .unmatched(s)
                        .isEmpty(),
                "wrong name");
        assertFalse(
                Dashboard.of(
                                "sum by (category) (flink_taskmanager_job_task_operator_reason_deadLetters"
                                        + "{job_name=~\"$job\"})")
                        .unmatched(s)
                        .isEmpty(),
                "grouped by a label the series lacks");
        assertFalse(
                Dashboard.of(
                                "flink_taskmanager_job_task_operator_reason_deadLetters{reason=\"empty\"}")
                        .unmatched(s)
                        .isEmpty(),
                "a label value no series has");
        assertEquals(
                List.of(),
                Dashboard.of("{__name__=~\"flink_.*_deadLetters\", reason=~\"bad_.*\"}")
                        .unmatched(s));
    }

    /** One scraped series: name and labels. */
    record Series(String name, Map<String, String> labels) {}

    /** Prometheus' text exposition format, as far as names and labels go. */
    static final class Scrape {
        private static final Pattern LINE =
                Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+\\S+.*$");
        private static final Pattern LABEL =
                Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
        final List<Series> series = new ArrayList<>();

        static Scrape parse(String text) {
            Scrape s = new Scrape();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                Matcher m = LINE.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                Map<String, String> labels = new HashMap<>();
                if (m.group(3) != null) {
                    Matcher l = LABEL.matcher(m.group(3));
                    while (l.find()) {
                        labels.put(
                                l.group(1), l.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
                    }
                }
                s.series.add(new Series(m.group(1), labels));
            }
            return s;
        }

        /**
         * The job_name values of the job's series (what Grafana's {@code $job} variable offers).
         */
        TreeSet<String> jobNames() {
            TreeSet<String> names = new TreeSet<>();
            for (Series x : series) {
                if (x.name.equals("flink_jobmanager_job_uptime")
                        && x.labels.containsKey("job_name")) {
                    names.add(x.labels.get("job_name"));
                }
            }
            return names;
        }
    }

    /**
     * A series selector of a panel: a name (or a {@code __name__} matcher), label matchers, labels
     * grouped by.
     */
    record Selector(String where, String text, List<String[]> matchers, List<String> groupBy) {
        boolean matches(Series s, String job) {
            for (String[] m : matchers) { // label, op, value
                String value = m[0].equals("__name__") ? s.name : s.labels.get(m[0]);
                String want = m[2].replace("$job", Pattern.quote(job));
                boolean ok =
                        switch (m[1]) {
                            case "=" -> want.equals(value);
                            case "!=" -> !want.equals(value);
                            case "=~" -> value != null && Pattern.matches(want, value);
                            case "!~" -> value == null || !Pattern.matches(want, value);
                            default ->
                                    throw new IllegalArgumentException(
                                            "matcher " + m[1] + " in " + text);
                        };
                if (!ok) {
                    return false;
                }
            }
            return s.labels.keySet().containsAll(groupBy);
        }
    }

    /** The selectors of a dashboard's panel targets and template variables. */
    static final class Dashboard {
        private static final Pattern SELECTOR =
                Pattern.compile(
                        "(?:\\bby\\s*\\(([^)]*)\\)\\s*\\(?\\s*(?:[a-z_]+\\s*\\(\\s*)*)?"
                                + "(?:([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*)?\\{([^}]*)\\}");
        private static final Pattern BARE =
                Pattern.compile("\\b(flink_[a-zA-Z0-9_:]+)\\b(?!\\s*\\{)");
        private static final Pattern MATCHER =
                Pattern.compile(
                        "\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,?");
        final List<Selector> selectors = new ArrayList<>();

        static Dashboard read(Path file) throws IOException {
            JsonNode root = JSON.readTree(file.toFile());
            Dashboard d = new Dashboard();
            for (JsonNode panel : root.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    d.add(
                            "panel '" + panel.path("title").asText() + "'",
                            target.path("expr").asText());
                }
            }
            for (JsonNode var : root.path("templating").path("list")) {
                String q =
                        var.path("query").isObject()
                                ? var.path("query").path("query").asText()
                                : var.path("query").asText();
                Matcher m =
                        Pattern.compile(
                                        "label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,\\s*(\\w+)\\s*\\)")
                                .matcher(q);
                if (m.find()) {
                    d.selectors.add(
                            new Selector(
                                    "variable '" + var.path("name").asText() + "'",
                                    q,
                                    List.<String[]>of(new String[] {"__name__", "=", m.group(1)}),
                                    List.of(m.group(2))));
                }
            }
            return d;
        }

        static Dashboard of(String expr) {
            Dashboard d = new Dashboard();
            d.add("test", expr);
            return d;
        }

        private void add(String where, String expr) {
            if (expr.isBlank()) {
                return;
            }
            String noRanges = expr.replaceAll("\\[[0-9a-zA-Z_$]+\\]", "");
            Matcher m = SELECTOR.matcher(noRanges);
            int found = 0;
            while (m.find()) {
                List<String[]> matchers = new ArrayList<>();
                if (m.group(2) != null) {
                    matchers.add(new String[] {"__name__", "=", m.group(2)});
                }
                Matcher mm = MATCHER.matcher(m.group(3));
                int end = 0;
                while (mm.find() && mm.start() == end) {
                    matchers.add(
                            new String[] {
                                mm.group(1), mm.group(2), mm.group(3).replace("\\\\", "\\")
                            });
                    end = mm.end();
                }
                if (end != m.group(3).length()) {
                    throw new IllegalArgumentException(
                            "cannot read the matchers of " + m.group() + " in " + expr);
                }
                List<String> by = new ArrayList<>();
                if (m.group(1) != null) {
                    for (String l : m.group(1).split(",")) {
                        if (!l.isBlank()) {
                            by.add(l.trim());
                        }
                    }
                }
                selectors.add(new Selector(where, m.group().trim(), matchers, by));
                found++;
            }
            Matcher bare = BARE.matcher(noRanges.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\""));
            while (bare.find()) {
                selectors.add(
                        new Selector(
                                where,
                                bare.group(1),
                                List.<String[]>of(new String[] {"__name__", "=", bare.group(1)}),
                                List.of()));
                found++;
            }
            if (found == 0) {
                throw new IllegalArgumentException(where + ": no series selector in " + expr);
            }
        }

        /** The selectors no scraped series of the job matches, described. */
        List<String> unmatched(Scrape scrape) {
            TreeSet<String> jobs = scrape.jobNames();
            String job = jobs.isEmpty() ? "(no job_name)" : jobs.first();
            Map<String, Boolean> result = new LinkedHashMap<>();
            for (Selector sel : selectors) {
                boolean hit = scrape.series.stream().anyMatch(s -> sel.matches(s, job));
                String key =
                        sel.where
                                + ": "
                                + sel.text
                                + (sel.groupBy.isEmpty() ? "" : " by " + sel.groupBy);
                result.merge(key, hit, Boolean::logicalAnd);
            }
            List<String> missing = new ArrayList<>();
            result.forEach(
                    (k, hit) -> {
                        if (!hit) {
                            missing.add(k);
                        }
                    });
            return missing;
        }
    }
}

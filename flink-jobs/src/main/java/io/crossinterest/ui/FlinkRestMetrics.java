package io.crossinterest.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live page's view of a running job, read from Flink's REST API (the job manager's, so it works
 * the same on the embedded cluster and on a real one, wherever the task managers run): the
 * operators' metrics of the job, aggregated over subtasks by the job manager, and the checkpoint
 * statistics. The metric names are the ones the operators register (the same metrics Prometheus
 * scrapes for the Grafana dashboard, see docs/observability.md); the job manager refreshes its copy
 * every {@code metrics.fetcher.update-interval} (10 s by default), which bounds how fresh the page
 * is.
 *
 * <p>Operator metrics are found by their names' ends ({@code <operator>.eventsOut}, {@code
 * <operator>.reason.<code>.deadLetters}, {@code <operator>.endToEndLatencyMillis_p99}, ...), so
 * renaming an operator does not break the page.
 */
public final class FlinkRestMetrics {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LIVE_DATA = "rocksdb_estimate-live-data-size";
    private static final Pattern DEAD_BY_REASON =
            Pattern.compile("\\.reason\\.([^.]+)\\.deadLetters$");

    /**
     * Metric name end → how subtasks are aggregated (sum for counters, max for gauges and
     * percentiles).
     */
    private static final Map<String, String> WANTED =
            Map.ofEntries(
                    Map.entry("recordsIn", "sum"),
                    Map.entry("eventsOut", "sum"),
                    Map.entry("deadLetters", "sum"),
                    Map.entry("profileUpdates", "sum"),
                    Map.entry("usersScored", "sum"),
                    Map.entry("modelVersion", "min,max"),
                    Map.entry("modelSwappedAtMillis", "max"),
                    Map.entry("modelSwaps", "sum"),
                    Map.entry("modelLoadFailures", "sum"),
                    Map.entry("alsModelVersion", "max"),
                    Map.entry("endToEndLatencyMillis_median", "max"),
                    Map.entry("endToEndLatencyMillis_p99", "max"),
                    Map.entry("scoringLatencyMillis_median", "max"),
                    Map.entry("scoringLatencyMillis_p99", "max"),
                    Map.entry("pendingRecords", "sum"),
                    // RocksDB's estimate of its live data, per column family and subtask (with
                    // state.backend.rocksdb.metrics.estimate-live-data-size, as conf/ sets it;
                    // the REST API shows rocksdb.estimate-live-data-size with an underscore)
                    Map.entry(LIVE_DATA, "sum"));

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String jobId;
    private long lastEvents = -1;
    private long lastEventsAt;
    private double eventsPerSecond;

    /**
     * @param restUrl the job manager's REST address, e.g. {@code http://localhost:8081}
     * @param jobId the job to watch (hex)
     */
    public FlinkRestMetrics(String restUrl, String jobId) {
        this.base = restUrl.endsWith("/") ? restUrl.substring(0, restUrl.length() - 1) : restUrl;
        this.jobId = jobId;
    }

    /**
     * One snapshot as the page's JSON: job state, events, dead letters, checkpoints, model,
     * latency.
     */
    public synchronized ObjectNode snapshot() throws IOException, InterruptedException {
        ObjectNode out = JSON.createObjectNode();
        long now = System.currentTimeMillis();
        out.put("time", now);
        JsonNode job = get("/jobs/" + jobId);
        out.putObject("job")
                .put("id", jobId)
                .put("name", job.path("name").asText())
                .put("state", job.path("state").asText());

        Map<String, Double> sums = new TreeMap<>();
        Map<String, Double> maxes = new TreeMap<>();
        Map<String, Double> mins = new TreeMap<>();
        Map<String, Double> deadByReason = new TreeMap<>();
        for (JsonNode vertex : job.path("vertices")) {
            String path =
                    "/jobs/"
                            + jobId
                            + "/vertices/"
                            + vertex.path("id").asText()
                            + "/subtasks/metrics";
            List<String> ids = new ArrayList<>();
            for (JsonNode m : get(path)) {
                String id = m.path("id").asText();
                if (DEAD_BY_REASON.matcher(id).find() || WANTED.containsKey(end(id))) {
                    ids.add(id);
                }
            }
            if (ids.isEmpty()) {
                continue;
            }
            StringBuilder q = new StringBuilder("?get=");
            for (int i = 0; i < ids.size(); i++) {
                q.append(i == 0 ? "" : ",")
                        .append(URLEncoder.encode(ids.get(i), StandardCharsets.UTF_8));
            }
            q.append("&agg=min,max,sum");
            for (JsonNode m : get(path + q)) {
                String id = m.path("id").asText();
                Matcher r = DEAD_BY_REASON.matcher(id);
                if (r.find()) {
                    deadByReason.merge(r.group(1), m.path("sum").asDouble(), Double::sum);
                    continue;
                }
                String name = end(id);
                sums.merge(name, m.path("sum").asDouble(), Double::sum);
                maxes.merge(name, m.path("max").asDouble(), Math::max);
                mins.merge(name, m.path("min").asDouble(), Math::min);
            }
        }

        long events = sums.getOrDefault("eventsOut", 0.0).longValue();
        if (lastEvents >= 0 && now > lastEventsAt) {
            eventsPerSecond = Math.max(0, events - lastEvents) * 1000.0 / (now - lastEventsAt);
        }
        if (events != lastEvents) { // the job manager's copy changes once per fetch interval: rate
            // between changes
            lastEvents = events;
            lastEventsAt = now;
        }
        ObjectNode ev = out.putObject("events");
        ev.put("read", sums.getOrDefault("recordsIn", 0.0).longValue());
        ev.put("parsed", events);
        ev.put("perSecond", Math.round(eventsPerSecond * 10) / 10.0);
        ev.put("profileUpdates", sums.getOrDefault("profileUpdates", 0.0).longValue());
        ev.put("notYetRead", sums.getOrDefault("pendingRecords", 0.0).longValue());
        ObjectNode dead = out.putObject("deadLetters");
        dead.put("total", sums.getOrDefault("deadLetters", 0.0).longValue());
        ObjectNode by = dead.putObject("byReason");
        deadByReason.forEach(
                (reason, n) -> {
                    if (n > 0) {
                        by.put(reason, n.longValue());
                    }
                });

        ObjectNode model = out.putObject("model");
        if (maxes.containsKey("modelVersion")) {
            model.put("version", maxes.get("modelVersion").longValue());
            model.put("oldestSubtaskVersion", mins.get("modelVersion").longValue());
            long swapped = maxes.getOrDefault("modelSwappedAtMillis", 0.0).longValue();
            if (swapped > 0) {
                model.put("swappedAt", swapped);
                model.put("ageSeconds", Math.max(0, (now - swapped) / 1000));
            }
            model.put("swaps", sums.getOrDefault("modelSwaps", 0.0).longValue());
            model.put("loadFailures", sums.getOrDefault("modelLoadFailures", 0.0).longValue());
            model.put("usersScored", sums.getOrDefault("usersScored", 0.0).longValue());
        }
        if (maxes.containsKey("alsModelVersion")) {
            model.put("cfVersion", maxes.get("alsModelVersion").longValue());
        }
        ObjectNode latency = out.putObject("latency");
        latency(latency, "endToEnd", "endToEndLatencyMillis", maxes);
        latency(latency, "scoring", "scoringLatencyMillis", maxes);

        if (sums.containsKey(LIVE_DATA)) {
            out.putObject("state").put("liveBytes", sums.get(LIVE_DATA).longValue());
        }

        JsonNode cp = get("/jobs/" + jobId + "/checkpoints");
        ObjectNode checkpoints = out.putObject("checkpoints");
        JsonNode counts = cp.path("counts");
        checkpoints.put("completed", counts.path("completed").asLong());
        checkpoints.put("failed", counts.path("failed").asLong());
        checkpoints.put("inProgress", counts.path("in_progress").asLong());
        JsonNode last = cp.path("latest").path("completed");
        if (last.isObject()) {
            checkpoints.put("lastId", last.path("id").asLong());
            checkpoints.put("lastCompletedAt", last.path("latest_ack_timestamp").asLong());
            checkpoints.put("lastDurationMillis", last.path("end_to_end_duration").asLong());
            checkpoints.put("lastSizeBytes", last.path("checkpointed_size").asLong());
            checkpoints.put("lastFullSizeBytes", last.path("state_size").asLong());
        }
        JsonNode failed = cp.path("latest").path("failed");
        if (failed.isObject()) {
            checkpoints.put("lastFailureAt", failed.path("failure_timestamp").asLong());
            checkpoints.put("lastFailure", failed.path("failure_message").asText(""));
        }
        return out;
    }

    /**
     * The completed checkpoints triggered from {@code fromMs} to {@code toMs} (job manager's
     * clock), in order: {trigger ms, end-to-end ms, and over every subtask of every operator the
     * longest synchronous part, asynchronous part, barrier alignment and start delay (ms; -1 when
     * no subtask reported it)}. The job manager keeps the last {@code web.checkpoints.history} (10)
     * checkpoints.
     */
    public List<long[]> checkpoints(long fromMs, long toMs)
            throws IOException, InterruptedException {
        List<long[]> out = new ArrayList<>();
        for (JsonNode c : get("/jobs/" + jobId + "/checkpoints").path("history")) {
            long trigger = c.path("trigger_timestamp").asLong();
            if (!"COMPLETED".equals(c.path("status").asText())
                    || trigger < fromMs
                    || trigger > toMs) {
                continue;
            }
            String details = "/jobs/" + jobId + "/checkpoints/details/" + c.path("id").asText();
            long[] row = {trigger, c.path("end_to_end_duration").asLong(), -1, -1, -1, -1};
            for (var vertices = get(details).path("tasks").fieldNames(); vertices.hasNext(); ) {
                for (JsonNode sub :
                        get(details + "/subtasks/" + vertices.next()).path("subtasks")) {
                    if (!"completed".equals(sub.path("status").asText())) {
                        continue;
                    }
                    row[2] = Math.max(row[2], sub.path("checkpoint").path("sync").asLong(-1));
                    row[3] = Math.max(row[3], sub.path("checkpoint").path("async").asLong(-1));
                    row[4] = Math.max(row[4], sub.path("alignment").path("duration").asLong(-1));
                    row[5] = Math.max(row[5], sub.path("start_delay").asLong(-1));
                }
            }
            out.add(row);
        }
        out.sort((a, b) -> Long.compare(a[0], b[0]));
        return out;
    }

    private static void latency(
            ObjectNode out, String key, String metric, Map<String, Double> maxes) {
        if (maxes.containsKey(metric + "_median")) {
            out.putObject(key)
                    .put("p50", maxes.get(metric + "_median"))
                    .put("p99", maxes.getOrDefault(metric + "_p99", 0.0));
        }
    }

    /**
     * The metric's own name: what follows the last dot of its REST id ({@code
     * <operator>.<groups>.<name>}).
     */
    private static String end(String id) {
        return id.substring(id.lastIndexOf('.') + 1);
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r =
                http.send(
                        HttpRequest.newBuilder(URI.create(base + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(
                    "Flink REST " + path + ": HTTP " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }
}

package io.crossinterest.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@link FlinkRestMetrics} against a REST API that answers as Flink's job manager does (the
 * endpoints, JSON shapes and metric ids of Flink 1.20, as read from a running job), so the
 * aggregation is checked without a cluster: sums over subtasks, and over column families for
 * RocksDB's live data. LivePageTest reads the same figures from a real job.
 */
class FlinkRestMetricsTest {
    private static final String JOB = "0123456789abcdef0123456789abcdef";
    private HttpServer server;

    private void serve(Map<String, String> responses) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/",
                exchange -> {
                    String path = exchange.getRequestURI().getPath();
                    String query = exchange.getRequestURI().getRawQuery();
                    String key = path + (query != null && query.startsWith("get=") ? "?get" : "");
                    String body = responses.get(key);
                    byte[] b =
                            (body == null ? "{\"errors\":[\"" + key + "\"]}" : body)
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(body == null ? 404 : 200, b.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(b);
                    }
                });
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @BeforeEach
    void noServerYet() {
        server = null;
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * RocksDB's estimate-live-data-size is summed over every column family and subtask into
     * state.liveBytes; the operators' counters are summed too.
     */
    @Test
    void liveStateIsSummedOverColumnFamiliesAndSubtasks() throws Exception {
        String base = "/jobs/" + JOB + "/vertices/v1/subtasks/metrics";
        serve(
                Map.of(
                        "/jobs/" + JOB,
                        "{\"name\":\"cross-interest stream\",\"state\":\"RUNNING\","
                                + "\"vertices\":[{\"id\":\"v1\"}]}",
                        base,
                        "[{\"id\":\"aggregate_profiles.profile.rocksdb_estimate-live-data-size\"},"
                                + "{\"id\":\"aggregate_profiles.als-user-items.rocksdb_estimate-live-data-size\"},"
                                + "{\"id\":\"parse.eventsOut\"},{\"id\":\"parse.numRecordsIn\"}]",
                        base + "?get",
                        "[{\"id\":\"aggregate_profiles.profile.rocksdb_estimate-live-data-size\","
                                + "\"min\":1000,\"max\":3000,\"sum\":4000},"
                                + "{\"id\":\"aggregate_profiles.als-user-items.rocksdb_estimate-live-data-size\","
                                + "\"min\":0,\"max\":500,\"sum\":500},"
                                + "{\"id\":\"parse.eventsOut\",\"min\":5,\"max\":7,\"sum\":12}]",
                        "/jobs/" + JOB + "/checkpoints",
                        "{\"counts\":{\"completed\":3,\"failed\":0,\"in_progress\":0},"
                                + "\"latest\":{}}"));
        JsonNode s = new FlinkRestMetrics(url(), JOB).snapshot();
        assertEquals(4_500, s.path("state").path("liveBytes").asLong(), s.toString());
        assertEquals(12, s.path("events").path("parsed").asLong(), s.toString());
        assertEquals(3, s.path("checkpoints").path("completed").asLong(), s.toString());
    }

    /** Without the metric (switched off in the configuration) there is no state figure at all. */
    @Test
    void noLiveStateWithoutTheMetric() throws Exception {
        String base = "/jobs/" + JOB + "/vertices/v1/subtasks/metrics";
        serve(
                Map.of(
                        "/jobs/" + JOB,
                        "{\"name\":\"j\",\"state\":\"RUNNING\",\"vertices\":[{\"id\":\"v1\"}]}",
                        base,
                        "[{\"id\":\"parse.eventsOut\"}]",
                        base + "?get",
                        "[{\"id\":\"parse.eventsOut\",\"min\":1,\"max\":1,\"sum\":2}]",
                        "/jobs/" + JOB + "/checkpoints",
                        "{\"counts\":{},\"latest\":{}}"));
        JsonNode s = new FlinkRestMetrics(url(), JOB).snapshot();
        assertFalse(s.has("state"), s.toString());
        assertEquals(2, s.path("events").path("parsed").asLong(), s.toString());
    }

    /**
     * The checkpoints of a window: only completed ones triggered in it, with the longest
     * synchronous part, asynchronous part, alignment and start delay over every subtask.
     */
    @Test
    void checkpointsOfAWindowWithTheirSlowestSubtask() throws Exception {
        String details = "/jobs/" + JOB + "/checkpoints/details/";
        String subtask =
                "{\"index\":%d,\"status\":\"completed\",\"checkpoint\":{\"sync\":%d,"
                        + "\"async\":%d},\"alignment\":{\"duration\":%d},\"start_delay\":%d}";
        serve(
                Map.of(
                        "/jobs/" + JOB + "/checkpoints",
                        "{\"history\":["
                                + "{\"id\":9,\"status\":\"COMPLETED\",\"trigger_timestamp\":5000,"
                                + "\"end_to_end_duration\":400},"
                                + "{\"id\":8,\"status\":\"FAILED\",\"trigger_timestamp\":3000,"
                                + "\"end_to_end_duration\":90},"
                                + "{\"id\":7,\"status\":\"COMPLETED\",\"trigger_timestamp\":2000,"
                                + "\"end_to_end_duration\":130},"
                                + "{\"id\":6,\"status\":\"COMPLETED\",\"trigger_timestamp\":500,"
                                + "\"end_to_end_duration\":100}]}",
                        details + "7",
                        "{\"tasks\":{\"a\":{},\"b\":{}}}",
                        details + "7/subtasks/a",
                        "{\"subtasks\":["
                                + String.format(subtask, 0, 20, 5, 40, 3)
                                + ","
                                + String.format(subtask, 1, 57, 2, 1, 14)
                                + "]}",
                        details + "7/subtasks/b",
                        "{\"subtasks\":["
                                + String.format(subtask, 0, 1, 26, 44, 2)
                                + ",{\"index\":1,\"status\":\"pending_or_failed\"}]}",
                        details + "9",
                        "{\"tasks\":{\"a\":{}}}",
                        details + "9/subtasks/a",
                        "{\"subtasks\":[" + String.format(subtask, 0, 300, 9, 80, 7) + "]}"));
        List<long[]> c = new FlinkRestMetrics(url(), JOB).checkpoints(1_000, 6_000);
        assertEquals(2, c.size(), "6 before the window, 8 failed");
        assertArrayEquals(new long[] {2_000, 130, 57, 26, 44, 14}, c.get(0));
        assertArrayEquals(new long[] {5_000, 400, 300, 9, 80, 7}, c.get(1));
    }
}

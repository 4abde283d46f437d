package io.crossinterest.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The live page of {@code stream --ui-port}: one HTML page with a little script ({@code index.html}
 * next to this class), served by the JDK's HTTP server from the process that submitted the job, and
 * two JSON endpoints it polls:
 *
 * <ul>
 *   <li>{@code GET /api/status}: the job's state, events, dead letters by reason, checkpoints, the
 *       served model and latency percentiles ({@link FlinkRestMetrics}, from the job manager's REST
 *       API);
 *   <li>{@code GET /api/user?id=U}: the newest profile update and recommendations of user U ({@link
 *       LatestPerUser}, from the job's output topics), 404 when the topics hold none yet.
 * </ul>
 *
 * The page reads only what the job publishes anyway (its metrics and its committed output topics),
 * so it adds nothing to the job and works the same whether the job runs on the embedded cluster or
 * on a real one.
 */
public final class LivePage implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Output topics the lookup shows, by the key the page's JSON uses. */
    public static final String PROFILE = "profile";

    public static final String RECOMMENDATIONS = "recommendations";
    public static final String CF_RECOMMENDATIONS = "cfRecommendations";

    private final HttpServer server;
    private final ExecutorService executor;
    private final byte[] html;
    private final Map<String, String> topics;
    private volatile FlinkRestMetrics metrics;
    private volatile LatestPerUser lookup;
    private volatile long cachedAt;
    private volatile byte[] cachedStatus;

    private LivePage(HttpServer server, Map<String, String> topics) throws IOException {
        this.server = server;
        this.topics = new LinkedHashMap<>(topics);
        try (InputStream in = LivePage.class.getResourceAsStream("index.html")) {
            if (in == null) {
                throw new IOException(
                        "index.html missing from the classpath next to "
                                + LivePage.class.getName());
            }
            html = in.readAllBytes();
        }
        executor =
                Executors.newFixedThreadPool(
                        2,
                        r -> {
                            Thread t = new Thread(r, "live-page-http");
                            t.setDaemon(true);
                            return t;
                        });
        server.setExecutor(executor);
        server.createContext("/", this::page);
        server.createContext("/api/status", this::status);
        server.createContext("/api/user", this::user);
    }

    /**
     * Binds {@code bind:port} (before the job is submitted, so a port in use is reported at once)
     * and starts serving; until {@link #watch} is called the status says the job is starting.
     *
     * @param topics output topics by {@link #PROFILE}, {@link #RECOMMENDATIONS}, {@link
     *     #CF_RECOMMENDATIONS}
     */
    public static LivePage bind(InetSocketAddress address, Map<String, String> topics)
            throws IOException {
        HttpServer server = HttpServer.create(address, 16);
        LivePage page = new LivePage(server, topics);
        server.start();
        return page;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Starts watching the submitted job: its metrics over REST, its output topics in Kafka. */
    public void watch(String flinkRestUrl, String jobId, String bootstrapServers, int maxUsers) {
        metrics = new FlinkRestMetrics(flinkRestUrl, jobId);
        lookup =
                new LatestPerUser(bootstrapServers, topics.values().stream().toList(), maxUsers)
                        .start();
    }

    private void page(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        if (!path.equals("/") && !path.equals("/index.html")) {
            send(x, 404, "text/plain", ("not found: " + path).getBytes(StandardCharsets.UTF_8));
            return;
        }
        send(x, 200, "text/html; charset=utf-8", html);
    }

    private void status(HttpExchange x) throws IOException {
        long now = System.currentTimeMillis();
        byte[] body = cachedStatus;
        if (body == null
                || now - cachedAt >= 500) { // several open pages share one read of the REST API
            ObjectNode s;
            FlinkRestMetrics m = metrics;
            if (m == null) {
                s = JSON.createObjectNode();
                s.putObject("job").put("state", "SUBMITTING");
            } else {
                try {
                    s = m.snapshot();
                } catch (IOException
                        | RuntimeException e) { // shown on the page; the next poll tries again
                    s = JSON.createObjectNode();
                    s.put("error", "Flink REST API: " + e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            LatestPerUser l = lookup;
            ObjectNode users = s.putObject("lookup");
            for (Map.Entry<String, String> t : topics.entrySet()) {
                users.putObject(t.getKey())
                        .put("topic", t.getValue())
                        .put("users", l == null ? 0 : l.users(t.getValue()));
            }
            body = JSON.writeValueAsBytes(s);
            cachedStatus = body;
            cachedAt = now;
        }
        send(x, 200, "application/json", body);
    }

    private void user(HttpExchange x) throws IOException {
        String id = query(x, "id");
        ObjectNode out = JSON.createObjectNode();
        if (id == null || id.isBlank()) {
            out.put("error", "give a user: /api/user?id=U");
            send(x, 400, "application/json", JSON.writeValueAsBytes(out));
            return;
        }
        out.put("user", id);
        LatestPerUser l = lookup;
        boolean found = false;
        for (Map.Entry<String, String> t : topics.entrySet()) {
            String v = l == null ? null : l.get(t.getValue(), id);
            if (v != null) {
                JsonNode n = JSON.readTree(v);
                out.set(t.getKey(), n);
                found = true;
            }
        }
        if (!found) {
            out.put(
                    "error",
                    "no profile update or recommendation of '"
                            + id
                            + "' in "
                            + topics.values()
                            + " yet");
        }
        send(x, found ? 200 : 404, "application/json", JSON.writeValueAsBytes(out));
    }

    private static String query(HttpExchange x, String name) {
        String q = x.getRequestURI().getRawQuery();
        if (q == null) {
            return null;
        }
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            String k =
                    URLDecoder.decode(
                            eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals(name)) {
                return eq < 0
                        ? ""
                        : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void send(HttpExchange x, int code, String type, byte[] body)
            throws IOException {
        try (x) {
            x.getResponseHeaders().set("Content-Type", type);
            x.getResponseHeaders().set("Cache-Control", "no-store");
            x.sendResponseHeaders(code, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(0);
        executor.shutdownNow();
        if (lookup != null) {
            lookup.close();
        }
    }
}

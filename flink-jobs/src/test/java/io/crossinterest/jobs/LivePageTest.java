package io.crossinterest.jobs;

import io.crossinterest.serving.PlantedModels;
import io.crossinterest.testing.EmbeddedKafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code stream --ui-port}: the live page against a running job (the command's own call path on a
 * MiniCluster, a real KRaft broker, joint scoring on, live events arriving all along).
 *
 * <ol>
 *   <li>{@link #statusAndLookupOverHttp}: the page and its JSON endpoints over plain HTTP: the
 *       job's state, the event counter moving as events arrive, a malformed record counted under
 *       its reason, a completed checkpoint, the served model version and its swap time, latency
 *       percentiles; a user's profile, interests and top-N items, and 404 for a user the topics do
 *       not hold.
 *   <li>{@link #pageInHeadlessChromium}: the page in headless Chromium, driven through chromedriver
 *       (WebDriver over plain HTTP): it loads, its counters move as events arrive, a malformed
 *       record shows as a dead-letter bar, and a looked-up user shows bars. Skipped (a JUnit
 *       assumption, with a message saying so) when chromium or chromedriver is not installed;
 *       .ci/run installs them when it can and says when the browser test was skipped.
 * </ol>
 *
 * The job manager's copy of the metrics is refreshed every 500 ms here (a cluster's default is 10
 * s). Every wait is bounded and ends on a condition.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LivePageTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .setConfiguration(clusterConfig())
                            .build());

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static EmbeddedKafka kafka;
    private static LiveStream run;
    private static String page;

    private static Configuration clusterConfig() {
        Configuration c = new Configuration();
        c.setString("metrics.fetcher.update-interval", "500");
        c.setString("state.backend.rocksdb.metrics.estimate-live-data-size", "true");
        return c;
    }

    @BeforeAll
    static void startJob(
            @InjectClusterClient ClusterClient<?> cluster,
            @InjectMiniCluster MiniCluster miniCluster)
            throws Exception {
        kafka = EmbeddedKafka.start();
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
                        1));
        Path checkpoints = Files.createTempDirectory("live-page-checkpoints");
        // the extension makes its cluster the context environment per test; the job here is shared
        // by the tests
        TestStreamEnvironment.setAsContext(miniCluster, 2);
        try {
            run =
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
                            checkpoints.toString(),
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
                            "--ui-port",
                            "0",
                            "--ui-flink-rest",
                            cluster.getWebInterfaceURL());
        } finally {
            TestStreamEnvironment.unsetAsContext();
        }
        page = run.awaitOutput(Pattern.compile("live page on (http://\\S+)")).group(1);
        assertTrue(page.startsWith("http://127.0.0.1:"), "bound to 127.0.0.1 by default: " + page);
        run.feed(kafka.bootstrapServers(), "events", 8, 25);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (run != null) {
                run.close();
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    @Test
    void statusAndLookupOverHttp() throws Exception {
        HttpResponse<String> index = get("");
        assertEquals(200, index.statusCode());
        assertTrue(index.body().contains("id=\"lookup-user\""), index.body());
        assertEquals(404, get("nope").statusCode());

        JsonNode first =
                awaitStatus(
                        s ->
                                s.path("job").path("state").asText().equals("RUNNING")
                                        && s.path("events").path("parsed").asLong() > 0,
                        "running, events parsed");
        long parsed = first.path("events").path("parsed").asLong();
        awaitStatus(
                s -> s.path("events").path("parsed").asLong() > parsed, "the event counter moves");

        produce("not json at all");
        JsonNode s =
                awaitStatus(
                        x ->
                                x.path("deadLetters").path("byReason").path("bad_json").asLong()
                                                >= 1
                                        && x.path("checkpoints").path("lastId").asLong() >= 1
                                        // a checkpoint flushed the profiles into RocksDB's files
                                        && x.path("state").path("liveBytes").asLong() > 0
                                        && x.path("model").path("swappedAt").asLong() > 0
                                        && x.path("latency")
                                                .path("endToEnd")
                                                .path("p99")
                                                .isNumber(),
                        "dead letters, checkpoint, RocksDB live data, model, latency");
        assertEquals(1, s.path("model").path("version").asLong(), s.toString());
        assertTrue(s.path("deadLetters").path("total").asLong() >= 1, s.toString());
        assertTrue(s.path("checkpoints").path("completed").asLong() >= 1, s.toString());
        assertTrue(
                s.path("model").path("swappedAt").asLong() <= System.currentTimeMillis(),
                s.toString());
        assertTrue(s.path("latency").path("endToEnd").path("p50").asDouble() >= 0, s.toString());

        assertEquals(404, get("api/user?id=nobody").statusCode());
        assertEquals(400, get("api/user").statusCode());
        JsonNode user =
                await(
                        () -> json(get("api/user?id=live-1")),
                        u -> u.has("profile") && u.has("recommendations"),
                        "live-1 has a profile and recommendations");
        assertTrue(
                user.path("profile").path("categories").path(PlantedModels.SOURCE).asDouble() > 0,
                user.toString());
        for (String c : PlantedModels.TARGET) {
            assertTrue(user.path("recommendations").path("interests").has(c), user.toString());
        }
        assertEquals(10, user.path("recommendations").path("top").size(), user.toString());
        // the status is refreshed on its own schedule: wait (bounded) for it to count the user just
        // looked up
        JsonNode lookup =
                await(
                        () -> json(get("api/status")).path("lookup"),
                        l -> l.path("profile").path("users").asLong() >= 1,
                        "the status counts the looked-up profiles");
        assertTrue(lookup.path("profile").path("users").asLong() >= 1, lookup.toString());
    }

    @Test
    void pageInHeadlessChromium() throws Exception {
        String chromium =
                executable("CHROMIUM_BIN", "chromium", "chromium-browser", "google-chrome");
        String driver = executable("CHROMEDRIVER_BIN", "chromedriver");
        if (chromium == null || driver == null) {
            // to the fork's own stderr, which Maven shows, not System.err, which the build's
            // redirectTestOutputToFile sends to a report file
            PrintStream console = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
            console.println(
                    "LivePageTest: BROWSER TEST SKIPPED: chromium and chromedriver are not both installed"
                            + " (apt-get install chromium chromium-driver)");
        }
        Assumptions.assumeTrue(
                chromium != null && driver != null,
                "browser test skipped: chromium"
                        + (chromium == null ? " (missing)" : "")
                        + " and chromedriver"
                        + (driver == null ? " (missing)" : "")
                        + " are needed (apt-get install chromium chromium-driver)");
        try (WebDriver web = WebDriver.start(driver, chromium)) {
            web.open(page);
            long before =
                    web.await(
                                    "Number((document.getElementById('events-total').textContent||'0')"
                                            + ".replace(/,/g,''))",
                                    v -> v.asLong() > 0,
                                    "the page shows events")
                            .asLong();
            web.await(
                    "Number(document.getElementById('events-total').textContent.replace(/,/g,''))",
                    v -> v.asLong() > before,
                    "the event counter moves past " + before);
            web.await(
                    "document.getElementById('job-state').textContent",
                    v -> v.asText().equals("RUNNING"),
                    "the job's state");
            web.await(
                    "document.getElementById('model-version').textContent",
                    v -> v.asText().equals("1"),
                    "the served model version");
            web.await(
                    "document.getElementById('model-swapped').textContent",
                    v -> v.asText().contains("UTC"),
                    "the swap time");
            web.await(
                    "document.getElementById('checkpoint-status').textContent",
                    v -> v.asText().contains("completed"),
                    "a completed checkpoint");
            web.await(
                    "document.getElementById('latency-e2e-p99').textContent",
                    v -> v.asText().endsWith("s"),
                    "end-to-end latency");
            produce("{\"user\": \"x\"");
            web.await(
                    "document.querySelectorAll('#dead-by-reason .bar').length",
                    v -> v.asInt() >= 1,
                    "a dead-letter bar");

            web.type("#lookup-user", "live-2");
            web.click("#lookup-go");
            // the user's newest outputs may not be committed yet: look up again until the bars are
            // there
            long deadline = System.nanoTime() + WAIT.toNanos();
            String bars =
                    "[...['#profile-bars', '#interest-bars', '#top-items']].map(s => "
                            + "[...document.querySelectorAll(s + ' .bar')].filter(b => parseFloat(b.style.width) > 0).length)";
            JsonNode counts = web.script(bars);
            while (!(counts.get(0).asInt() >= 1
                    && counts.get(1).asInt() == PlantedModels.TARGET.size()
                    && counts.get(2).asInt() == 10)) {
                if (System.nanoTime() > deadline) {
                    fail(
                            "no bars for live-2 within "
                                    + WAIT
                                    + ": "
                                    + counts
                                    + " "
                                    + web.script(
                                            "document.getElementById('lookup-error').textContent"));
                }
                Thread.sleep(300); // polling interval; the outcome is decided by the page
                web.click("#lookup-go");
                counts = web.script(bars);
            }
            Path shot = Path.of("target", "live-page.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, web.screenshot());
            System.err.println(
                    "LivePageTest: screenshot of the live page in " + shot.toAbsolutePath());
        }
    }

    private static String executable(String env, String... names) {
        String given = System.getenv(env);
        if (given != null) { // named explicitly: that one or none
            return new File(given).canExecute() ? given : null;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String n : names) {
                File f = new File(dir, n);
                if (f.canExecute()) {
                    return f.getPath();
                }
            }
        }
        return null;
    }

    private static void produce(String value) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("events", value));
        }
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(page + path))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    private static JsonNode awaitStatus(Predicate<JsonNode> done, String what) throws Exception {
        return await(() -> json(get("api/status")), done, what);
    }

    interface Read {
        JsonNode get() throws Exception;
    }

    private static JsonNode await(Read read, Predicate<JsonNode> done, String what)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode last = read.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                fail("not within " + WAIT + ": " + what + "; last: " + last);
            }
            Thread.sleep(200); // polling interval; the outcome is decided by the condition
            last = read.get();
        }
        return last;
    }

    /**
     * The W3C WebDriver protocol over plain HTTP against a chromedriver this test starts (and
     * stops).
     */
    static final class WebDriver implements AutoCloseable {
        private final Process process;
        private final String base;
        private String session;

        private WebDriver(Process process, String base) {
            this.process = process;
            this.base = base;
        }

        static WebDriver start(String chromedriver, String chromium) throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path log = Files.createTempFile("chromedriver", ".log");
            Process p =
                    new ProcessBuilder(chromedriver, "--port=" + port)
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile())
                            .start();
            WebDriver d = new WebDriver(p, "http://127.0.0.1:" + port);
            try {
                LivePageTest.await(
                        () -> {
                            try {
                                return d.call("GET", "/status", null);
                            } catch (IOException e) {
                                return JSON.createObjectNode(); // not listening yet
                            }
                        },
                        s -> s.path("value").path("ready").asBoolean(),
                        "chromedriver ready (log " + log + ")");
                ObjectNode caps = JSON.createObjectNode();
                ObjectNode opts =
                        caps.putObject("capabilities")
                                .putObject("alwaysMatch")
                                .putObject("goog:chromeOptions");
                opts.put("binary", chromium);
                opts.putArray("args")
                        .add("--headless=new")
                        .add("--no-sandbox")
                        .add("--disable-gpu")
                        .add("--disable-dev-shm-usage")
                        .add("--window-size=1280,1100");
                d.session =
                        d.call("POST", "/session", caps).path("value").path("sessionId").asText();
                assertTrue(!d.session.isEmpty(), "no WebDriver session");
                return d;
            } catch (Exception | AssertionError e) {
                d.close();
                throw e;
            }
        }

        void open(String url) throws IOException, InterruptedException {
            ObjectNode b = JSON.createObjectNode().put("url", url);
            call("POST", "/session/" + session + "/url", b);
        }

        JsonNode script(String expression) throws IOException, InterruptedException {
            ObjectNode b = JSON.createObjectNode().put("script", "return " + expression + ";");
            b.putArray("args");
            return call("POST", "/session/" + session + "/execute/sync", b).path("value");
        }

        JsonNode await(String expression, Predicate<JsonNode> done, String what) throws Exception {
            return LivePageTest.await(() -> script(expression), done, what);
        }

        private String element(String css) throws IOException, InterruptedException {
            ObjectNode b = JSON.createObjectNode().put("using", "css selector").put("value", css);
            JsonNode v = call("POST", "/session/" + session + "/element", b).path("value");
            return v.elements().next().asText();
        }

        void type(String css, String text) throws IOException, InterruptedException {
            String e = element(css);
            call(
                    "POST",
                    "/session/" + session + "/element/" + e + "/clear",
                    JSON.createObjectNode());
            call(
                    "POST",
                    "/session/" + session + "/element/" + e + "/value",
                    JSON.createObjectNode().put("text", text));
        }

        void click(String css) throws IOException, InterruptedException {
            call(
                    "POST",
                    "/session/" + session + "/element/" + element(css) + "/click",
                    JSON.createObjectNode());
        }

        byte[] screenshot() throws IOException, InterruptedException {
            return Base64.getDecoder()
                    .decode(
                            call("GET", "/session/" + session + "/screenshot", null)
                                    .path("value")
                                    .asText());
        }

        private JsonNode call(String method, String path, JsonNode body)
                throws IOException, InterruptedException {
            HttpRequest.Builder r =
                    HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
            if (body != null) {
                r.header("Content-Type", "application/json")
                        .method(
                                method,
                                HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            } else {
                r.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> resp = HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode n = JSON.readTree(resp.body());
            if (resp.statusCode() != 200) {
                throw new AssertionError(
                        "WebDriver "
                                + method
                                + " "
                                + path
                                + ": HTTP "
                                + resp.statusCode()
                                + ": "
                                + n.path("value"));
            }
            return n;
        }

        @Override
        public void close() throws InterruptedException {
            try {
                if (session != null) {
                    call("DELETE", "/session/" + session, null);
                }
            } catch (IOException | RuntimeException | AssertionError e) {
                // the browser is going away with the driver anyway
            } finally {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }
}

package io.crossinterest.ingest;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.event.DeadLetter;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The malformed-input corpus ({@code src/test/resources/ingest/taobao-malformed}, made by its
 * {@code make_corpus.py}): two Taobao files mixing valid rows with every kind of malformed line,
 * read through the real {@link RawLineFormat} file source and {@link ParseFunction} on a
 * MiniCluster at parallelism 2. Every bad line must come out exactly once as a dead letter with its
 * file, line number, raw text and the expected reason; every good line must give its event; the
 * Flink metrics must count them; and the in-process {@link LocalReader} must agree with the job.
 */
class MalformedCorpusTest {
    static final int MAX_LINE_BYTES = 4096;
    static final String JOB_NAME = "malformed-corpus";
    static final ParseLimits LIMITS =
            ParseLimits.DEFAULTS
                    .withReferenceTime(1_700_000_000_000L)
                    .withMaxFutureSkew(Duration.ofDays(1));

    static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    static Path corpus;

    /** (absolute file, line) of every malformed line → expected reason code. */
    static Map<String, String> expectedReasons = new HashMap<>();

    /** (absolute file, line) of every malformed line → expected raw text of its dead letter. */
    static Map<String, String> expectedRaw = new HashMap<>();

    static List<BehaviorEvent> expectedEvents = new ArrayList<>();

    @BeforeAll
    static void readCorpus() throws Exception {
        corpus = Path.of(MalformedCorpusTest.class.getResource("/ingest/taobao-malformed").toURI());
        for (String part : List.of("part-1", "part-2")) {
            Path csv = corpus.resolve(part + ".csv").toAbsolutePath().normalize();
            Map<Integer, String> bad = new HashMap<>();
            for (String line : Files.readAllLines(corpus.resolve(part + ".expected"))) {
                if (!line.startsWith("#")) {
                    String[] f = line.split("\t");
                    bad.put(Integer.parseInt(f[0]), f[1]);
                }
            }
            List<byte[]> lines = splitLines(Files.readAllBytes(csv));
            for (int i = 0; i < lines.size(); i++) {
                int lineNo = i + 1;
                byte[] b = lines.get(i);
                String key = csv + ":" + lineNo;
                if (bad.containsKey(lineNo)) {
                    expectedReasons.put(key, bad.get(lineNo));
                    byte[] kept = b.length > MAX_LINE_BYTES ? Arrays.copyOf(b, MAX_LINE_BYTES) : b;
                    expectedRaw.put(key, new String(kept, StandardCharsets.UTF_8));
                } else {
                    // an independent reading of a valid row: user,item,category,behavior,seconds
                    String[] f = new String(b, StandardCharsets.US_ASCII).strip().split(",");
                    expectedEvents.add(
                            new BehaviorEvent(
                                    f[0],
                                    f[1],
                                    f[2],
                                    Behavior.parse(f[3]),
                                    1.0,
                                    Long.parseLong(f[4]) * 1000));
                }
            }
        }
        assertEquals(32 + 16, expectedReasons.size());
        assertEquals(150 + 3 + 150, expectedEvents.size());
    }

    static List<byte[]> splitLines(byte[] all) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                lines.add(Arrays.copyOfRange(all, start, i));
                start = i + 1;
            }
        }
        return lines;
    }

    static Comparator<BehaviorEvent> ORDER = Comparator.comparing(BehaviorEvent::toString);

    @Test
    void everyBadLineIsADeadLetterOnceAndEveryGoodLineAnEvent() throws Exception {
        InputPlan plan = InputFormats.resolve("taobao", corpus, LIMITS);
        assertEquals(2, plan.files().size());

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        SingleOutputStreamOperator<BehaviorEvent> events =
                env.fromSource(
                                RawLineFormat.fileSource(plan, MAX_LINE_BYTES),
                                WatermarkStrategy.noWatermarks(),
                                "corpus")
                        .uid("corpus")
                        .process(new ParseFunction(plan.parser()))
                        .uid("parse")
                        .name("parse");
        CloseableIterator<BehaviorEvent> eventIt = events.collectAsync();
        CloseableIterator<DeadLetter> deadIt =
                events.getSideOutput(ParseFunction.DEAD_LETTERS).collectAsync();
        JobClient job = env.executeAsync(JOB_NAME);

        List<BehaviorEvent> gotEvents = new ArrayList<>();
        List<DeadLetter> gotDead = new ArrayList<>();
        try (eventIt;
                deadIt) {
            eventIt.forEachRemaining(gotEvents::add);
            deadIt.forEachRemaining(gotDead::add);
        }
        job.getJobExecutionResult().get();

        // every good line gave its event, nothing else did
        List<BehaviorEvent> want = new ArrayList<>(expectedEvents);
        want.sort(ORDER);
        gotEvents.sort(ORDER);
        assertEquals(want, gotEvents);

        // every bad line exactly once, with file, line, raw text and reason
        Map<String, DeadLetter> byKey = new HashMap<>();
        for (DeadLetter d : gotDead) {
            String key = d.source + ":" + d.position;
            assertNull(byKey.put(key, d), () -> "dead letter twice: " + key);
            assertTrue(
                    expectedReasons.containsKey(key),
                    () -> "a valid line became a dead letter: " + d);
            assertEquals(
                    expectedReasons.get(key), RejectReason.ofMessage(d.reason).code(), d::toString);
            assertEquals(expectedRaw.get(key), d.raw, d::toString);
            assertTrue(
                    d.reason.length() > d.reason.indexOf(':') + 2,
                    () -> "reason without a detail: " + d.reason);
        }
        assertEquals(expectedReasons.keySet(), byKey.keySet());

        // the metrics count the same, summed over the two parallel instances
        JobID id = job.getJobID();
        assertEquals(
                expectedReasons.size() + expectedEvents.size(), sum(id, ".parse.", "recordsIn"));
        assertEquals(expectedEvents.size(), sum(id, ".parse.", "eventsOut"));
        assertEquals(expectedReasons.size(), sum(id, ".parse.", "deadLetters"));
        long badUtf8 = expectedReasons.values().stream().filter("bad_utf8"::equals).count();
        assertEquals(badUtf8, sum(id, ".reason.bad_utf8.", "deadLetters"));

        // the in-process reader gives the same events and the same dead letters
        List<BehaviorEvent> localEvents = new ArrayList<>();
        List<DeadLetter> localDead = new ArrayList<>();
        new LocalReader(MAX_LINE_BYTES).readPlan(plan, localEvents::add, localDead::add);
        localEvents.sort(ORDER);
        assertEquals(gotEvents, localEvents);
        Comparator<DeadLetter> byPlace =
                Comparator.comparing((DeadLetter d) -> d.source).thenComparing(d -> d.position);
        gotDead.sort(byPlace);
        localDead.sort(byPlace);
        assertEquals(gotDead, localDead);
    }

    /**
     * Sum over the parallel instances of the counter {@code name} of the job's operator groups
     * whose identifier contains {@code scope} (reason subgroups only when the scope names one).
     */
    static long sum(JobID job, String scope, String name) {
        long total = 0;
        int found = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> g :
                REPORTER.getMetricsByGroup().entrySet()) {
            String id = g.getKey().getMetricIdentifier(name);
            Metric m = g.getValue().get(name);
            boolean reasonGroup = id.contains(".reason.");
            if (m instanceof Counter
                    && id.contains("." + JOB_NAME + ".")
                    && id.contains(scope)
                    && (scope.startsWith(".reason.") || !reasonGroup)) {
                total += ((Counter) m).getCount();
                found++;
            }
        }
        assertEquals(
                2,
                found,
                () -> "expected one " + name + " counter per parallel instance under " + scope);
        return total;
    }

    @Test
    void realFilesThroughTheFlinkPath() throws Exception {
        // the two Douban files (two domains, 165,750 rows) through FileSource + ParseFunction:
        // events per category and dead letters per reason, counted by a keyed sum (running counts;
        // the last per key is the total)
        Path douban =
                Path.of(System.getProperty("shared.data.dir", "../shared/data"))
                        .resolve("douban-book-music");
        InputPlan plan = InputFormats.resolve("douban", douban);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        SingleOutputStreamOperator<BehaviorEvent> events =
                env.fromSource(
                                RawLineFormat.fileSource(plan),
                                WatermarkStrategy.noWatermarks(),
                                "douban")
                        .uid("douban")
                        .process(new ParseFunction(plan.parser()))
                        .uid("parse")
                        .name("parse");
        Map<String, Long> counts = new HashMap<>();
        try (CloseableIterator<Tuple2<String, Long>> it =
                events.map(e -> Tuple2.of(e.category, 1L), Types.TUPLE(Types.STRING, Types.LONG))
                        .union(
                                events.getSideOutput(ParseFunction.DEAD_LETTERS)
                                        .map(
                                                d -> Tuple2.of("dead " + d.reason, 1L),
                                                Types.TUPLE(Types.STRING, Types.LONG)))
                        .keyBy(t -> t.f0)
                        .sum(1)
                        .uid("count")
                        .name("count")
                        .executeAndCollect("douban-through-flink")) {
            it.forEachRemaining(t -> counts.merge(t.f0, t.f1, Math::max));
        }
        assertEquals(Map.of("book", 96_041L, "music", 69_709L), counts);
    }

    @Test
    void deadLettersAsJsonLinesReadBack() throws IOException {
        DeadLetter d =
                new DeadLetter(
                        "/x/part-1.csv",
                        17,
                        "bad_utf8: bytes are not valid UTF-8",
                        "1,2,3\ufffd,\"pv\"\t\u0000");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DeadLetterJson().encode(d, out);
        String line = out.toString(StandardCharsets.UTF_8);
        assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, line);
        assertEquals(d, new ObjectMapper().readValue(line, DeadLetter.class));
    }
}

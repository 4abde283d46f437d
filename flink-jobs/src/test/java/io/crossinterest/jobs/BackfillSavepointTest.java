package io.crossinterest.jobs;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.ingest.EventJson;
import io.crossinterest.ingest.InputFormats;
import io.crossinterest.ingest.ParseLimits;
import io.crossinterest.ingest.RawLineFormat;
import io.crossinterest.pipeline.Environments;
import io.crossinterest.pipeline.ProfileJobs;
import io.crossinterest.profile.InMemoryProfiles;
import io.crossinterest.profile.ProfileConfig;
import io.crossinterest.profile.UserProfile;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Warm start with the State Processor API: {@code backfill --savepoint DIR} over a history file
 * writes the profile state as a savepoint; the stream graph (STREAMING, RocksDB) started from it
 * over newer events emits, for every user of those events, the profile the same graph emits when it
 * consumes the history and the newer events itself — equal to the in-memory aggregation of all of
 * them. The stream from the savepoint emits nothing for users without new events (no update is left
 * pending in the savepoint). A savepoint folder that exists already is a usage error.
 */
class BackfillSavepointTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final long T0 = 1_700_000_000_000L;

    /**
     * The stream's settings: the defaults (idle-user TTL included) with a one-hour emit interval.
     */
    private static final ProfileConfig STREAM =
            ProfileConfig.defaults().withEmitInterval(Duration.ofHours(1));

    private static List<BehaviorEvent> events(Random rnd, int users, long start, int count) {
        Behavior[] behaviors = {
            Behavior.PV, Behavior.CLICK, Behavior.FAV, Behavior.CART, Behavior.BUY
        };
        List<BehaviorEvent> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(
                    new BehaviorEvent(
                            "u" + rnd.nextInt(users),
                            "i" + rnd.nextInt(50),
                            "c" + rnd.nextInt(6),
                            behaviors[rnd.nextInt(behaviors.length)],
                            1.0,
                            start + 60_000L * i));
        }
        return out;
    }

    private static void write(Path file, List<BehaviorEvent> events) throws Exception {
        EventJson json = new EventJson();
        StringBuilder b = new StringBuilder();
        for (BehaviorEvent e : events) {
            b.append(json.toJson(e)).append('\n');
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, b);
    }

    /**
     * The stream graph over the jsonl files of {@code input}, from {@code savepoint} if given: the
     * last update per user.
     */
    private static Map<String, UserProfile> stream(Path input, Path savepoint) throws Exception {
        Configuration conf =
                Environments.streaming(
                        2,
                        input.getParent().resolve("checkpoints-" + input.getFileName()),
                        Duration.ofSeconds(1));
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toUri().toString());
        }
        StreamExecutionEnvironment env = Environments.create(conf);
        var graph =
                ProfileJobs.graph(
                        env.fromSource(
                                        RawLineFormat.fileSource(
                                                InputFormats.resolve(InputFormats.JSONL, input)),
                                        WatermarkStrategy.noWatermarks(),
                                        "files")
                                .uid(ProfileJobs.SOURCE_UID),
                        InputFormats.parser(InputFormats.JSONL, ParseLimits.DEFAULTS),
                        STREAM);
        Map<String, UserProfile> last = new TreeMap<>();
        try (CloseableIterator<UserProfile> it =
                graph.profiles.executeAndCollect("backfill-savepoint-test")) {
            while (it.hasNext()) {
                UserProfile p = it.next();
                UserProfile before = last.get(p.user);
                if (before == null || before.events <= p.events) {
                    last.put(p.user, p);
                }
            }
        }
        return last;
    }

    @Test
    void aStreamStartedFromTheBackfillSavepointEmitsWhatTheConsumingStreamEmits(@TempDir Path dir)
            throws Exception {
        Random rnd = new Random(17);
        List<BehaviorEvent> history = events(rnd, 25, T0, 400);
        List<BehaviorEvent> newer =
                events(rnd, 30, T0 + Duration.ofDays(2).toMillis(), 80); // u25..u29 are new
        write(dir.resolve("history/events.jsonl"), history);
        write(dir.resolve("newer/events.jsonl"), newer);
        write(dir.resolve("all/history.jsonl"), history);
        write(dir.resolve("all/newer.jsonl"), newer);

        Path savepoint = dir.resolve("savepoint");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                CrossInterest.run(
                        new PrintWriter(out, true),
                        new PrintWriter(err, true),
                        "backfill",
                        "--input",
                        dir.resolve("history").toString(),
                        "--format",
                        "jsonl",
                        "--output",
                        dir.resolve("backfill").toString(),
                        "--parallelism",
                        "2",
                        "--savepoint",
                        savepoint.toString());
        assertEquals(0, code, err.toString());
        assertTrue(Files.isRegularFile(savepoint.resolve("_metadata")), "a savepoint: " + out);
        assertTrue(out.toString().contains("savepoint:"), out.toString());

        Map<String, UserProfile> warm = stream(dir.resolve("newer"), savepoint);
        Map<String, UserProfile> consumed = stream(dir.resolve("all"), null);
        InMemoryProfiles reference = new InMemoryProfiles(STREAM);
        history.forEach(reference::add);
        newer.forEach(reference::add);

        TreeSet<String> newUsers = new TreeSet<>();
        newer.forEach(e -> newUsers.add(e.user));
        assertEquals(newUsers, warm.keySet(), "updates only for the users of the newer events");
        for (String u : newUsers) {
            UserProfile want = reference.profiles().get(u);
            assertTrue(
                    want.equalsWithin(consumed.get(u), 1e-9),
                    u + " consumed:\nwant " + want + "\ngot  " + consumed.get(u));
            assertTrue(
                    want.equalsWithin(warm.get(u), 1e-9),
                    u + " from the savepoint:\nwant " + want + "\ngot  " + warm.get(u));
        }
        assertTrue(
                warm.values().stream()
                        .anyMatch(
                                p ->
                                        p.events
                                                > newer.stream()
                                                        .filter(e -> e.user.equals(p.user))
                                                        .count()),
                "the savepoint's history counts");
    }

    @Test
    void anExistingSavepointFolderIsAUsageError(@TempDir Path dir) throws Exception {
        write(dir.resolve("history/events.jsonl"), events(new Random(1), 3, T0, 5));
        Files.createDirectories(dir.resolve("sp"));
        StringWriter err = new StringWriter();
        int code =
                CrossInterest.run(
                        new PrintWriter(new StringWriter(), true),
                        new PrintWriter(err, true),
                        "backfill",
                        "--input",
                        dir.resolve("history").toString(),
                        "--format",
                        "jsonl",
                        "--output",
                        dir.resolve("o").toString(),
                        "--savepoint",
                        dir.resolve("sp").toString());
        assertEquals(2, code, err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains("--savepoint"), err.toString());
    }
}

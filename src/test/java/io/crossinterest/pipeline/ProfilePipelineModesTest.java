package io.crossinterest.pipeline;

import io.crossinterest.event.DeadLetter;
import io.crossinterest.ingest.InputFormats;
import io.crossinterest.ingest.ParseLimits;
import io.crossinterest.ingest.ParseStep;
import io.crossinterest.ingest.RawRecord;
import io.crossinterest.ingest.RecordParser;
import io.crossinterest.profile.InMemoryProfiles;
import io.crossinterest.profile.ProfileConfig;
import io.crossinterest.profile.UserProfile;
import io.crossinterest.testing.TestData;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same input through the same graph in BATCH mode and in STREAMING mode (RocksDB, checkpoints):
 * the final profile of every user is the same, and equal to the plain in-memory aggregation.
 */
class ProfilePipelineModesTest {
    private static final ProfileConfig CONFIG = ProfileConfig.defaults().withSequenceLength(20);
    private static final RecordParser TAOBAO =
            InputFormats.parser(InputFormats.TAOBAO, ParseLimits.DEFAULTS);

    private static List<RawRecord> input;
    private static Map<String, UserProfile> expected;
    private static List<RawRecord> malformed;

    @BeforeAll
    static void readInput() throws Exception {
        input = new ArrayList<>();
        malformed = new ArrayList<>();
        // whole histories (long sequences: exercises compaction to L) and a slice of many short
        // users
        Path whole = TestData.require("taobao-userbehavior/UserBehavior_wholeusers_113u.csv");
        Path slice = TestData.require("taobao-userbehavior/UserBehavior_timeslice_110k.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(whole));
        lines.addAll(Files.readAllLines(slice).subList(0, 15_000));
        String[] bad = {"", "1,2,3", "1,2,3,teleport,1511658000", "x,y,z,pv,notatime"};
        for (int i = 0; i < lines.size(); i++) {
            input.add(new RawRecord("input.csv", i + 1, lines.get(i)));
            if (i % 5000 == 17) {
                RawRecord r = new RawRecord("input.csv", -(i + 1), bad[(i / 5000) % bad.length]);
                input.add(r);
                malformed.add(r);
            }
        }
        InMemoryProfiles ref = new InMemoryProfiles(CONFIG);
        for (RawRecord r : input) {
            ParseStep.parseOrDeadLetter(
                    TAOBAO, r, ref::add); // dead letters: checked through the graph below
        }
        expected = ref.profiles();
    }

    private static Map<String, UserProfile> run(
            Configuration conf, List<DeadLetter> dead, Map<String, Long> updatesPerUser)
            throws Exception {
        return run(conf, CONFIG, dead, updatesPerUser);
    }

    private static Map<String, UserProfile> run(
            Configuration conf,
            ProfileConfig config,
            List<DeadLetter> dead,
            Map<String, Long> updatesPerUser)
            throws Exception {
        StreamExecutionEnvironment env = Environments.create(conf);
        DataStream<RawRecord> raw =
                env.fromData(Types.POJO(RawRecord.class), input.toArray(new RawRecord[0]));
        ProfilePipeline.Outputs out = ProfileJobs.graph(raw, TAOBAO, config);
        CloseableIterator<UserProfile> profiles = out.profiles.collectAsync();
        CloseableIterator<DeadLetter> deadLetters = out.deadLetters.collectAsync();
        // read while the job runs: the collect sink holds back a job whose results are not read
        // (one update per event is more than its buffer)
        env.executeAsync("modes-test");
        Map<String, UserProfile> last = new TreeMap<>();
        while (profiles.hasNext()) {
            UserProfile p = profiles.next();
            UserProfile before = last.put(p.user, p);
            assertTrue(
                    before == null || before.events <= p.events,
                    "updates of a user arrive in order");
            updatesPerUser.merge(p.user, 1L, Long::sum);
        }
        deadLetters.forEachRemaining(dead::add);
        profiles.close();
        deadLetters.close();
        return last;
    }

    private static void assertSameProfiles(
            Map<String, UserProfile> want, Map<String, UserProfile> got) {
        assertEquals(want.keySet(), got.keySet());
        for (Map.Entry<String, UserProfile> e : want.entrySet()) {
            UserProfile g = got.get(e.getKey());
            assertTrue(
                    e.getValue().equalsWithin(g, 1e-9),
                    "user " + e.getKey() + ":\n" + e.getValue() + "\n" + g);
        }
    }

    @Test
    void batchAndStreamingGiveTheSameFinalProfiles(@TempDir Path tmp) throws Exception {
        List<DeadLetter> batchDead = new ArrayList<>();
        Map<String, Long> batchUpdates = new HashMap<>();
        Map<String, UserProfile> batch = run(Environments.batch(2), batchDead, batchUpdates);

        List<DeadLetter> streamDead = new ArrayList<>();
        Map<String, Long> streamUpdates = new HashMap<>();
        Map<String, UserProfile> streaming =
                run(
                        Environments.streaming(
                                2, tmp.resolve("checkpoints"), Duration.ofMillis(300)),
                        streamDead,
                        streamUpdates);

        assertSameProfiles(expected, batch);
        assertSameProfiles(expected, streaming);
        // BATCH emits exactly one final profile per user. (How many intermediate updates STREAMING
        // emits depends on how often the periodic watermark fires during the run, i.e. on timing,
        // so it is not asserted here.)
        assertTrue(
                batchUpdates.values().stream().allMatch(n -> n == 1),
                "one profile per user in BATCH");

        for (List<DeadLetter> dead : List.of(batchDead, streamDead)) {
            assertEquals(malformed.size(), dead.size());
            for (DeadLetter d : dead) {
                assertTrue(d.position < 0, "only the malformed lines are dead letters: " + d);
            }
        }
        assertTrue(
                expected.values().stream().anyMatch(p -> p.recentItems.length == 20),
                "some sequence hit L");
    }

    /**
     * Per-event emission (emit interval 0): STREAMING emits one update per valid event, whatever
     * the watermark does, and ends with the same profiles; BATCH still emits one final profile per
     * user.
     */
    @Test
    void perEventEmissionUpdatesEveryEventInStreamingAndNothingChangesInBatch(@TempDir Path tmp)
            throws Exception {
        ProfileConfig perEvent = CONFIG.withEmitInterval(Duration.ZERO);
        Map<String, Long> batchUpdates = new HashMap<>();
        Map<String, UserProfile> batch =
                run(Environments.batch(2), perEvent, new ArrayList<>(), batchUpdates);
        assertSameProfiles(expected, batch);
        assertTrue(
                batchUpdates.values().stream().allMatch(n -> n == 1),
                "one profile per user in BATCH");

        Map<String, Long> streamUpdates = new HashMap<>();
        Map<String, UserProfile> streaming =
                run(
                        Environments.streaming(
                                2, tmp.resolve("checkpoints"), Duration.ofMillis(300)),
                        perEvent,
                        new ArrayList<>(),
                        streamUpdates);
        assertSameProfiles(expected, streaming);
        Map<String, Long> events = new HashMap<>();
        expected.forEach((u, p) -> events.put(u, p.events));
        assertEquals(events, streamUpdates, "one update per event of each user");
    }
}

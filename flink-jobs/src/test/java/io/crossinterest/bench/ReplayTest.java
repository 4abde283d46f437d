package io.crossinterest.bench;

import io.crossinterest.ingest.RawRecord;
import io.crossinterest.testing.TestData;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayTest {

    /**
     * The realistic replay gives every re-keyed user exactly the events its original had, in time
     * order.
     */
    @Test
    void theWholeUserReplayKeepsTheEventsPerUserOfTheSample() throws Exception {
        Path csv = TestData.require("taobao-userbehavior/UserBehavior_wholeusers_113u.csv");
        WholeUserReplay replay = WholeUserReplay.atLeast(csv, 50_000, 2);
        replay.load();
        assertEquals(0, replay.count() % 2);
        assertEquals(replay.replicas() * replay.rows(), replay.count());
        Map<Long, Long> perUser = new HashMap<>();
        long lastSeconds = Long.MIN_VALUE;
        for (long g = 0; g < replay.count(); g++) {
            RawRecord r = replay.record(g);
            String[] f = r.text.split(",");
            perUser.merge(Long.parseLong(f[0]), 1L, Long::sum);
            long s = Long.parseLong(f[4]);
            assertTrue(s >= lastSeconds, "event " + g + " goes back in time");
            lastSeconds = s;
        }
        long[] sample = TaobaoSample.read(csv).eventsPerUser();
        long[] expected = new long[(int) (sample.length * replay.replicas())];
        for (int r = 0; r < replay.replicas(); r++) {
            System.arraycopy(sample, 0, expected, r * sample.length, sample.length);
        }
        long[] got = perUser.values().stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(expected);
        Arrays.sort(got);
        assertArrayEquals(
                expected, got, "events per user differ from the sample's, replica for replica");
        assertEquals(replay.users(), got.length);
        // the sample's mean: 9,938 rows of 113 users
        assertEquals(9938.0 / 113, (double) replay.count() / replay.users(), 1e-9);
    }

    /** Past R·N events the same users come back, one span of time later (a fixed population). */
    @Test
    void pastOneCycleTheSameUsersComeBackLater(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("s.csv");
        Files.writeString(csv, "5,10,1,pv,100\n5,11,2,buy,160\n7,12,1,pv,130\n");
        WholeUserReplay replay = new WholeUserReplay(csv, 2, 3, 2);
        replay.load();
        // time order: (5,100) (7,130) (5,160), each row once per replica
        assertEquals("5,10,1,pv,100", replay.record(0).text);
        assertEquals("10000005,10000010,1,pv,100", replay.record(1).text);
        assertEquals("7,12,1,pv,130", replay.record(2).text);
        assertEquals("10000005,10000011,2,buy,160", replay.record(5).text);
        assertEquals("5,10,1,pv,161", replay.record(6).text); // span = 160 - 100 + 1
        assertEquals(4, replay.users());
        assertEquals("buy", replay.behavior(5));
        assertEquals(2, replay.category(5));
    }

    /**
     * The worst case: replicas one after another, so nearly every event is a user not seen before.
     */
    @Test
    void theWorstCaseReplayPutsReplicasOneAfterAnother(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("s.csv");
        Files.writeString(csv, "5,10,1,pv,100\n5,11,2,buy,160\n7,12,1,pv,130\n");
        TaobaoReplay replay = new TaobaoReplay(csv, 8, 2);
        replay.load();
        assertEquals("5,10,1,pv,100", replay.record(0).text);
        assertEquals("10000005,10000010,1,pv,161", replay.record(3).text);
        assertEquals(
                2 + 2 + 1,
                replay.users()); // two full replicas of 2 users, then rows 0-1 (user 5) of a third
        Set<Long> seen = new HashSet<>();
        for (long n = 0; n < replay.count(); n++) {
            assertTrue(seen.add(replay.eventIndex(n)), "the source order is a permutation");
        }
    }
}

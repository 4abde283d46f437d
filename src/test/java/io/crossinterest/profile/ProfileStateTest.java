package io.crossinterest.profile;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProfileStateTest {
    private static final long H = 3_600_000L; // one hour

    private static BehaviorEvent ev(String user, String item, String cat, Behavior b, long t) {
        return new BehaviorEvent(user, item, cat, b, b == Behavior.RATING ? 4.5 : 1.0, t);
    }

    @Test
    void decayHandComputed() {
        ProfileState s = new ProfileState();
        BehaviorWeights w = BehaviorWeights.defaults();
        // pv in A at 0, buy in B at h, cart in A at 2h: at a = 2h
        // A = 1·2^-2 + 3 = 3.25 ; B = 4·2^-1 = 2
        for (BehaviorEvent e :
                List.of(
                        ev("u", "1", "A", Behavior.PV, 0),
                        ev("u", "2", "B", Behavior.BUY, H),
                        ev("u", "3", "A", Behavior.CART, 2 * H))) {
            s.add(e, w.of(e), H);
        }
        assertArrayEquals(new String[] {"A", "B"}, s.categories);
        assertEquals(3.25, s.scores[0], 1e-12);
        assertEquals(2.0, s.scores[1], 1e-12);
        assertEquals(2 * H, s.lastEventTime);
        // a late rating of 4.5 in C at h: 4.5 · 2^-1 = 2.25, the anchor stays at 2h
        BehaviorEvent late = ev("u", "4", "C", Behavior.RATING, H);
        s.add(late, w.of(late), H);
        assertEquals(2.25, s.scores[2], 1e-12);
        assertEquals(2 * H, s.lastEventTime);
        assertEquals(4, s.events);
        assertEquals(1, s.behaviorCounts[Behavior.RATING.ordinal()]);
    }

    @Test
    void noDecayWithZeroHalfLifeIsAWeightedCount() {
        ProfileState s = new ProfileState();
        BehaviorWeights w = BehaviorWeights.parse("pv=0.5,fav=7");
        for (BehaviorEvent e :
                List.of(
                        ev("u", "1", "A", Behavior.PV, 0),
                        ev("u", "2", "A", Behavior.FAV, 5 * H),
                        ev("u", "3", "A", Behavior.PV, 100 * H))) {
            s.add(e, w.of(e), 0);
        }
        assertEquals(8.0, s.scores[0], 0.0);
    }

    @Test
    void resultIsIndependentOfArrivalOrder() {
        Random rnd = new Random(7);
        List<BehaviorEvent> events = new ArrayList<>();
        Behavior[] bs = {Behavior.PV, Behavior.CART, Behavior.FAV, Behavior.BUY};
        for (int i = 0; i < 500; i++) {
            // coarse timestamps: many ties, as in the Taobao data
            events.add(
                    ev(
                            "u",
                            "i" + rnd.nextInt(50),
                            "c" + rnd.nextInt(12),
                            bs[rnd.nextInt(4)],
                            1_511_600_000_000L + 1000L * rnd.nextInt(2000)));
        }
        ProfileConfig cfg =
                ProfileConfig.defaults()
                        .withHalfLife(Duration.ofMinutes(10))
                        .withSequenceLength(20);
        InMemoryProfiles inOrder = new InMemoryProfiles(cfg);
        events.forEach(inOrder::add);
        UserProfile a = inOrder.profiles().get("u");
        for (int round = 0; round < 5; round++) {
            Collections.shuffle(events, rnd);
            InMemoryProfiles shuffled = new InMemoryProfiles(cfg);
            events.forEach(shuffled::add);
            UserProfile b = shuffled.profiles().get("u");
            assertTrue(a.equalsWithin(b, 1e-9), a + "\nvs\n" + b);
        }
        assertEquals(20, a.recentItems.length);
        assertEquals(500, a.events);
    }

    @Test
    void recentTokensAreTheNewestLOldestFirstWithContentTieBreak() {
        ProfileState s = new ProfileState();
        List<BehaviorEvent> es =
                List.of(
                        ev("u", "b", "c", Behavior.PV, 5),
                        ev("u", "a", "c", Behavior.PV, 5),
                        ev("u", "z", "c", Behavior.PV, 1),
                        ev("u", "y", "c", Behavior.BUY, 9));
        for (BehaviorEvent e : es) {
            s.addToken(e, 3);
        }
        assertArrayEquals(new String[] {"a", "b", "y"}, s.tokenItems);
        assertArrayEquals(new long[] {5, 5, 9}, s.tokenTimes);
    }

    @Test
    void tokensMatchASortUnderTheReferenceOrder() {
        Random rnd = new Random(3);
        Behavior[] bs = Behavior.values();
        for (int round = 0; round < 20; round++) {
            ProfileState s = new ProfileState();
            List<Token> all = new ArrayList<>();
            int l = 1 + rnd.nextInt(12);
            for (int i = 0; i < 60; i++) {
                BehaviorEvent e =
                        ev(
                                "u",
                                "i" + rnd.nextInt(6),
                                "c" + rnd.nextInt(3),
                                bs[rnd.nextInt(bs.length)],
                                rnd.nextInt(10));
                s.addToken(e, l);
                all.add(Token.of(e));
            }
            all.sort(Token.ORDER);
            List<Token> want = all.subList(all.size() - l, all.size());
            for (int i = 0; i < l; i++) {
                assertEquals(want.get(i).item, s.tokenItems[i]);
                assertEquals(want.get(i).category, s.tokenCategories[i]);
                assertEquals(want.get(i).timestamp, s.tokenTimes[i]);
                assertEquals(want.get(i).behavior.ordinal(), s.tokenBehaviors[i]);
            }
        }
    }

    @Test
    void weightsParseAndValidate() {
        BehaviorWeights w = BehaviorWeights.parse("buy=10, cart=0");
        assertEquals(10.0, w.weight(Behavior.BUY));
        assertEquals(0.0, w.weight(Behavior.CART));
        assertEquals(1.0, w.weight(Behavior.PV));
        assertEquals(4.5, w.of(ev("u", "i", "c", Behavior.RATING, 0)));
        assertThrows(IllegalArgumentException.class, () -> BehaviorWeights.parse("teleport=3"));
        assertThrows(IllegalArgumentException.class, () -> BehaviorWeights.parse("pv=-1"));
        assertThrows(IllegalArgumentException.class, () -> BehaviorWeights.parse("rating=2"));
        assertThrows(IllegalArgumentException.class, () -> BehaviorWeights.parse("pv"));
    }

    @Test
    void jsonRoundTrip() {
        InMemoryProfiles m = new InMemoryProfiles(ProfileConfig.defaults());
        m.add(ev("42", "1715", "1464116", Behavior.PV, 1_511_658_000_000L));
        m.add(ev("42", "99", "965809", Behavior.BUY, 1_511_658_001_000L));
        UserProfile p = m.profiles().get("42");
        String json = ProfileJson.write(p);
        assertTrue(json.startsWith("{\"user\":\"42\""), json);
        assertTrue(json.contains("\"counts\":{\"pv\":1,\"buy\":1}"), json);
        assertEquals(p, ProfileJson.read(json));
        Map<String, UserProfile> all = m.profiles();
        assertEquals(1, all.size());
        assertThrows(IllegalArgumentException.class, () -> ProfileJson.read("{\"events\":1}"));
    }
}

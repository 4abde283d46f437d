package io.crossinterest.eval;

import io.crossinterest.data.TwinListings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Twins (one product listed in both blocks under two ids) in the protocol: found on training rows
 * only, removed from a cold user's truth and candidates, counted; a lookup from source items to
 * their twins earns nothing.
 */
class TwinsProtocolTest {

    /**
     * 200 users. Source item "s-twin-k" and target item "t-twin-k" (k < 10) are bought by the same
     * users (users with u % 10 == k); "s-near" and "t-near" share 16 users (u0..u15) and have one
     * more each (Jaccard 16/18, and at least 0.8 as long as at most 8 of the shared users are held
     * out); "s-far" and "t-far" share 4 of 8 (Jaccard 4/12). Every user also buys a few items drawn
     * from 3,000 per block (too sparse for accidental twins).
     */
    static InteractionBlock[] planted() {
        InteractionBlock.Builder src = InteractionBlock.builder("src");
        InteractionBlock.Builder tgt = InteractionBlock.builder("tgt");
        Random rnd = new Random(3);
        for (int u = 0; u < 200; u++) {
            String user = "u" + u;
            src.add(user, "s-twin-" + (u % 10), "src", 1);
            tgt.add(user, "t-twin-" + (u % 10), "tgt", 1);
            for (int n = 0; n < 3; n++) {
                src.add(user, "s" + rnd.nextInt(3000), "src", 1);
                tgt.add(user, "t" + rnd.nextInt(3000), "tgt", 1);
            }
        }
        for (int u = 0; u < 16; u++) {
            src.add("u" + u, "s-near", "src", 1);
            tgt.add("u" + u, "t-near", "tgt", 1);
        }
        src.add("u16", "s-near", "src", 1);
        tgt.add("u17", "t-near", "tgt", 1);
        for (int u = 20; u < 28; u++) {
            if (u < 24) {
                src.add("u" + u, "s-far", "src", 1);
                tgt.add("u" + u, "t-far", "tgt", 1);
            } else {
                src.add("u" + u, "s-far", "src", 1);
                tgt.add("u" + (u + 10), "t-far", "tgt", 1);
            }
        }
        return new InteractionBlock[] {src.build(), tgt.build()};
    }

    @Test
    void twinsAreFoundOnTrainingRowsByTheRule() {
        InteractionBlock[] b = planted();
        CrossDomainSplit s = ColdStartSplits.draw("planted", b[0], b[1], 0.2, 0.2, 5);
        TwinListings twins = s.twins;
        for (int k = 0; k < 10; k++) {
            assertArrayEquals(
                    new int[] {s.targetItems.indexOf("t-twin-" + k)},
                    twins.targetsOf("s-twin-" + k),
                    "s-twin-" + k);
        }
        assertArrayEquals(
                new int[] {s.targetItems.indexOf("t-near")},
                twins.targetsOf("s-near"),
                "Jaccard >= 14/16 passes the default 0.8");
        assertEquals(0, twins.targetsOf("s-far").length, "Jaccard 4/12 is not a twin");
        // cold users' source rows do not count against a twin: the rule reads only users with
        // visible target rows
        assertTrue(s.validColdUsers.length + s.testColdUsers.length > 0);
        // a stricter rule drops the near twin; keeping twins finds none
        assertEquals(
                0, s.withTwins(new TwinListings.Rule(0.95, 2)).twins.targetsOf("s-near").length);
        assertTrue(s.withTwins(TwinListings.none()).twins.isEmpty());
        // the rule never reads hidden rows: the same twins whatever the test rows hold
        CrossDomainSplit noTest = s.withoutTest().withTwins(TwinListings.Rule.DEFAULT);
        assertEquals(s.twins.numPairs(), noTest.twins.numPairs());
    }

    @Test
    void aColdUsersOwnTwinsLeaveTruthAndCandidatesAndAreCounted() {
        InteractionBlock[] b = planted();
        CrossDomainSplit s = ColdStartSplits.draw("planted", b[0], b[1], 0.2, 0.2, 5);
        // every test user holds exactly one s-twin-k, and its t-twin-k is hidden: one removed row
        // per test user (plus t-near for test users among u0..u15)
        ColdStartEvaluator.TwinsRemoved removed = ColdStartEvaluator.twinsRemoved(s);
        long expectedRows = 0;
        for (int u : s.testColdUsers) {
            int id = Integer.parseInt(s.users.id(u).substring(1));
            expectedRows += 1 + (id < 16 ? 1 : 0);
        }
        assertEquals(expectedRows, removed.rows());
        assertEquals(s.testColdUsers.length, removed.users());
        assertEquals(0, ColdStartEvaluator.twinsRemoved(s.withTwins(TwinListings.none())).rows());

        // a model that only maps each source item to its twin: perfect under the old protocol,
        // nothing when twins are seen items
        ColdStartModel lookup = twinLookup(s);
        double kept =
                ColdStartEvaluator.evaluateTest(s.withTwins(TwinListings.none()), lookup, 1, null)
                        .get(ColdStartEvaluator.RECALL_10);
        double removedRecall =
                ColdStartEvaluator.evaluateTest(s, lookup, 1, null)
                        .get(ColdStartEvaluator.RECALL_10);
        assertTrue(kept > 0.2, "the lookup finds the twins under --twins keep: " + kept);
        assertTrue(removedRecall < 0.05, "and nothing once they are seen items: " + removedRecall);

        // no twin of a user's own source items is ever among the ranked candidates
        List<int[]> tops = new ArrayList<>();
        ColdStartEvaluator.evaluateTest(
                s, lookup, 1, (u, top, scores) -> tops.add(prepend(u, top)));
        assertFalse(tops.isEmpty());
        for (int[] t : tops) {
            int u = t[0];
            Set<Integer> own = new HashSet<>();
            for (int k = s.source.rowStart(u); k < s.source.rowEnd(u); k++) {
                for (int twin : s.twins.targetsOf(s.sourceItems.id(s.source.col(k)))) {
                    own.add(twin);
                }
            }
            for (int r = 1; r < t.length; r++) {
                assertFalse(
                        own.contains(t[r]), "user " + s.users.id(u) + " is shown their own twin");
            }
        }
    }

    /**
     * The literature's layout: the same cold user in valid.tsv and test.tsv; valid items are known,
     * not misses.
     */
    @Test
    void aGivenSplitMayHoldOutTheSameUserForValidationAndTest() {
        InteractionBlock.Builder src = InteractionBlock.builder("src");
        InteractionBlock.Builder train = InteractionBlock.builder("tgt");
        InteractionBlock.Builder valid = InteractionBlock.builder("tgt");
        InteractionBlock.Builder test = InteractionBlock.builder("tgt");
        for (int u = 0; u < 60; u++) {
            src.add("u" + u, "s" + (u % 7), "src", 1);
            src.add("u" + u, "s" + (u % 5 + 10), "src", 1);
            if (u < 40) {
                train.add("u" + u, "t" + (u % 9), "tgt", 1);
                train.add("u" + u, "t" + (u % 4 + 20), "tgt", 1);
            } else {
                valid.add("u" + u, "t" + (u % 9), "tgt", 1);
                test.add("u" + u, "t" + (u % 4 + 20), "tgt", 1);
            }
        }
        CrossDomainSplit s =
                ColdStartSplits.given(
                        "lit", src.build(), train.build(), valid.build(), test.build());
        assertEquals(20, s.validColdUsers.length);
        assertArrayEquals(s.validColdUsers, s.testColdUsers);
        // a model that ranks the user's validation item first and the test item second: at test
        // time the validation item is known, so the test item is at rank 1
        ColdStartModel knowsValid =
                new ColdStartModel() {
                    @Override
                    public String name() {
                        return "knows-valid";
                    }

                    @Override
                    public void fit(CrossDomainSplit split) {}

                    @Override
                    public void scoreItems(int user, double[] out) {
                        for (int k = s.targetValid.rowStart(user);
                                k < s.targetValid.rowEnd(user);
                                k++) {
                            out[s.targetValid.col(k)] = 2;
                        }
                        for (int k = s.targetTest.rowStart(user);
                                k < s.targetTest.rowEnd(user);
                                k++) {
                            out[s.targetTest.col(k)] = 1;
                        }
                    }
                };
        Map<String, Double> m = ColdStartEvaluator.evaluateTest(s, knowsValid, 1, null);
        assertEquals(1.0, m.get(ColdStartEvaluator.NDCG_10), 1e-12);
        assertEquals(1.0, m.get(ColdStartEvaluator.S_HR_1), 1e-12);
        // validation still scores the validation rows
        assertEquals(1.0, ColdStartEvaluator.validationNdcg(s, knowsValid::scoreItems), 1e-12);
    }

    @Test
    void candidateListsRankExactlyTheGivenItems(@TempDir Path dir) throws IOException {
        InteractionBlock[] b = planted();
        CrossDomainSplit s =
                ColdStartSplits.draw("planted", b[0], b[1], 0.2, 0.2, 5)
                        .withTwins(TwinListings.none());
        // score = -index: a known ranking; each list: one hidden positive and three other catalogue
        // items
        ColdStartEvaluator.UserScorer byIndex =
                (u, out) -> {
                    for (int i = 0; i < out.length; i++) {
                        out[i] = -i;
                    }
                };
        StringBuilder file = new StringBuilder("# user positive negatives...\n");
        int expectedTop = 0;
        int lists = 0;
        for (int u : s.testColdUsers) {
            int pos = s.targetTest.col(s.targetTest.rowStart(u));
            List<Integer> negs = new ArrayList<>();
            for (int i = 0; negs.size() < 3; i++) {
                if (s.targetTest.get(u, i) == 0) {
                    negs.add(i);
                }
            }
            file.append(s.users.id(u)).append(' ').append(s.targetItems.id(pos));
            negs.forEach(i -> file.append(' ').append(s.targetItems.id(i)));
            file.append('\n');
            lists++;
            expectedTop += pos < negs.get(0) ? 1 : 0; // lower index scores higher
        }
        Path f = dir.resolve("candidates.txt");
        Files.writeString(f, file + "not-a-user a b\n");
        CandidateLists c = CandidateLists.read(f);
        Map<String, Double> m = new LinkedHashMap<>();
        CandidateLists.Coverage cov = c.evaluate(s, byIndex, 1, m);
        assertEquals(lists, cov.lists());
        assertEquals(0, cov.listsWithoutPositive());
        assertEquals(lists, cov.positives());
        assertEquals((double) expectedTop / lists, m.get(CandidateLists.C_HR_1), 1e-12);
        assertEquals(
                1.0,
                m.get(CandidateLists.C_HR_5),
                1e-12,
                "four items per list: always in the top 5");
    }

    /**
     * A model's parts (the joint model's deep path alone) are scored next to it, as rows of their
     * own.
     */
    @Test
    void partsOfAModelAreScoredAsRowsOfTheirOwn() {
        InteractionBlock[] b = planted();
        ModelRegistry registry =
                new ModelRegistry()
                        .register(
                                new ColdStartModelProvider() {
                                    @Override
                                    public String name() {
                                        return "with-part";
                                    }

                                    @Override
                                    public ColdStartModel create(ModelSettings settings) {
                                        return new ColdStartModel() {
                                            CrossDomainSplit split;

                                            @Override
                                            public String name() {
                                                return "with-part";
                                            }

                                            @Override
                                            public void fit(CrossDomainSplit s) {
                                                split = s;
                                            }

                                            @Override
                                            public void scoreItems(
                                                    int user, double[] out) {} // all ties

                                            @Override
                                            public Map<String, ColdStartEvaluator.UserScorer>
                                                    parts() {
                                                return Map.of(
                                                        "oracle",
                                                        (u, out) -> {
                                                            CrossDomainSplit full =
                                                                    ColdStartSplits.draw(
                                                                            "planted", b[0], b[1],
                                                                            0.2, 0.2, 5);
                                                            for (int k =
                                                                            full.targetTest
                                                                                    .rowStart(u);
                                                                    k < full.targetTest.rowEnd(u);
                                                                    k++) {
                                                                out[full.targetTest.col(k)] = 1;
                                                            }
                                                        });
                                            }
                                        };
                                    }
                                });
        EvaluationResult r =
                EvaluationRun.run(
                        "planted",
                        0.2,
                        List.of(5L),
                        seed -> ColdStartSplits.draw("planted", b[0], b[1], 0.2, 0.2, seed),
                        List.of("with-part"),
                        registry,
                        new ModelSettings(5, 4, 2, 1, 1),
                        null,
                        msg -> {});
        assertEquals(List.of("with-part", "with-part-oracle"), new ArrayList<>(r.values.keySet()));
        assertEquals(
                1.0,
                r.values.get("with-part-oracle").get(ColdStartEvaluator.RECALL_10).get(0),
                1e-12);
        assertTrue(r.values.get("with-part").get(ColdStartEvaluator.RECALL_10).get(0) < 0.5);
        assertEquals(1, r.twinsRemoved.size());
        assertTrue(r.twinsRemoved.get(0).rows() > 0);
    }

    private static int[] prepend(int u, int[] top) {
        int[] out = new int[top.length + 1];
        out[0] = u;
        System.arraycopy(top, 0, out, 1, top.length);
        return out;
    }

    /**
     * Scores each target item by how many of the user's source items it is the twin of (under the
     * split's rule).
     */
    private static ColdStartModel twinLookup(CrossDomainSplit split) {
        TwinListings twins =
                TwinListings.find(
                        split.source,
                        split.targetTrain,
                        split.sourceItems,
                        TwinListings.Rule.DEFAULT);
        return new ColdStartModel() {
            @Override
            public String name() {
                return "twin-lookup";
            }

            @Override
            public void fit(CrossDomainSplit s) {}

            @Override
            public void scoreItems(int user, double[] out) {
                for (int k = split.source.rowStart(user); k < split.source.rowEnd(user); k++) {
                    for (int t : twins.targetsOf(split.sourceItems.id(split.source.col(k)))) {
                        out[t] += 1;
                    }
                }
            }
        };
    }
}

package io.crossinterest.eval;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ColdStartSplitsTest {

    @Test
    void drawsBetaOfOverlappingUsersAndHidesAllTheirTargetRows() {
        InteractionBlock[] b = PlantedCrossDomain.blocks(500, 5, 20, 6, 5, 11);
        // 20 extra users only in the source block: never cold
        InteractionBlock.Builder src = InteractionBlock.builder("src");
        b[0].rows().forEach((u, row) -> row.forEach((i, r) -> src.add(u, i, "src", r)));
        for (int u = 0; u < 20; u++) {
            src.add("only-source-" + u, "s1", "src", 1);
        }
        CrossDomainSplit s = ColdStartSplits.draw("planted", src.build(), b[1], 0.2, 0.1, 7);
        int cold = s.validColdUsers.length + s.testColdUsers.length;
        assertEquals(100, cold); // round(0.2 * 500)
        assertEquals(10, s.validColdUsers.length);
        Set<Integer> valid = set(s.validColdUsers);
        Set<Integer> test = set(s.testColdUsers);
        assertTrue(Collections.disjoint(valid, test));
        for (int u : s.validColdUsers) {
            assertEquals(0, s.targetTrain.rowLength(u));
            assertEquals(0, s.targetTest.rowLength(u));
            assertEquals(b[1].rows().get(s.users.id(u)).size(), s.targetValid.rowLength(u));
        }
        for (int u : s.testColdUsers) {
            assertEquals(0, s.targetTrain.rowLength(u));
            assertEquals(0, s.targetValid.rowLength(u));
            assertEquals(b[1].rows().get(s.users.id(u)).size(), s.targetTest.rowLength(u));
            assertTrue(s.source.rowLength(u) > 0);
        }
        for (int u = 0; u < s.numUsers(); u++) {
            if (s.users.id(u).startsWith("only-source-")) {
                assertTrue(!valid.contains(u) && !test.contains(u));
            }
        }
        // nothing lost: every target row is in exactly one of train / valid / test
        assertEquals(
                b[1].numInteractions(),
                s.targetTrain.nnz() + s.targetValid.nnz() + s.targetTest.nnz());
        assertEquals(500 - 100, s.warmUsers.length);
        // same seed, same split; other seed, other split
        CrossDomainSplit again = ColdStartSplits.draw("planted", src.build(), b[1], 0.2, 0.1, 7);
        assertArrayEquals(s.testColdUsers, again.testColdUsers);
        CrossDomainSplit other = ColdStartSplits.draw("planted", src.build(), b[1], 0.2, 0.1, 8);
        assertTrue(!Arrays.equals(s.testColdUsers, other.testColdUsers));
    }

    @Test
    void betaIsTheFractionMadeCold() {
        InteractionBlock[] b = PlantedCrossDomain.blocks(400, 4, 10, 4, 4, 3);
        for (double beta : new double[] {0.2, 0.5, 0.8}) {
            CrossDomainSplit s = ColdStartSplits.draw("p", b[0], b[1], beta, 0.15, 1);
            assertEquals(Math.round(beta * 400), s.validColdUsers.length + s.testColdUsers.length);
            assertEquals(Math.round(0.15 * Math.round(beta * 400)), s.validColdUsers.length);
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> ColdStartSplits.draw("p", b[0], b[1], 1.0, 0.1, 1));
    }

    @Test
    void givenSplitKeepsTheGivenRoles() {
        InteractionBlock src =
                block("s", new String[][] {{"a", "x"}, {"b", "y"}, {"c", "x"}, {"d", "z"}});
        InteractionBlock train = block("t", new String[][] {{"a", "1"}, {"a", "2"}, {"d", "3"}});
        InteractionBlock valid = block("t", new String[][] {{"b", "2"}});
        InteractionBlock test = block("t", new String[][] {{"c", "1"}, {"c", "4"}});
        CrossDomainSplit s = ColdStartSplits.given("given", src, train, valid, test);
        assertEquals(List.of("b"), ids(s, s.validColdUsers));
        assertEquals(List.of("c"), ids(s, s.testColdUsers));
        assertEquals(List.of("a", "d"), ids(s, s.warmUsers));
        assertEquals(
                4, s.numTargetItems()); // 1, 2, 3 and 4 (only in test) are all in the catalogue
        assertEquals(-1, s.seed);
        // the literature's layout: a user may be a validation and a test user (TwinsProtocolTest
        // has the metrics)
        CrossDomainSplit both = ColdStartSplits.given("g", src, train, test, test);
        assertEquals(List.of("c"), ids(both, both.validColdUsers));
        assertEquals(List.of("c"), ids(both, both.testColdUsers));
        InteractionBlock empty = block("t", new String[0][]);
        assertThrows(
                IllegalArgumentException.class,
                () -> ColdStartSplits.given("g", src, train, empty, test));
    }

    @Test
    void developmentSplitsNeverHoldOutATestUserOfAReportingSeed() {
        InteractionBlock[] b = PlantedCrossDomain.blocks(500, 5, 20, 6, 5, 11);
        Set<String> reported = new HashSet<>();
        for (long seed : ColdStartSplits.REPORTING_SEEDS) {
            CrossDomainSplit r = ColdStartSplits.draw("planted", b[0], b[1], 0.2, 0.1, seed);
            reported.addAll(ids(r, r.testColdUsers));
        }
        assertTrue(
                reported.size() > 100,
                "the reporting seeds test different users: " + reported.size());
        for (long seed : ColdStartSplits.DEVELOPMENT_SEEDS) {
            CrossDomainSplit d =
                    ColdStartSplits.drawDevelopment("planted", b[0], b[1], 0.2, 0.1, seed);
            List<String> held = new ArrayList<>(ids(d, d.validColdUsers));
            held.addAll(ids(d, d.testColdUsers));
            assertTrue(held.size() > 20, "seed " + seed + " holds out users: " + held.size());
            for (String u : held) {
                assertTrue(
                        !reported.contains(u),
                        "development seed " + seed + " holds out reported test user " + u);
            }
        }
        assertThrows(
                IllegalArgumentException.class,
                () -> ColdStartSplits.drawDevelopment("planted", b[0], b[1], 0.2, 0.1, 11));
    }

    @Test
    void withoutTestHidesTheTestRows() {
        InteractionBlock[] b = PlantedCrossDomain.blocks(100, 2, 10, 3, 3, 5);
        CrossDomainSplit s = ColdStartSplits.draw("p", b[0], b[1], 0.5, 0.1, 1);
        CrossDomainSplit t = s.withoutTest();
        assertTrue(s.targetTest.nnz() > 0);
        assertEquals(0, t.targetTest.nnz());
        assertEquals(s.targetTest.numRows(), t.targetTest.numRows());
        assertEquals(s.targetTest.numCols(), t.targetTest.numCols());
        assertTrue(t.targetValid == s.targetValid && t.targetTrain == s.targetTrain);
    }

    @Test
    void ratingsOfMultiGenreItemsSumBackToOneInteraction() {
        InteractionBlock.Builder b = InteractionBlock.builder("ml");
        b.add("u", "m1", "Action", 4.0 / 2)
                .add("u", "m1", "Comedy", 4.0 / 2); // a rating 4 over two genres
        InteractionBlock block = b.build();
        assertEquals(Map.of("m1", 4.0), block.rows().get("u"));
        assertEquals(Set.of("Action", "Comedy"), block.itemCategories().get("m1"));
    }

    private static InteractionBlock block(String name, String[][] rows) {
        InteractionBlock.Builder b = InteractionBlock.builder(name);
        for (String[] r : rows) {
            b.add(r[0], r[1], name, 1.0);
        }
        return b.build();
    }

    private static List<String> ids(CrossDomainSplit s, int[] users) {
        return IntStream.of(users).mapToObj(s.users::id).sorted().toList();
    }

    private static Set<Integer> set(int[] xs) {
        Set<Integer> s = new HashSet<>();
        for (int x : xs) {
            s.add(x);
        }
        return s;
    }
}

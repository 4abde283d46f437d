package io.crossinterest.neighbours;

import io.crossinterest.data.InteractionMatrix;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ItemSetNeighboursTest {
    /**
     * Warm users 0, 1, 2 (target rows {0, 1}, {1}, {2}); user 3 is cold. Tokens (vocabulary 10):
     * user 0 {1, 2, 3}, user 1 {2, 3}, user 2 {7}, user 3 has no target row and is not indexed.
     */
    static final int[][] TOKENS = {{1, 2, 3}, {2, 3, 3}, {7}, {1, 2}};

    static final InteractionMatrix TARGET =
            new InteractionMatrix.Builder(4, 3)
                    .add(0, 0, 1)
                    .add(0, 1, 1)
                    .add(1, 1, 1)
                    .add(2, 2, 1)
                    .build();

    static ItemSetNeighbours index() {
        return ItemSetNeighbours.build(TOKENS, TARGET, new int[] {0, 1, 2, 3}, 10, 100);
    }

    @Test
    void theDistributionIsTheSimilarityWeightedShareOfTheNeighboursTargetRows() {
        ItemSetNeighbours idx = index();
        assertEquals(3, idx.numWarmUsers(), "user 3 has no target row");
        double[] out = new double[3];
        assertTrue(idx.distribution(new int[] {1, 2}, 10, out));
        // sim(q, 0) = |{1,2}| / sqrt(2·3) = 2/√6; sim(q, 1) = |{2}| / sqrt(2·2) = 1/2; user 2
        // shares nothing
        double s0 = 2 / Math.sqrt(6);
        double s1 = 0.5;
        double total = s0 * 2 + s1 * 1;
        assertArrayEquals(new double[] {s0 / total, (s0 + s1) / total, 0}, out, 1e-6);
        assertEquals(1.0, out[0] + out[1] + out[2], 1e-9);
    }

    @Test
    void kKeepsTheMostSimilarNeighboursOnly() {
        double[] out = new double[3];
        assertTrue(index().distribution(new int[] {1, 2}, 1, out));
        assertArrayEquals(
                new double[] {0.5, 0.5, 0}, out, 1e-6); // user 0 alone: its two target items
    }

    @Test
    void theWindowKeepsTheLastTokensAndIgnoresPaddingAndUnknownTokens() {
        ItemSetNeighbours idx = ItemSetNeighbours.build(TOKENS, TARGET, new int[] {0, 1, 2}, 10, 1);
        double[] out = new double[3];
        // window 1: the query {… 1, 7} reads {7}, the warm users read {3}, {3}, {7}: only user 2 is
        // similar
        assertTrue(idx.distribution(new int[] {1, 7}, 10, out));
        assertArrayEquals(new double[] {0, 0, 1}, out, 1e-9);
        assertFalse(
                index().distribution(new int[] {0, 0, 42, -1}, 10, out),
                "padding and unknown tokens match no one");
        assertArrayEquals(new double[3], out);
        assertFalse(index().distribution(new int[0], 10, out));
    }

    @Test
    void saveAndLoadGiveTheSameDistributions(@TempDir Path dir) throws IOException {
        ItemSetNeighbours idx = index();
        Path f = dir.resolve("isn.bin");
        idx.save(f);
        ItemSetNeighbours back = ItemSetNeighbours.load(f);
        double[] a = new double[3];
        double[] b = new double[3];
        for (int[] q : new int[][] {{1, 2}, {3}, {7, 2}, {9}}) {
            assertEquals(idx.distribution(q, 2, a), back.distribution(q, 2, b));
            assertArrayEquals(a, b, 0.0);
        }
        Files.write(f, new byte[] {1, 2, 3, 4});
        IOException e = assertThrows(IOException.class, () -> ItemSetNeighbours.load(f));
        assertTrue(e.getMessage().contains("not an item-set neighbour index"), e.getMessage());
    }

    @Test
    void aTokenOutsideTheVocabularyIsRejectedAtBuild() {
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        ItemSetNeighbours.build(
                                new int[][] {{12}},
                                new InteractionMatrix.Builder(1, 1).add(0, 0, 1).build(),
                                new int[] {0},
                                10,
                                100));
    }

    /**
     * One scratch for many queries, as the stream scorer keeps it: each query gives what a fresh
     * one gives, so a query leaves the counts it touched at zero.
     */
    @Test
    void aReusedScratchGivesTheSameDistributionsAsAFreshOne() {
        ItemSetNeighbours idx = index();
        ItemSetNeighbours.Scratch scratch = idx.newScratch();
        int[][] queries = {{1, 2}, {1, 7}, {0, 0, 42, -1}, {2}, {1, 2}, {}};
        for (int[] q : queries) {
            double[] fresh = new double[idx.numItems()];
            double[] reused = new double[idx.numItems()];
            boolean any = idx.distribution(q, 10, fresh);
            assertEquals(any, idx.distribution(q, 10, reused, scratch));
            assertArrayEquals(fresh, reused, 0.0, Arrays.toString(q));
        }
    }
}

package io.crossinterest.cf.als;

import io.crossinterest.data.InteractionMatrix;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AlsShuffleCostTest {

    @Test
    void countsEachOtherSideRowOncePerBlockThatReferencesIt() {
        // 3 users × 4 items; item 3 has no entry
        InteractionMatrix r =
                new InteractionMatrix.Builder(3, 4)
                        .add(0, 0, 1)
                        .add(0, 1, 1)
                        .add(1, 1, 1)
                        .add(1, 2, 1)
                        .add(2, 0, 1)
                        .build();
        int k = 2;
        AlsShuffleCost.HalfStep[] one = AlsShuffleCost.perIteration(r, 1, k, true, false);
        // one block: items from users ships every user once, users from items every item with an
        // entry once
        assertEquals(8L * k * 3, one[0].factorBytes());
        assertEquals(8L * k * 3, one[1].factorBytes());
        assertEquals(0, one[0].remoteBytes());
        assertEquals(8L * k * k, one[0].gramBytes());
        assertEquals(3, one[0].rows());
        assertEquals(1.0, one[0].maxBlockWorkShare(), 0.0);
        // the item block as each half-step reads it: 3 ids, 4 row pointers, 5 interactions, 3
        // out-links (every item row to the one user block), 2 block pointer arrays of 2 ints
        assertEquals(8 * 3 + 4 * 4 + 12 * 5 + 4 * 3 + 8 * 2, one[0].blockBytes());
        assertEquals(0, one[0].ownFactorBytes(), "Cholesky needs no current factors");
        AlsShuffleCost.HalfStep[] cg = AlsShuffleCost.perIteration(r, 1, k, true, true);
        assertEquals(8L * k * 3, cg[0].ownFactorBytes(), "CG: the 3 items' current factors");
        assertEquals(8L * k * 3, cg[1].ownFactorBytes(), "CG: the 3 users' current factors");
        assertEquals(one[0].totalBytes() + 8L * k * 3, cg[0].totalBytes());

        int b = 2;
        long userRowsToItemBlocks = 0;
        long remote = 0;
        for (int u = 0; u < 3; u++) {
            boolean[] to = new boolean[b];
            for (int q = r.rowStart(u); q < r.rowEnd(u); q++) {
                to[AlsBlocks.blockOf(r.col(q), b)] = true;
            }
            for (int j = 0; j < b; j++) {
                userRowsToItemBlocks += to[j] ? 1 : 0;
                remote += to[j] && j != AlsBlocks.blockOf(u, b) ? 1 : 0;
            }
        }
        AlsShuffleCost.HalfStep items = AlsShuffleCost.perIteration(r, b, k, true, false)[0];
        assertEquals(8L * k * userRowsToItemBlocks, items.factorBytes());
        assertEquals(8L * k * remote, items.remoteFactorBytes());
        assertEquals(8L * k * k * b * b, items.gramBytes());
        assertEquals(8L * k * k * b * (b - 1), items.remoteGramBytes());
        assertEquals(0, AlsShuffleCost.perIteration(r, b, k, false, false)[0].gramBytes());
    }
}

package io.crossinterest.neighbours;

import io.crossinterest.data.InteractionMatrix;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NeighbourEvidenceTest {
    // source factors (rank 2) of 5 users: 0 and 1 point the same way, 2 is orthogonal, 3 is
    // opposite, 4 is zero
    static final double[] S = {1, 0, 2, 0, 0, 1, -1, 0, 0, 0};
    // target rows: 1 → {0, 1}, 2 → {2}, 3 → {3}; user 0 (the query) has none
    static final InteractionMatrix T =
            new InteractionMatrix.Builder(5, 4)
                    .add(1, 0, 1)
                    .add(1, 1, 1)
                    .add(2, 2, 1)
                    .add(3, 3, 1)
                    .add(0, 3, 1)
                    .build();

    @Test
    void theDistributionIsTheSimilarityWeightedShareOfTheNeighboursTargetItems() {
        NeighbourEvidence e = new NeighbourEvidence(S, 2, T, new int[] {0, 1, 2, 3});
        double[] out = new double[4];
        assertTrue(e.distribution(0, 10, out));
        // only user 1 is similar (cos > 0; 2 is orthogonal, 3 opposite, 0 is the user itself): its
        // two items, 1/2 each
        assertArrayEquals(new double[] {0.5, 0.5, 0, 0}, out, 1e-12);
        // user 2 is similar to nobody but itself
        assertFalse(e.distribution(2, 10, out));
        assertArrayEquals(new double[4], out);
        // a zero source factor has no neighbours either
        assertFalse(e.distribution(4, 10, out));
    }

    @Test
    void kBoundsTheNeighboursAndTheSharesSumToOne() {
        // 6 users on a fan of directions; user 0's nearest are 1, then 2, ...
        double[] s = new double[12];
        InteractionMatrix.Builder b = new InteractionMatrix.Builder(6, 6);
        for (int u = 0; u < 6; u++) {
            double a = u * 0.25;
            s[2 * u] = Math.cos(a);
            s[2 * u + 1] = Math.sin(a);
            b.add(u, u, 1);
        }
        NeighbourEvidence e = new NeighbourEvidence(s, 2, b.build(), new int[] {0, 1, 2, 3, 4, 5});
        double[] out = new double[6];
        assertTrue(e.distribution(0, 2, out));
        assertEquals(0.0, out[0]); // never its own neighbour
        assertTrue(out[1] > out[2] && out[2] > 0, Arrays.toString(out));
        assertEquals(0.0, out[3] + out[4] + out[5]);
        assertEquals(1.0, Arrays.stream(out).sum(), 1e-12);
    }
}

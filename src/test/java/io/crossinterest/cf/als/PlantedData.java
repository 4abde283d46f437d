package io.crossinterest.cf.als;

import io.crossinterest.data.InteractionMatrix;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * A planted low-rank implicit matrix for tests: users and items belong to one of {@code clusters}
 * latent groups; a user interacts mostly (90%) with items of its own group, with item popularity
 * skewed inside each group. One interaction per user (with at least 3) is held out for recall@10.
 */
final class PlantedData {
    final InteractionMatrix train;
    final int[] heldOutItem; // -1 when the user has none
    final int numUsers;
    final int numItems;

    PlantedData(int numUsers, int numItems, int clusters, int perUser, long seed) {
        this.numUsers = numUsers;
        this.numItems = numItems;
        SplittableRandom rnd = new SplittableRandom(seed);
        InteractionMatrix.Builder b = new InteractionMatrix.Builder(numUsers, numItems);
        heldOutItem = new int[numUsers];
        int perCluster = numItems / clusters;
        for (int u = 0; u < numUsers; u++) {
            int g = u % clusters;
            List<Integer> items = new ArrayList<>();
            while (items.size() < perUser) {
                int i;
                if (rnd.nextDouble() < 0.9) {
                    // skewed inside the group: index ~ perCluster · U²
                    double z = rnd.nextDouble();
                    i = g * perCluster + (int) (perCluster * z * z);
                } else {
                    i = rnd.nextInt(numItems);
                }
                if (!items.contains(i)) {
                    items.add(i);
                }
            }
            heldOutItem[u] = items.get(items.size() - 1);
            for (int q = 0; q < items.size() - 1; q++) {
                b.add(u, items.get(q), 1.0 + rnd.nextInt(3));
            }
        }
        train = b.build();
    }

    /**
     * Fraction of users whose held-out item is in their top 10 of unseen items by {@code scorer}.
     */
    double recallAt10(BiConsumer<Integer, double[]> scorer) {
        double[] scores = new double[numItems];
        int hits = 0;
        for (int u = 0; u < numUsers; u++) {
            scorer.accept(u, scores);
            for (int q = train.rowStart(u); q < train.rowEnd(u); q++) {
                scores[train.col(q)] = Double.NEGATIVE_INFINITY;
            }
            double target = scores[heldOutItem[u]];
            int better = 0;
            for (double s : scores) {
                if (s > target) {
                    better++;
                }
            }
            if (better < 10) {
                hits++;
            }
        }
        return hits / (double) numUsers;
    }

    double popularityRecallAt10() {
        double[] pop = new double[numItems];
        for (int q = 0; q < train.nnz(); q++) {
            pop[train.col(q)]++;
        }
        return recallAt10((u, out) -> System.arraycopy(pop, 0, out, 0, numItems));
    }
}

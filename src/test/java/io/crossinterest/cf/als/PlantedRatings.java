package io.crossinterest.cf.als;

import io.crossinterest.data.InteractionMatrix;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A planted explicit rating matrix for tests: r_ui = μ + a_uᵀb_i + ε with a_u, b_i ~ N(0, I/√rank)
 * (so the signal a_uᵀb_i has variance 1), μ = 3 and noise ε ~ N(0, noise²). Each user rates {@code
 * perUser} distinct random items; {@code heldOut} of them per user are kept out of {@link #train}
 * for the RMSE.
 */
final class PlantedRatings {
    final InteractionMatrix train;

    /** Held-out (user, item, rating) as parallel arrays. */
    final int[] testUser;

    final int[] testItem;
    final double[] testRating;
    final int numUsers;
    final int numItems;

    PlantedRatings(
            int numUsers,
            int numItems,
            int rank,
            int perUser,
            int heldOut,
            double noise,
            long seed) {
        this.numUsers = numUsers;
        this.numItems = numItems;
        SplittableRandom rnd = new SplittableRandom(seed);
        double scale = 1.0 / Math.sqrt(Math.sqrt(rank));
        double[][] a = gaussian(rnd, numUsers, rank, scale);
        double[][] b = gaussian(rnd, numItems, rank, scale);
        InteractionMatrix.Builder m = new InteractionMatrix.Builder(numUsers, numItems);
        testUser = new int[numUsers * heldOut];
        testItem = new int[numUsers * heldOut];
        testRating = new double[numUsers * heldOut];
        int t = 0;
        for (int u = 0; u < numUsers; u++) {
            int[] items = rnd.ints(0, numItems).distinct().limit(perUser).toArray();
            for (int q = 0; q < items.length; q++) {
                int i = items[q];
                double r = 3.0 + rnd.nextGaussian() * noise;
                for (int d = 0; d < rank; d++) {
                    r += a[u][d] * b[i][d];
                }
                if (q < heldOut) {
                    testUser[t] = u;
                    testItem[t] = i;
                    testRating[t++] = r;
                } else {
                    m.add(u, i, r);
                }
            }
        }
        train = m.build();
    }

    private static double[][] gaussian(SplittableRandom rnd, int n, int k, double scale) {
        double[][] out = new double[n][k];
        for (double[] row : out) {
            for (int d = 0; d < k; d++) {
                row[d] = rnd.nextGaussian() * scale;
            }
        }
        return out;
    }

    /** Root mean squared error of {@code predict(user, item)} on the held-out ratings. */
    double heldOutRmse(Predictor predict) {
        double sum = 0;
        for (int t = 0; t < testUser.length; t++) {
            double e = testRating[t] - predict.predict(testUser[t], testItem[t]);
            sum += e * e;
        }
        return Math.sqrt(sum / testUser.length);
    }

    /** The baseline: every held-out rating predicted by the global mean of the training ratings. */
    double globalMeanRmse() {
        double mean = Arrays.stream(train.values()).average().orElse(0);
        return heldOutRmse((u, i) -> mean);
    }

    interface Predictor {
        double predict(int user, int item);
    }
}

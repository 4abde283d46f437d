package io.crossinterest.bench;

import io.crossinterest.data.InteractionMatrix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A benchmark data set: a user × item training matrix and a leave-one-out held-out split (one
 * interaction per user with at least two, drawn with the split seed), plus the users recall is
 * evaluated on. Built deterministically from its name and seed, so every benchmark process (ours,
 * Spark) rebuilds exactly the same data.
 */
final class BenchData {
    final String name;
    final String description;
    final InteractionMatrix train;

    /** held-out item per user, -1 if none. */
    final int[] heldOut;

    /** users recall@10 is computed on (all held-out users, or a seeded sample of them). */
    final int[] evalUsers;

    private BenchData(
            String name,
            String description,
            InteractionMatrix all,
            long splitSeed,
            int maxEvalUsers) {
        this.name = name;
        this.description = description;
        SplittableRandom rnd = new SplittableRandom(splitSeed);
        heldOut = new int[all.numRows()];
        Arrays.fill(heldOut, -1);
        InteractionMatrix.Builder b = new InteractionMatrix.Builder(all.numRows(), all.numCols());
        int withHeldOut = 0;
        for (int u = 0; u < all.numRows(); u++) {
            int n = all.rowLength(u);
            int skip = n >= 2 ? all.rowStart(u) + rnd.nextInt(n) : -1;
            for (int q = all.rowStart(u); q < all.rowEnd(u); q++) {
                if (q == skip) {
                    heldOut[u] = all.col(q);
                } else {
                    b.add(u, all.col(q), all.value(q));
                }
            }
            if (skip >= 0) {
                withHeldOut++;
            }
        }
        train = b.build();
        int[] candidates = new int[withHeldOut];
        for (int u = 0, c = 0; u < heldOut.length; u++) {
            if (heldOut[u] >= 0) {
                candidates[c++] = u;
            }
        }
        // seeded partial Fisher-Yates for the evaluation sample
        int m = Math.min(maxEvalUsers, candidates.length);
        for (int i = 0; i < m; i++) {
            int j = i + rnd.nextInt(candidates.length - i);
            int t = candidates[i];
            candidates[i] = candidates[j];
            candidates[j] = t;
        }
        evalUsers = Arrays.copyOf(candidates, m);
        Arrays.sort(evalUsers);
    }

    /**
     * The named data set: {@code amazon} (largest Amazon pair's target block) or {@code powerlaw}.
     */
    static BenchData load(
            String name, Path sharedData, long seed, int maxEvalUsers, int powerLawUsers) {
        switch (name) {
            case "amazon":
                return amazon(sharedData, seed, maxEvalUsers);
            case "powerlaw":
                return powerLaw(powerLawUsers, seed, maxEvalUsers);
            default:
                throw new IllegalArgumentException("unknown data set " + name);
        }
    }

    /**
     * electronic_cloth/train.txt of amazon-cdr-disencdr: the largest block of the largest pair
     * (electronic–cloth, 15,761 users; 210,865 train rows), label 1 for every row.
     */
    static BenchData amazon(Path sharedData, long seed, int maxEvalUsers) {
        Path file = sharedData.resolve("amazon-cdr-disencdr/electronic_cloth/train.txt");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("Amazon data not found: " + file);
        }
        InteractionMatrix.Builder b = new InteractionMatrix.Builder(0, 0);
        try (Stream<String> lines = Files.lines(file)) {
            lines.forEach(
                    line -> {
                        String[] f = line.split("\t");
                        if (f.length < 2) {
                            throw new IllegalArgumentException(
                                    file + ": malformed line '" + line + "'");
                        }
                        b.add(
                                Integer.parseInt(f[0].trim()),
                                Integer.parseInt(f[1].trim()),
                                f.length > 2 ? Double.parseDouble(f[2].trim()) : 1.0);
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BenchData(
                "amazon_electronic_cloth",
                "amazon-cdr-disencdr electronic_cloth/train.txt,"
                        + " leave-one-out split seed "
                        + seed,
                b.build(),
                seed,
                maxEvalUsers);
    }

    /**
     * A generated power-law matrix with latent structure: items in 50 groups; a user belongs to one
     * group and draws 80% of its interactions from its group, 20% from all items, both with
     * Zipf(1.0) popularity; user activity is 5 + Pareto(x_m = 13.6, a = 1.8) draws, capped at 2,000
     * (mean ≈ 22); repeated (user, item) draws add up, so a user has ≈ 15.5 distinct items;
     * strengths 1..3. 140,000 users give ≈ 2.2M distinct interactions (≈ 2.1M after the held-out
     * split) over 40,000 items.
     */
    static BenchData powerLaw(int numUsers, long seed, int maxEvalUsers) {
        int numItems = 40_000;
        int groups = 50;
        int perGroup = numItems / groups;
        SplittableRandom rnd =
                new SplittableRandom(0x5EEDL); // the matrix itself is fixed; the seed only splits
        int[] perm = new int[numItems]; // global popularity order
        for (int i = 0; i < numItems; i++) {
            perm[i] = i;
        }
        for (int i = numItems - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        double[] groupCdf = zipfCdf(perGroup, 1.0);
        double[] globalCdf = zipfCdf(numItems, 1.0);
        InteractionMatrix.Builder b = new InteractionMatrix.Builder(numUsers, numItems);
        for (int u = 0; u < numUsers; u++) {
            int g = rnd.nextInt(groups);
            double pareto = 13.6 * Math.pow(1 - rnd.nextDouble(), -1 / 1.8) - 13.6;
            int n = (int) Math.min(2000, 5 + Math.floor(pareto));
            for (int q = 0; q < n; q++) {
                int item =
                        rnd.nextDouble() < 0.8
                                ? g * perGroup + sample(groupCdf, rnd)
                                : perm[sample(globalCdf, rnd)];
                b.add(u, item, 1 + rnd.nextInt(3));
            }
        }
        InteractionMatrix all = b.build();
        return new BenchData(
                "powerlaw",
                "generated power-law matrix ("
                        + numUsers
                        + " users, "
                        + numItems
                        + " items, Zipf 1.0 popularity in 50 latent groups), leave-one-out split seed "
                        + seed,
                all,
                seed,
                maxEvalUsers);
    }

    private static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cdf[i] /= sum;
        }
        return cdf;
    }

    private static int sample(double[] cdf, SplittableRandom rnd) {
        int i = Arrays.binarySearch(cdf, rnd.nextDouble());
        return Math.min(cdf.length - 1, i >= 0 ? i : -i - 1);
    }
}

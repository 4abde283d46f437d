package io.crossinterest.joint;

import io.crossinterest.data.IdIndex;
import io.crossinterest.data.InteractionMatrix;
import io.crossinterest.eval.CrossDomainSplit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;

/** Test helpers: cold-start splits of an Amazon pair and of planted synthetic data. */
final class Splits {
    private Splits() {}

    /**
     * The pair {@code sourceDir} (e.g. sport_phone) → {@code targetDir} (phone_sport) from their
     * train.txt files: a share {@code beta} of the users is cold (target rows hidden); a quarter of
     * the cold users validates, the rest test.
     */
    static CrossDomainSplit amazon(Path sourceDir, Path targetDir, double beta, long seed)
            throws IOException {
        IdIndex users = new IdIndex();
        IdIndex srcItems = new IdIndex();
        IdIndex tgtItems = new IdIndex();
        List<int[]> src = read(sourceDir.resolve("train.txt"), users, srcItems);
        List<int[]> tgt = read(targetDir.resolve("train.txt"), users, tgtItems);
        int n = users.size();
        int[] order = IntStream.range(0, n).toArray();
        Random rnd = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int nCold = (int) Math.round(beta * n);
        int nValid = nCold / 4;
        int[] role = new int[n]; // 0 warm, 1 valid cold, 2 test cold
        for (int i = 0; i < nCold; i++) {
            role[order[i]] = i < nValid ? 1 : 2;
        }
        InteractionMatrix.Builder s = new InteractionMatrix.Builder(n, srcItems.size());
        src.forEach(e -> s.add(e[0], e[1], 1.0));
        InteractionMatrix.Builder tr = new InteractionMatrix.Builder(n, tgtItems.size());
        InteractionMatrix.Builder va = new InteractionMatrix.Builder(n, tgtItems.size());
        InteractionMatrix.Builder te = new InteractionMatrix.Builder(n, tgtItems.size());
        for (int[] e : tgt) {
            (role[e[0]] == 0 ? tr : role[e[0]] == 1 ? va : te).add(e[0], e[1], 1.0);
        }
        return split(
                sourceDir.getFileName() + "->" + targetDir.getFileName(),
                users,
                srcItems,
                tgtItems,
                s.build(),
                tr.build(),
                va.build(),
                te.build(),
                role,
                seed);
    }

    static CrossDomainSplit split(
            String name,
            IdIndex users,
            IdIndex srcItems,
            IdIndex tgtItems,
            InteractionMatrix s,
            InteractionMatrix tr,
            InteractionMatrix va,
            InteractionMatrix te,
            int[] role,
            long seed) {
        int n = users.size();
        IdIndex sc = new IdIndex();
        sc.add("source");
        IdIndex tc = new IdIndex();
        tc.add("target");
        int[][] sic = new int[srcItems.size()][];
        Arrays.fill(sic, new int[] {0});
        int[][] tic = new int[tgtItems.size()][];
        Arrays.fill(tic, new int[] {0});
        int[] warm = IntStream.range(0, n).filter(u -> role[u] == 0).toArray();
        int[] valid = IntStream.range(0, n).filter(u -> role[u] == 1).toArray();
        int[] test = IntStream.range(0, n).filter(u -> role[u] == 2).toArray();
        return new CrossDomainSplit(
                name, users, srcItems, tgtItems, s, tr, va, te, warm, valid, test, sc, tc, sic, tic,
                seed);
    }

    /** The ids of a user's source items, in row order (a stream history of the user). */
    static String[] sourceItemIds(CrossDomainSplit s, int u) {
        String[] ids = new String[s.source.rowLength(u)];
        for (int k = s.source.rowStart(u); k < s.source.rowEnd(u); k++) {
            ids[k - s.source.rowStart(u)] = s.sourceItems.id(s.source.col(k));
        }
        return ids;
    }

    private static List<int[]> read(Path file, IdIndex users, IdIndex items) throws IOException {
        List<int[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            out.add(new int[] {users.add(f[0]), items.add(f[1])});
        }
        return out;
    }

    /** Popularity scores (training target counts) — the reference a transfer model must beat. */
    static double[] popularity(CrossDomainSplit s) {
        double[] pop = new double[s.numTargetItems()];
        InteractionMatrix t = s.targetTrain;
        for (int e = 0; e < t.nnz(); e++) {
            pop[t.col(e)] += 1;
        }
        return pop;
    }

    /** Mean NDCG@k over users of their rows in {@code truth}, scores from {@code scorer}. */
    static double meanNdcg(
            CrossDomainSplit s,
            int[] users,
            InteractionMatrix truth,
            BiConsumer<Integer, double[]> scorer,
            int k) {
        double[] out = new double[s.numTargetItems()];
        double sum = 0;
        int n = 0;
        for (int u : users) {
            if (truth.rowLength(u) == 0) {
                continue;
            }
            scorer.accept(u, out);
            sum += JointTraining.ndcgAt(out, s, truth, u, k);
            n++;
        }
        return sum / n;
    }

    /** Mean Recall@k (hits / |test items|). */
    static double meanRecall(
            CrossDomainSplit s,
            int[] users,
            InteractionMatrix truth,
            BiConsumer<Integer, double[]> scorer,
            int k) {
        double[] out = new double[s.numTargetItems()];
        double sum = 0;
        int n = 0;
        for (int u : users) {
            if (truth.rowLength(u) == 0) {
                continue;
            }
            scorer.accept(u, out);
            int[] top = JointModel.topK(out, k);
            int hits = 0;
            for (int v : top) {
                hits += truth.get(u, v) > 0 ? 1 : 0;
            }
            sum += (double) hits / truth.rowLength(u);
            n++;
        }
        return sum / n;
    }
}

package io.crossinterest.eval;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Runs the cold-start protocol: for each seed, one split (drawn with that seed, or the given
 * split), every model fitted on the split without its test rows ({@link
 * CrossDomainSplit#withoutTest}) and scored on the test cold users.
 *
 * <p>With a rankings directory, for every seed: {@code rankings-<model>.tsv} ({@code seed, user,
 * rank, item, score}: the top {@value ColdStartEvaluator#DUMP_DEPTH} candidates of each evaluated
 * test user) and {@code truth.tsv} ({@code seed, user, item}: the hidden items the metrics count as
 * relevant, after removing seen items and twins); item ids as the input files name them ({@link
 * CrossDomainSplit#externalTargetItemId}). Recall@10 and NDCG@10 recomputed from the two files per
 * seed and averaged over seeds equal {@code metrics.json}.
 */
public final class EvaluationRun {
    private EvaluationRun() {}

    public static EvaluationResult run(
            String dataset,
            double beta,
            List<Long> seeds,
            LongFunction<CrossDomainSplit> splits,
            List<String> models,
            ModelRegistry registry,
            ModelSettings settings,
            Path rankingsDir,
            Consumer<String> progress) {
        return run(
                dataset,
                beta,
                seeds,
                splits,
                models,
                registry,
                settings,
                rankingsDir,
                null,
                progress);
    }

    public static EvaluationResult run(
            String dataset,
            double beta,
            List<Long> seeds,
            LongFunction<CrossDomainSplit> splits,
            List<String> models,
            ModelRegistry registry,
            ModelSettings settings,
            Path rankingsDir,
            CandidateLists candidates,
            Consumer<String> progress) {
        EvaluationResult result = new EvaluationResult(dataset, beta, seeds);
        Dumps dumps = rankingsDir == null ? null : new Dumps(rankingsDir, models);
        try {
            for (int s = 0; s < seeds.size(); s++) {
                runSeed(
                        s,
                        seeds,
                        splits,
                        models,
                        registry,
                        settings,
                        dumps,
                        candidates,
                        progress,
                        result);
            }
        } finally {
            if (dumps != null) {
                dumps.close();
            }
        }
        return result;
    }

    private static void runSeed(
            int s,
            List<Long> seeds,
            LongFunction<CrossDomainSplit> splits,
            List<String> models,
            ModelRegistry registry,
            ModelSettings settings,
            Dumps dumps,
            CandidateLists candidates,
            Consumer<String> progress,
            EvaluationResult result) {
        long seed = seeds.get(s);
        long t0 = System.nanoTime();
        CrossDomainSplit split = splits.apply(seed);
        CrossDomainSplit forTraining = split.withoutTest();
        ColdStartEvaluator.TwinsRemoved twins = ColdStartEvaluator.twinsRemoved(split);
        result.twinsRemoved.add(twins);
        result.twinPairs.add(split.twins.numPairs());
        result.testRows.add((long) split.targetTest.nnz());
        result.testUsers.add(split.testColdUsers.length);
        String summary =
                String.format(
                        Locale.ROOT,
                        "seed %d: %d users, %d source items, %d target items, %d warm users, %d validation and %d test cold"
                                + " users, %d target test rows, %d twin pairs: %d test rows of %d users removed as twins"
                                + " (split in %.1f s)",
                        seed,
                        split.numUsers(),
                        split.numSourceItems(),
                        split.numTargetItems(),
                        split.warmUsers.length,
                        split.validColdUsers.length,
                        split.testColdUsers.length,
                        split.targetTest.nnz(),
                        split.twins.numPairs(),
                        twins.rows(),
                        twins.users(),
                        secondsSince(t0));
        result.splitSummaries.add(summary);
        progress.accept("[" + (s + 1) + "/" + seeds.size() + "] " + summary);
        if (dumps != null) {
            dumps.truth(split, seed);
        }
        for (int m = 0; m < models.size(); m++) {
            String name = models.get(m);
            ColdStartModel model = registry.create(name, settings.withSeed(seed));
            progress.accept(
                    String.format(
                            Locale.ROOT,
                            "[%d/%d] %s (%d/%d): fitting",
                            s + 1,
                            seeds.size(),
                            name,
                            m + 1,
                            models.size()));
            long f0 = System.nanoTime();
            model.fit(forTraining);
            double fitSec = secondsSince(f0);
            long e0 = System.nanoTime();
            Map<String, Double> metrics =
                    ColdStartEvaluator.evaluateTest(
                            split,
                            model,
                            seed,
                            dumps == null ? null : dumps.sink(name, split, seed));
            if (candidates != null) {
                metrics = new LinkedHashMap<>(metrics);
                CandidateLists.Coverage c =
                        candidates.evaluate(split, model::scoreItems, seed, metrics);
                if (m == 0) {
                    result.candidateCoverage.add(c);
                    progress.accept(
                            String.format(
                                    Locale.ROOT,
                                    "[%d/%d] candidates: %d lists of test users, %d"
                                            + " without a positive, %d positives ranked",
                                    s + 1,
                                    seeds.size(),
                                    c.lists(),
                                    c.listsWithoutPositive(),
                                    c.positives()));
                }
            }
            double evalSec = secondsSince(e0);
            String selection =
                    model instanceof SelectionReport ? ((SelectionReport) model).selection() : "";
            record(result, name, metrics, fitSec, evalSec, selection, s, seeds.size(), progress);
            for (Map.Entry<String, ColdStartEvaluator.UserScorer> part : model.parts().entrySet()) {
                long p0 = System.nanoTime();
                Map<String, Double> pm =
                        ColdStartEvaluator.evaluate(
                                split,
                                part.getValue(),
                                u -> null,
                                split.testColdUsers,
                                split.targetTest,
                                seed,
                                true,
                                null);
                record(
                        result,
                        name + "-" + part.getKey(),
                        pm,
                        0.0,
                        secondsSince(p0),
                        "part of " + name + " (same fit)",
                        s,
                        seeds.size(),
                        progress);
            }
        }
    }

    private static void record(
            EvaluationResult result,
            String name,
            Map<String, Double> metrics,
            double fitSec,
            double evalSec,
            String selection,
            int s,
            int numSeeds,
            Consumer<String> progress) {
        result.add(name, metrics, fitSec, evalSec, selection);
        progress.accept(
                String.format(
                        Locale.ROOT,
                        "[%d/%d] %s: recall@10=%.4f ndcg@10=%.4f sampled.hr@10=%.4f (fit %.1f s, eval %.1f s) %s",
                        s + 1,
                        numSeeds,
                        name,
                        metrics.get(ColdStartEvaluator.RECALL_10),
                        metrics.get(ColdStartEvaluator.NDCG_10),
                        metrics.get(ColdStartEvaluator.S_HR_10),
                        fitSec,
                        evalSec,
                        selection));
    }

    /** The --dump-rankings files: one per model and truth.tsv, each with a seed column. */
    private static final class Dumps {
        private final Path dir;
        private final Map<String, BufferedWriter> rankings = new LinkedHashMap<>();
        private BufferedWriter truth;

        Dumps(Path dir, List<String> models) {
            this.dir = dir;
            try {
                truth = open(dir.resolve("truth.tsv"), "seed\tuser\titem\n");
                for (String m : models) {
                    rankings.put(
                            m,
                            open(
                                    dir.resolve("rankings-" + m + ".tsv"),
                                    "seed\tuser\trank\titem\tscore\n"));
                }
            } catch (IOException e) {
                close();
                throw new UncheckedIOException(
                        "cannot write rankings in " + dir + ": " + e.getMessage(), e);
            }
        }

        private static BufferedWriter open(Path file, String header) throws IOException {
            BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            w.write(header);
            return w;
        }

        /**
         * The relevant items of every test user the evaluator scores (the same rule as the
         * evaluator).
         */
        void truth(CrossDomainSplit split, long seed) {
            boolean[] seen = new boolean[split.numTargetItems()];
            try {
                for (int u : split.testColdUsers) {
                    split.markSeen(u, seen, true, true);
                    for (int k = split.targetTest.rowStart(u);
                            k < split.targetTest.rowEnd(u);
                            k++) {
                        int i = split.targetTest.col(k);
                        if (!seen[i]) {
                            truth.write(
                                    seed
                                            + "\t"
                                            + split.users.id(u)
                                            + '\t'
                                            + split.externalTargetItemId(i)
                                            + '\n');
                        }
                    }
                    split.markSeen(u, seen, false, true);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot write " + dir.resolve("truth.tsv") + ": " + e.getMessage(), e);
            }
        }

        ColdStartEvaluator.RankingSink sink(String model, CrossDomainSplit split, long seed) {
            BufferedWriter w = rankings.get(model);
            return (u, top, scores) -> {
                try {
                    for (int r = 0; r < top.length; r++) {
                        w.write(
                                seed
                                        + "\t"
                                        + split.users.id(u)
                                        + '\t'
                                        + (r + 1)
                                        + '\t'
                                        + split.externalTargetItemId(top[r])
                                        + '\t'
                                        + scores[top[r]]
                                        + '\n');
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(
                            "cannot write rankings-" + model + ".tsv: " + e.getMessage(), e);
                }
            };
        }

        void close() {
            List<BufferedWriter> all = new ArrayList<>(rankings.values());
            if (truth != null) {
                all.add(truth);
            }
            for (BufferedWriter w : all) {
                try {
                    w.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(
                            "cannot write rankings in " + dir + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}

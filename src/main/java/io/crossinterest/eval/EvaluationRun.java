package io.crossinterest.eval;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Runs the cold-start protocol: for each seed, one split (drawn with that seed, or the given split), every model fitted
 * on the split without its test rows ({@link CrossDomainSplit#withoutTest}) and scored on the test cold users.
 * With a rankings directory, the top {@value ColdStartEvaluator#DUMP_DEPTH} items of each test user are written for the
 * first seed to {@code rankings-<model>.tsv} ({@code user, rank, item, score}).
 */
public final class EvaluationRun {
    private EvaluationRun() {}

    public static EvaluationResult run(String dataset, double beta, List<Long> seeds, LongFunction<CrossDomainSplit> splits,
            List<String> models, ModelRegistry registry, ModelSettings settings, Path rankingsDir,
            Consumer<String> progress) {
        EvaluationResult result = new EvaluationResult(dataset, beta, seeds);
        for (int s = 0; s < seeds.size(); s++) {
            long seed = seeds.get(s);
            long t0 = System.nanoTime();
            CrossDomainSplit split = splits.apply(seed);
            CrossDomainSplit forTraining = split.withoutTest();
            String summary = String.format(Locale.ROOT,
                    "seed %d: %d users, %d source items, %d target items, %d warm users, %d validation and %d test cold"
                            + " users, %d target test rows (split in %.1f s)",
                    seed, split.numUsers(), split.numSourceItems(), split.numTargetItems(), split.warmUsers.length,
                    split.validColdUsers.length, split.testColdUsers.length, split.targetTest.nnz(), secondsSince(t0));
            result.splitSummaries.add(summary);
            progress.accept("[" + (s + 1) + "/" + seeds.size() + "] " + summary);
            for (int m = 0; m < models.size(); m++) {
                String name = models.get(m);
                ColdStartModel model = registry.create(name, settings.withSeed(seed));
                progress.accept(String.format(Locale.ROOT, "[%d/%d] %s (%d/%d): fitting", s + 1, seeds.size(), name,
                        m + 1, models.size()));
                long f0 = System.nanoTime();
                model.fit(forTraining);
                double fitSec = secondsSince(f0);
                long e0 = System.nanoTime();
                Map<String, Double> metrics;
                if (rankingsDir != null && s == 0) {
                    Path file = rankingsDir.resolve("rankings-" + name + ".tsv");
                    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                        w.write("user\trank\titem\tscore\n");
                        metrics = ColdStartEvaluator.evaluateTest(split, model, seed, (u, top, scores) -> {
                            try {
                                for (int r = 0; r < top.length; r++) {
                                    w.write(split.users.id(u) + '\t' + (r + 1) + '\t' + split.targetItems.id(top[r])
                                            + '\t' + scores[top[r]] + '\n');
                                }
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
                    }
                } else {
                    metrics = ColdStartEvaluator.evaluateTest(split, model, seed, null);
                }
                double evalSec = secondsSince(e0);
                String selection = model instanceof SelectionReport ? ((SelectionReport) model).selection() : "";
                result.add(name, metrics, fitSec, evalSec, selection);
                progress.accept(String.format(Locale.ROOT,
                        "[%d/%d] %s: recall@10=%.4f ndcg@10=%.4f sampled.hr@10=%.4f (fit %.1f s, eval %.1f s) %s",
                        s + 1, seeds.size(), name, metrics.get(ColdStartEvaluator.RECALL_10),
                        metrics.get(ColdStartEvaluator.NDCG_10), metrics.get(ColdStartEvaluator.S_HR_10), fitSec,
                        evalSec, selection));
            }
        }
        return result;
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}

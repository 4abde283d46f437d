package io.crossinterest.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@code evaluate} run measured: per model, per metric, one value per seed; plus timings
 * and selections.
 */
public final class EvaluationResult {
    public final String dataset;

    /** β, or NaN for a given split. */
    public final double beta;

    public final List<Long> seeds;

    /** model → metric → value per seed (in seed order). */
    public final Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>();

    /** model → fit seconds per seed. */
    public final Map<String, List<Double>> fitSeconds = new LinkedHashMap<>();

    /** model → scoring + metric seconds per seed. */
    public final Map<String, List<Double>> evalSeconds = new LinkedHashMap<>();

    /** model → what it selected on validation, per seed. */
    public final Map<String, List<String>> selections = new LinkedHashMap<>();

    /** One line per seed describing the split (users, cold users, items). */
    public final List<String> splitSummaries = new ArrayList<>();

    /**
     * Per seed: the hidden test rows (and their users) the protocol removed as twins of the users'
     * source items.
     */
    public final List<ColdStartEvaluator.TwinsRemoved> twinsRemoved = new ArrayList<>();

    /**
     * Per seed: the twin pairs found on the training rows and treated as seen (0 when twins are
     * kept).
     */
    public final List<Integer> twinPairs = new ArrayList<>();

    /** Per seed: the hidden test rows and the test cold users before anything is removed. */
    public final List<Long> testRows = new ArrayList<>();

    public final List<Integer> testUsers = new ArrayList<>();

    /** How the protocol treated twins: "keep", or "remove" with the rule that found them. */
    public String twinsProtocol = "remove";

    /**
     * Per seed, with --candidates: the candidate lists read, lists without a positive, ranked
     * positives.
     */
    public final List<CandidateLists.Coverage> candidateCoverage = new ArrayList<>();

    public EvaluationResult(String dataset, double beta, List<Long> seeds) {
        this.dataset = dataset;
        this.beta = beta;
        this.seeds = List.copyOf(seeds);
    }

    public void add(
            String model,
            Map<String, Double> metrics,
            double fitSec,
            double evalSec,
            String selection) {
        Map<String, List<Double>> m = values.computeIfAbsent(model, k -> new LinkedHashMap<>());
        metrics.forEach((metric, v) -> m.computeIfAbsent(metric, k -> new ArrayList<>()).add(v));
        fitSeconds.computeIfAbsent(model, k -> new ArrayList<>()).add(fitSec);
        evalSeconds.computeIfAbsent(model, k -> new ArrayList<>()).add(evalSec);
        selections.computeIfAbsent(model, k -> new ArrayList<>()).add(selection);
    }

    public static double mean(List<Double> xs) {
        double s = 0;
        for (double x : xs) {
            s += x;
        }
        return s / xs.size();
    }

    /** Sample standard deviation over seeds, sqrt(Σ(x − x̄)² / (n − 1)); 0 for a single seed. */
    public static double std(List<Double> xs) {
        if (xs.size() < 2) {
            return 0.0;
        }
        double m = mean(xs);
        double s = 0;
        for (double x : xs) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (xs.size() - 1));
    }
}

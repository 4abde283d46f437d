package io.crossinterest.eval;

import io.crossinterest.report.RunInfo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes an {@link EvaluationResult} to a directory: {@code metrics.json} ({@code {"dataset",
 * "beta", "seeds", "models": {M: {METRIC: {"mean", "std"}}}}}, std the sample standard deviation
 * over seeds), {@code report.md} (the table with mean ± std, per-model timings, what each model
 * selected, the seeds and the command), and bar charts with ±1 std error bars: {@code
 * full-ranking.png} (Recall@10, NDCG@10) and {@code sampled.png} (the sampled protocol).
 */
public final class EvaluationReport {
    private EvaluationReport() {}

    public static void write(EvaluationResult r, Path dir, RunInfo run) throws IOException {
        Files.createDirectories(dir);
        writeJson(r, dir.resolve("metrics.json"), run);
        Files.writeString(
                dir.resolve("report.md"),
                markdown(r, run == null ? null : run.command()),
                StandardCharsets.UTF_8);
        plot(
                r,
                List.of(ColdStartEvaluator.RECALL_10, ColdStartEvaluator.NDCG_10),
                "Full ranking (cold users)",
                dir.resolve("full-ranking.png"));
        plot(
                r,
                List.of(
                        ColdStartEvaluator.S_MRR,
                        ColdStartEvaluator.S_NDCG_10,
                        ColdStartEvaluator.S_HR_10),
                "Sampled protocol, 999 negatives (cold users)",
                dir.resolve("sampled.png"));
    }

    /**
     * metrics.json: {@code dataset, beta, seeds}; {@code twins} (the protocol), {@code
     * twins_removed} ({@code rows}, {@code users}: hidden test rows removed as twins of the users'
     * own source items and their users, summed over seeds, and {@code by_seed}); {@code models}
     * (model → metric → {@code mean, std, values} with one value per seed); with --candidates
     * {@code candidates} (lists, lists without a positive, positives ranked, per seed); {@code run}
     * ({@link RunInfo}: command, commit, start, machine, load average).
     */
    static void writeJson(EvaluationResult r, Path file, RunInfo run) throws IOException {
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = om.createObjectNode();
        root.put("dataset", r.dataset);
        if (Double.isNaN(r.beta)) {
            root.putNull("beta");
        } else {
            root.put("beta", r.beta);
        }
        ArrayNode seeds = root.putArray("seeds");
        r.seeds.forEach(seeds::add);
        root.put("twins", r.twinsProtocol);
        ObjectNode twins = root.putObject("twins_removed");
        ColdStartEvaluator.TwinsRemoved total = new ColdStartEvaluator.TwinsRemoved(0, 0);
        ObjectNode bySeed = om.createObjectNode();
        for (int s = 0; s < r.twinsRemoved.size(); s++) {
            ColdStartEvaluator.TwinsRemoved t = r.twinsRemoved.get(s);
            total = total.plus(t);
            ObjectNode one = bySeed.putObject(String.valueOf(r.seeds.get(s)));
            one.put("rows", t.rows());
            one.put("users", t.users());
            one.put("twin_pairs", r.twinPairs.get(s));
            one.put("test_rows", r.testRows.get(s));
            one.put("test_users", r.testUsers.get(s));
        }
        twins.put("rows", total.rows());
        twins.put("users", total.users());
        twins.set("by_seed", bySeed);
        ObjectNode models = root.putObject("models");
        for (Map.Entry<String, Map<String, List<Double>>> m : r.values.entrySet()) {
            ObjectNode mm = models.putObject(m.getKey());
            for (String metric : metricOrder(m.getValue())) {
                List<Double> xs = m.getValue().get(metric);
                ObjectNode v = mm.putObject(metric);
                v.put("mean", EvaluationResult.mean(xs));
                v.put("std", EvaluationResult.std(xs));
                ArrayNode values = v.putArray("values");
                xs.forEach(values::add);
            }
        }
        if (!r.candidateCoverage.isEmpty()) {
            ObjectNode c = root.putObject("candidates");
            for (int s = 0; s < r.candidateCoverage.size(); s++) {
                CandidateLists.Coverage cov = r.candidateCoverage.get(s);
                ObjectNode one = c.putObject(String.valueOf(r.seeds.get(s)));
                one.put("lists", cov.lists());
                one.put("lists_without_positive", cov.listsWithoutPositive());
                one.put("positives", cov.positives());
            }
        }
        if (run != null) {
            run.writeTo(root.putObject("run"));
        }
        om.writeValue(file.toFile(), root);
    }

    private static List<String> metricOrder(Map<String, List<Double>> metrics) {
        List<String> out = new ArrayList<>();
        for (String k : ColdStartEvaluator.ITEM_METRICS) {
            if (metrics.containsKey(k)) {
                out.add(k);
            }
        }
        for (String k : ColdStartEvaluator.INTEREST_METRICS) {
            if (metrics.containsKey(k)) {
                out.add(k);
            }
        }
        for (String k : metrics.keySet()) {
            if (!out.contains(k)) {
                out.add(k);
            }
        }
        return out;
    }

    static String markdown(EvaluationResult r, String command) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Cold-start evaluation: ").append(r.dataset).append("\n\n");
        sb.append("- β (fraction of overlapping users made cold): ")
                .append(Double.isNaN(r.beta) ? "given split" : fmt(r.beta))
                .append('\n');
        sb.append("- seeds: ").append(r.seeds).append('\n');
        sb.append(
                        "- twins (a target item that is another listing of one of the user's own source items): ")
                .append(r.twinsProtocol)
                .append('\n');
        if (command != null) {
            sb.append("- command: `").append(command).append("`\n");
        }
        for (String s : r.splitSummaries) {
            sb.append("- ").append(s).append('\n');
        }
        sb.append(
                "\nMean ± sample standard deviation over seeds; each seed's value is the mean over its test cold users."
                        + " Full ranking: all target items the user has not seen in training. Sampled: each positive against 999"
                        + " sampled unseen negatives.\n\n");
        List<String> metrics = new ArrayList<>();
        for (Map<String, List<Double>> m : r.values.values()) {
            for (String k : metricOrder(m)) {
                if (!metrics.contains(k)) {
                    metrics.add(k);
                }
            }
        }
        sb.append("| model |");
        metrics.forEach(k -> sb.append(' ').append(k).append(" |"));
        sb.append("\n|---|");
        metrics.forEach(k -> sb.append("---|"));
        sb.append('\n');
        for (Map.Entry<String, Map<String, List<Double>>> m : r.values.entrySet()) {
            sb.append("| ").append(m.getKey()).append(" |");
            for (String k : metrics) {
                List<Double> xs = m.getValue().get(k);
                sb.append(' ')
                        .append(
                                xs == null
                                        ? "–"
                                        : fmt(EvaluationResult.mean(xs))
                                                + " ± "
                                                + fmt(EvaluationResult.std(xs)))
                        .append(" |");
            }
            sb.append('\n');
        }
        sb.append(
                "\n## Timings and model selection\n\n| model | fit s (mean) | eval s (mean) | selected on validation, per seed |\n|---|---|---|---|\n");
        for (String m : r.values.keySet()) {
            sb.append("| ")
                    .append(m)
                    .append(" | ")
                    .append(
                            String.format(
                                    Locale.ROOT,
                                    "%.1f",
                                    EvaluationResult.mean(r.fitSeconds.get(m))))
                    .append(" | ")
                    .append(
                            String.format(
                                    Locale.ROOT,
                                    "%.1f",
                                    EvaluationResult.mean(r.evalSeconds.get(m))))
                    .append(" | ")
                    .append(String.join("; ", r.selections.get(m)))
                    .append(" |\n");
        }
        sb.append("\nPlots: `full-ranking.png`, `sampled.png` (error bars: ±1 std over seeds).\n");
        return sb.toString();
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%.4f", x);
    }

    static void plot(EvaluationResult r, List<String> metrics, String title, Path file)
            throws IOException {
        DefaultStatisticalCategoryDataset ds = new DefaultStatisticalCategoryDataset();
        for (String metric : metrics) {
            for (Map.Entry<String, Map<String, List<Double>>> m : r.values.entrySet()) {
                List<Double> xs = m.getValue().get(metric);
                if (xs != null) {
                    ds.add(EvaluationResult.mean(xs), EvaluationResult.std(xs), metric, m.getKey());
                }
            }
        }
        CategoryPlot plot =
                new CategoryPlot(
                        ds,
                        new CategoryAxis("model"),
                        new NumberAxis("mean over seeds"),
                        new StatisticalBarRenderer());
        plot.setOrientation(PlotOrientation.VERTICAL);
        JFreeChart chart =
                new JFreeChart(
                        title + " — " + r.dataset, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 500);
    }
}

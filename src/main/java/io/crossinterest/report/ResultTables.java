package io.crossinterest.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The README's result tables, made from the committed result files and nothing else, so that every
 * figure the README publishes has a file behind it (with its command, commit, seeds and machine
 * load):
 *
 * <ul>
 *   <li>{@code quality}: one row per {@code results/quality/NAME/metrics.json} (written by {@code
 *       bin/quality-results});
 *   <li>{@code quality-provenance}: for each of those files, the commit, seeds, start and load
 *       average;
 *   <li>{@code twin-counts}: {@code results/twin-counts/NAME/metrics.json} (popularity, source-knn
 *       and source-items, twins removed): the twins each pair has;
 *   <li>{@code twins}: {@code results/twins-kept/NAME/metrics.json} (the same evaluation with
 *       {@code --twins keep}) next to the twin-free figures of the same models;
 *   <li>{@code als}: {@code bench/results/als-bench-*.json};
 *   <li>{@code stream}, {@code live}, {@code encoder}: {@code
 *       results/performance/stream-bench.json}, {@code live-bench.json} and {@code
 *       encoder-bench.json}.
 * </ul>
 *
 * In the README each table stands between {@code <!-- results:NAME -->} and {@code <!--
 * /results:NAME -->}; {@link #render} replaces what stands there, {@link #differences} names the
 * tables whose text differs from the files.
 */
public final class ResultTables {
    private final Path root;

    /** The tables of the repository checked out at {@code root}. */
    public ResultTables(Path root) {
        this.root = root;
    }

    /** Table name → its markdown, in README order. */
    public Map<String, String> tables() {
        QualityTables q = new QualityTables(root);
        PerformanceTables p = new PerformanceTables(root);
        Map<String, String> t = new LinkedHashMap<>();
        List<QualityTables.Quality> quality = q.quality();
        t.put("quality", q.qualityTable(quality));
        t.put("quality-provenance", q.provenanceTable(quality));
        t.put("twins", q.twinsTable(quality));
        t.put("twin-counts", q.twinCountsTable());
        t.put("als", p.alsTable());
        t.put("stream", p.streamTable());
        t.put("live", p.liveTable());
        t.put("encoder", p.encoderTable());
        return t;
    }

    /** {@code text} with every marked table replaced by the one made from the files. */
    public String render(String text) {
        String out = text;
        for (Map.Entry<String, String> e : tables().entrySet()) {
            out = replace(out, e.getKey(), e.getValue());
        }
        return out;
    }

    /**
     * The names of the marked tables in {@code text} that differ from the files (empty: the text is
     * current).
     */
    public List<String> differences(String text) {
        List<String> differ = new ArrayList<>();
        for (Map.Entry<String, String> e : tables().entrySet()) {
            if (!replace(text, e.getKey(), e.getValue()).equals(text)) {
                differ.add(e.getKey());
            }
        }
        return differ;
    }

    private static String replace(String text, String name, String table) {
        String begin = "<!-- results:" + name + " -->\n";
        String end = "<!-- /results:" + name + " -->";
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            return text;
        }
        return text.substring(0, b + begin.length()) + table + text.substring(e);
    }
}

package io.crossinterest.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Twins: one product listed in the source block and in the target block under two different ids. On
 * the Amazon pairs a target item and a source item often have exactly the same buyers
 * (docs/architecture.md, "Twins"). For a user who holds the source listing, the target listing is
 * an item they already have: a seen item, never a recommendation, and in the evaluation protocol
 * neither a candidate nor a hidden positive.
 *
 * <p>Found from training data only. Let T be the users with at least one visible target row (the
 * rows a model may train on), U_t the users of target item t and U_s ∩ T the users of source item s
 * among them. s and t are twins when |U_t| ≥ minUsers, |U_s ∩ T| ≥ minUsers and the Jaccard index
 * |U_s ∩ U_t| / |(U_s ∩ T) ∪ U_t| ≥ minJaccard. Restricting s to T makes the test independent of
 * how many users are held out: a cold user's source rows are visible, their target rows are not, so
 * without it every held-out buyer of a twin would count against it.
 *
 * <p>Cost: Σ_t Σ_{u ∈ U_t} |source row of u| counter increments, one pass over the target training
 * rows.
 */
public final class TwinListings implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The rule that makes two listings twins; {@link #DEFAULT}: Jaccard ≥ 0.8 over at least 2 users
     * on each side.
     */
    public record Rule(double minJaccard, int minUsers) implements Serializable {
        public static final Rule DEFAULT = new Rule(0.8, 2);

        public Rule {
            if (!(minJaccard > 0 && minJaccard <= 1)) {
                throw new IllegalArgumentException(
                        "twin Jaccard threshold must be in (0, 1], got " + minJaccard);
            }
            if (minUsers < 1) {
                throw new IllegalArgumentException(
                        "twin minimum users must be >= 1, got " + minUsers);
            }
        }
    }

    private static final int[] NONE = new int[0];

    /** Source item id → its target twins (target item indices, ascending). */
    private final Map<String, int[]> targetsBySource;

    private final int numPairs;

    private TwinListings(Map<String, int[]> targetsBySource) {
        this.targetsBySource = targetsBySource;
        int n = 0;
        for (int[] t : targetsBySource.values()) {
            n += t.length;
        }
        this.numPairs = n;
    }

    public static TwinListings none() {
        return new TwinListings(Map.of());
    }

    /**
     * The twins of a split's training data: {@code source} (users × source items, every row
     * visible) and {@code targetTrain} (users × target items, the visible target rows), rows
     * indexed by the same users.
     */
    public static TwinListings find(
            InteractionMatrix source,
            InteractionMatrix targetTrain,
            IdIndex sourceItems,
            Rule rule) {
        int numUsers = Math.min(source.numRows(), targetTrain.numRows());
        // |U_s ∩ T| for every source item s
        int[] sourceUsers = new int[source.numCols()];
        for (int u = 0; u < numUsers; u++) {
            if (targetTrain.rowLength(u) == 0) {
                continue;
            }
            for (int k = source.rowStart(u); k < source.rowEnd(u); k++) {
                sourceUsers[source.col(k)]++;
            }
        }
        InteractionMatrix byItem = targetTrain.transpose(); // target items × users
        int[] shared = new int[source.numCols()];
        int[] touched = new int[source.numCols()];
        Map<String, List<Integer>> twins = new HashMap<>();
        for (int t = 0; t < byItem.numRows(); t++) {
            int nt = byItem.rowLength(t);
            if (nt < rule.minUsers()) {
                continue;
            }
            int numTouched = 0;
            for (int k = byItem.rowStart(t); k < byItem.rowEnd(t); k++) {
                int u = byItem.col(k);
                if (u >= numUsers) {
                    continue;
                }
                for (int j = source.rowStart(u); j < source.rowEnd(u); j++) {
                    int s = source.col(j);
                    if (shared[s]++ == 0) {
                        touched[numTouched++] = s;
                    }
                }
            }
            for (int i = 0; i < numTouched; i++) {
                int s = touched[i];
                int both = shared[s];
                shared[s] = 0;
                int ns = sourceUsers[s];
                if (ns >= rule.minUsers() && both >= rule.minJaccard() * (ns + nt - both)) {
                    twins.computeIfAbsent(sourceItems.id(s), x -> new ArrayList<>()).add(t);
                }
            }
        }
        Map<String, int[]> out = new HashMap<>();
        twins.forEach(
                (s, ts) -> out.put(s, ts.stream().mapToInt(Integer::intValue).sorted().toArray()));
        return new TwinListings(out);
    }

    /**
     * The target twins of a source item (indices into the target catalogue), empty when it has
     * none.
     */
    public int[] targetsOf(String sourceItemId) {
        return targetsBySource.getOrDefault(sourceItemId, NONE);
    }

    /**
     * Sets {@code mark[t] = value} for every target twin t of the items in row {@code user} of
     * {@code source} (a user's own source listings); returns how many entries changed.
     */
    public int mark(
            InteractionMatrix source,
            IdIndex sourceItems,
            int user,
            boolean[] mark,
            boolean value) {
        if (targetsBySource.isEmpty() || user >= source.numRows()) {
            return 0;
        }
        int changed = 0;
        for (int k = source.rowStart(user); k < source.rowEnd(user); k++) {
            for (int t : targetsOf(sourceItems.id(source.col(k)))) {
                if (mark[t] != value) {
                    mark[t] = value;
                    changed++;
                }
            }
        }
        return changed;
    }

    /**
     * Serving: sets the score of every target twin of a user's source history (item ids, the
     * stream's view of a user) to −∞, so that no top-N contains an item the user already holds
     * under its source listing.
     */
    public void exclude(String[] sourceItemIds, double[] scores) {
        if (targetsBySource.isEmpty() || sourceItemIds == null) {
            return;
        }
        for (String s : sourceItemIds) {
            for (int t : targetsOf(s)) {
                scores[t] = Double.NEGATIVE_INFINITY;
            }
        }
    }

    public boolean isEmpty() {
        return targetsBySource.isEmpty();
    }

    /** Number of (source item, target item) twin pairs. */
    public int numPairs() {
        return numPairs;
    }

    /** Number of target items that are the twin of some source item. */
    public int numTargetItems() {
        return (int)
                targetsBySource.values().stream().flatMapToInt(Arrays::stream).distinct().count();
    }

    /** Writes {@code source id <TAB> target id} per pair, sorted, for a model bundle. */
    public void save(Path file, List<String> targetItemIds) throws IOException {
        List<String> lines = new ArrayList<>(numPairs);
        targetsBySource.forEach(
                (s, ts) -> {
                    for (int t : ts) {
                        lines.add(s + '\t' + targetItemIds.get(t));
                    }
                });
        lines.sort(null);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String l : lines) {
                w.write(l);
                w.write('\n');
            }
        }
    }

    /**
     * Reads what {@link #save} wrote, against the bundle's target catalogue; a clear error on a
     * foreign item.
     */
    public static TwinListings load(Path file, List<String> targetItemIds) throws IOException {
        Map<String, Integer> targetIndex = new HashMap<>(2 * targetItemIds.size());
        for (int i = 0; i < targetItemIds.size(); i++) {
            targetIndex.put(targetItemIds.get(i), i);
        }
        Map<String, List<Integer>> twins = new HashMap<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            int tab = line.indexOf('\t');
            Integer t = tab < 0 ? null : targetIndex.get(line.substring(tab + 1));
            if (t == null) {
                throw new IOException(
                        file
                                + ":"
                                + lineNo
                                + ": expected 'source item <TAB> target item' with a target"
                                + " item of the bundle's catalogue, got '"
                                + line
                                + "'");
            }
            twins.computeIfAbsent(line.substring(0, tab), x -> new ArrayList<>()).add(t);
        }
        Map<String, int[]> out = new HashMap<>();
        twins.forEach(
                (s, ts) -> out.put(s, ts.stream().mapToInt(Integer::intValue).sorted().toArray()));
        return new TwinListings(out);
    }
}

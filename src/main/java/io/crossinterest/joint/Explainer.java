package io.crossinterest.joint;

import io.crossinterest.encoder.SourceTokenizer;
import io.crossinterest.encoder.TokenScheme;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Explanations by occlusion of the encoder's input (DESIGN §5, issue item 6): for each source item
 * (item tokens) or source category (category tokens) in the user's window, its positions are
 * replaced by padding and the user is scored again; the drop in a target's score is that source's
 * contribution:
 *
 * <pre>
 *   contribution(g → item v)     = s_v(window) − s_v(window with g's positions padded)
 *   contribution(g → category c) = softmax(I_u)_c − softmax(I_u with g padded)_c
 * </pre>
 *
 * All occluded variants go through the network in one batch (at most L + 1 rows).
 */
public final class Explainer {
    private Explainer() {}

    /**
     * A source item or category and how much it raised a target's score (negative: it lowered it).
     */
    public record Driver(String source, double contribution) {}

    /** One explained target (an item or a category) with its score and its strongest drivers. */
    public record Target(String target, double score, List<Driver> drivers) {}

    /**
     * Explanation of one user's top target items and, when the model has I_u, their target
     * categories.
     */
    public record Explanation(
            String userId, long modelVersion, List<Target> items, List<Target> categories) {}

    public static Explanation explain(
            JointBundle bundle, SourceHistory history, int topItems, int topDrivers) {
        SourceTokenizer tok = bundle.tokenizer();
        int seqLen = bundle.scorer().seqLen();
        // the window: tokens and the source key (item or category id) that produced each
        List<Integer> tokens = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        String[] items = history.itemIds == null ? new String[0] : history.itemIds;
        for (int i = 0; i < items.length; i++) {
            String cat =
                    history.categoryIds == null || i >= history.categoryIds.length
                            ? null
                            : history.categoryIds[i];
            for (int t : tok.tokens(items[i], cat == null ? null : new String[] {cat})) {
                tokens.add(t);
                keys.add(
                        tok.scheme() == TokenScheme.ITEMS
                                ? items[i]
                                : (cat == null ? "unknown" : cat));
            }
        }
        int start = Math.max(0, tokens.size() - seqLen);
        int[] window =
                tokens.subList(start, tokens.size()).stream().mapToInt(Integer::intValue).toArray();
        List<String> windowKeys = keys.subList(start, keys.size());
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int p = 0; p < windowKeys.size(); p++) {
            groups.computeIfAbsent(windowKeys.get(p), k -> new ArrayList<>()).add(p);
        }
        List<String> groupKeys = new ArrayList<>(groups.keySet());
        List<int[]> variants = new ArrayList<>(groupKeys.size() + 1);
        variants.add(window);
        for (String g : groupKeys) {
            int[] v = window.clone();
            for (int p : groups.get(g)) {
                v[p] = SourceTokenizer.PAD;
            }
            variants.add(v);
        }
        JointScorer s = bundle.scorer();
        JointScorer.Encoded enc = s.encode(variants);
        double[][] scores = new double[variants.size()][s.numItems()];
        for (int r = 0; r < variants.size(); r++) {
            s.itemScores(
                    variants.get(r),
                    enc.phat()[r],
                    enc.interest() == null ? null : enc.interest()[r],
                    scores[r]);
        }
        double[] ranked = scores[0].clone();
        bundle.twins()
                .exclude(items, ranked); // twins of the user's own source items are seen items
        int[] top = JointModel.topK(ranked, topItems);
        List<Target> itemTargets = new ArrayList<>();
        for (int v : top) {
            double[] contrib = new double[groupKeys.size()];
            for (int g = 0; g < contrib.length; g++) {
                contrib[g] = scores[0][v] - scores[g + 1][v];
            }
            itemTargets.add(
                    new Target(
                            bundle.targetItemIds().get(v),
                            scores[0][v],
                            drivers(groupKeys, contrib, topDrivers)));
        }
        List<Target> catTargets = new ArrayList<>();
        if (enc.interest() != null) {
            double[][] p = new double[variants.size()][];
            for (int r = 0; r < variants.size(); r++) {
                p[r] = JointScorer.interestDistribution(enc.interest()[r]);
            }
            Integer[] order = new Integer[p[0].length];
            for (int c = 0; c < order.length; c++) {
                order[c] = c;
            }
            Arrays.sort(order, Comparator.comparingDouble((Integer c) -> -p[0][c]));
            for (int c : order) {
                double[] contrib = new double[groupKeys.size()];
                for (int g = 0; g < contrib.length; g++) {
                    contrib[g] = p[0][c] - p[g + 1][c];
                }
                catTargets.add(
                        new Target(
                                bundle.targetCategoryIds().get(c),
                                p[0][c],
                                drivers(groupKeys, contrib, topDrivers)));
            }
        }
        return new Explanation(history.userId, bundle.modelVersion(), itemTargets, catTargets);
    }

    private static List<Driver> drivers(List<String> keys, double[] contrib, int top) {
        Integer[] order = new Integer[contrib.length];
        for (int g = 0; g < order.length; g++) {
            order[g] = g;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer g) -> -contrib[g]));
        List<Driver> out = new ArrayList<>();
        for (int i = 0; i < Math.min(top, order.length); i++) {
            out.add(new Driver(keys.get(order[i]), contrib[order[i]]));
        }
        return out;
    }
}

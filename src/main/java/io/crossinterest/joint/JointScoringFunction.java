package io.crossinterest.joint;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * "Encode (CNN) → joint scorer" over a batch of histories, as the stream's scoring operator calls
 * it on each micro-batch ({@code io.crossinterest.serving.ModelServingOperator}, through its {@code
 * ServingModel}): {@link #open} loads the bundle (network, Q, tokenizer); each {@link #apply} is
 * one forward pass. Every output names the bundle's model version. Not thread-safe (the DL4J graph
 * is not): one caller thread at a time.
 */
public final class JointScoringFunction {
    private final String bundleDir;
    private final int topN;

    private JointBundle bundle;

    /** Score rows reused across batches, one per user of the largest batch so far. */
    private double[][] scores = new double[0][];

    public JointScoringFunction(String bundleDir, int topN) {
        if (topN < 1) {
            throw new IllegalArgumentException("topN must be >= 1, got " + topN);
        }
        this.bundleDir = bundleDir;
        this.topN = topN;
    }

    /** Loads the bundle (blocking: seconds for a large network). */
    public void open() throws Exception {
        bundle = JointBundle.load(Path.of(bundleDir));
    }

    /**
     * The bundle loaded by {@link #open} (null before): its metadata names the model's version and
     * blocks.
     */
    public JointBundle bundle() {
        return bundle;
    }

    /** The scores of a batch: one output per history, in order. */
    public List<UserScores> apply(List<SourceHistory> batch) {
        List<int[]> tokens = new ArrayList<>(batch.size());
        for (SourceHistory h : batch) {
            tokens.add(tokens(bundle, h));
        }
        JointScorer s = bundle.scorer();
        JointScorer.Encoded enc = s.encode(tokens);
        String[] cats = bundle.targetCategoryIds().toArray(String[]::new);
        if (scores.length < batch.size()) {
            int n = scores.length;
            scores = Arrays.copyOf(scores, batch.size());
            for (int r = n; r < scores.length; r++) {
                scores[r] = new double[s.numItems()];
            }
        }
        s.itemScores(tokens, enc, scores);
        List<UserScores> out = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            float[] interest = enc.interest() == null ? null : enc.interest()[r];
            double[] scores = this.scores[r];
            bundle.twins()
                    .exclude(
                            batch.get(r).itemIds,
                            scores); // a twin of a held source item is a seen item
            int[] top = JointModel.topK(scores, topN);
            String[] ids = new String[top.length];
            double[] sc = new double[top.length];
            for (int i = 0; i < top.length; i++) {
                ids[i] = bundle.targetItemIds().get(top[i]);
                sc[i] = scores[top[i]];
            }
            out.add(
                    new UserScores(
                            batch.get(r).userId,
                            bundle.modelVersion(),
                            ids,
                            sc,
                            cats,
                            JointScorer.interestDistribution(interest)));
        }
        return out;
    }

    /**
     * The token sequence of a history under the bundle's tokenizer, in the representation training
     * used: the encoder learnt from each user's row of the source interaction matrix ({@code
     * SourceTokenizer.userTokens}), i.e. every distinct item once (repeated behaviour is summed
     * into one entry), in the split's item index order. So the history's events are reduced to
     * their distinct items (the category of an item's first event), ordered by the bundle's {@link
     * JointBundle#sourceItemIndex}; items training never saw follow in event order. Fed the same
     * behaviour, the stream and {@code train}/{@code evaluate} then score the same tokens (issue
     * #14: time-ordered events with repeats moved scores by ~2 % and reordered top-10s). A bundle
     * without the index is scored in event order, one entry per event, as before.
     */
    public static int[] tokens(JointBundle bundle, SourceHistory h) {
        if (h.itemIds == null) {
            return new int[0];
        }
        int n = h.itemIds.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Map<String, Integer> index = bundle.sourceItemIndex();
        if (index != null) {
            Map<String, Integer> first =
                    new LinkedHashMap<>(); // distinct items, each at its first event
            for (int i = 0; i < n; i++) {
                first.putIfAbsent(h.itemIds[i], i);
            }
            order = first.values().toArray(Integer[]::new);
            // known items by training index; unknown ones (index ∞) after them, in event order (the
            // sort is stable)
            Arrays.sort(
                    order,
                    Comparator.comparingInt(
                            i -> index.getOrDefault(h.itemIds[i], Integer.MAX_VALUE)));
        }
        List<Integer> t = new ArrayList<>(order.length);
        for (int i : order) {
            String cat =
                    h.categoryIds == null || i >= h.categoryIds.length ? null : h.categoryIds[i];
            for (int tok :
                    bundle.tokenizer()
                            .tokens(h.itemIds[i], cat == null ? null : new String[] {cat})) {
                t.add(tok);
            }
        }
        return t.stream().mapToInt(Integer::intValue).toArray();
    }
}

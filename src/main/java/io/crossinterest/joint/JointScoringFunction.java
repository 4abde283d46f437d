package io.crossinterest.joint;

import io.crossinterest.encoder.BatchFunction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The stream stage "encode (CNN) → joint scorer" as a {@link BatchFunction} for
 * {@link io.crossinterest.encoder.MicroBatchOperator}: {@link #open} loads the bundle (network, Q, tokenizer) once per
 * subtask; each micro-batch is one forward pass. Every output names the bundle's model version.
 */
public final class JointScoringFunction implements BatchFunction<SourceHistory, UserScores> {
    private static final long serialVersionUID = 1L;

    private final String bundleDir;
    private final int topN;

    private transient JointBundle bundle;
    private transient double[] scores;
    private transient Histogram batchMillis;

    public JointScoringFunction(String bundleDir, int topN) {
        if (topN < 1) {
            throw new IllegalArgumentException("topN must be >= 1, got " + topN);
        }
        this.bundleDir = bundleDir;
        this.topN = topN;
    }

    @Override
    public void open(RuntimeContext context) throws Exception {
        bundle = JointBundle.load(Path.of(bundleDir));
        scores = new double[bundle.scorer().numItems()];
        if (context != null) {
            batchMillis = context.getMetricGroup().histogram("scoringBatchMillis",
                    new DescriptiveStatisticsHistogram(1000));
        }
    }

    /** The bundle loaded by {@link #open} (null before): its metadata names the model's version and blocks. */
    public JointBundle bundle() {
        return bundle;
    }

    /** For callers outside Flink (the CLI): opens without a runtime context. */
    public void openStandalone() throws Exception {
        open(null);
    }

    @Override
    public List<UserScores> apply(List<SourceHistory> batch) {
        long t0 = System.nanoTime();
        List<int[]> tokens = new ArrayList<>(batch.size());
        for (SourceHistory h : batch) {
            tokens.add(tokens(bundle, h));
        }
        JointScorer s = bundle.scorer();
        JointScorer.Encoded enc = s.encode(tokens);
        String[] cats = bundle.targetCategoryIds().toArray(String[]::new);
        List<UserScores> out = new ArrayList<>(batch.size());
        for (int r = 0; r < batch.size(); r++) {
            float[] interest = enc.interest() == null ? null : enc.interest()[r];
            s.itemScores(tokens.get(r), enc.phat()[r], interest, scores);
            bundle.twins().exclude(batch.get(r).itemIds, scores); // a twin of a held source item is a seen item
            int[] top = JointModel.topK(scores, topN);
            String[] ids = new String[top.length];
            double[] sc = new double[top.length];
            for (int i = 0; i < top.length; i++) {
                ids[i] = bundle.targetItemIds().get(top[i]);
                sc[i] = scores[top[i]];
            }
            out.add(new UserScores(batch.get(r).userId, bundle.modelVersion(), ids, sc, cats,
                    JointScorer.interestDistribution(interest)));
        }
        if (batchMillis != null) {
            batchMillis.update((System.nanoTime() - t0) / 1_000_000);
        }
        return out;
    }

    /** The token sequence of a history under the bundle's tokenizer (one or more tokens per behaviour). */
    static int[] tokens(JointBundle bundle, SourceHistory h) {
        if (h.itemIds == null) {
            return new int[0];
        }
        List<Integer> t = new ArrayList<>(h.itemIds.length);
        for (int i = 0; i < h.itemIds.length; i++) {
            String cat = h.categoryIds == null || i >= h.categoryIds.length ? null : h.categoryIds[i];
            for (int tok : bundle.tokenizer().tokens(h.itemIds[i], cat == null ? null : new String[] {cat})) {
                t.add(tok);
            }
        }
        return t.stream().mapToInt(Integer::intValue).toArray();
    }
}

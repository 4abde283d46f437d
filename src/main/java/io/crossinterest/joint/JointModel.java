package io.crossinterest.joint;

import io.crossinterest.data.CrossDomainData;
import io.crossinterest.data.TwinListings;
import io.crossinterest.encoder.EncoderConfig;
import io.crossinterest.encoder.SourceTokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * The fitted joint transfer model (DESIGN §3.4): immutable, made by {@link JointEstimator#fit} or
 * read from a bundle ({@link JointBundle#load}). A user's scores need only their source tokens:
 * tokens → H_u (and s_u) → P̂_u → (I_u, C_u) or P̂_u·Q, blended with the wide path ({@link
 * JointScorer}).
 *
 * <p>Model data: the settings it was fitted with, the tokenizer and the encoder's configuration,
 * the scorer (network, ranking head, fold-in, wide path), the target CF space's item factors Q, and
 * the catalogue the scores index (source and target item ids, category ids, the twins that are seen
 * items). A fitted model also carries its {@link JointFitReport}; a model read from a bundle has
 * none (its metadata says what was selected).
 */
public final class JointModel {
    private final JointParams params;
    private final SourceTokenizer tokenizer;
    private final EncoderConfig encoder;
    private final JointScorer scorer;
    private final CfFactors cf;
    private final String dataset;
    private final List<String> sourceItemIds;
    private final List<String> targetItemIds;
    private final List<String> sourceCategoryIds;
    private final List<String> targetCategoryIds;
    private final TwinListings twins;
    private final JointFitReport report;

    JointModel(
            JointParams params,
            SourceTokenizer tokenizer,
            EncoderConfig encoder,
            JointScorer scorer,
            CfFactors cf,
            String dataset,
            List<String> sourceItemIds,
            List<String> targetItemIds,
            List<String> sourceCategoryIds,
            List<String> targetCategoryIds,
            TwinListings twins,
            JointFitReport report) {
        this.params = params;
        this.tokenizer = tokenizer;
        this.encoder = encoder;
        this.scorer = scorer;
        this.cf = cf;
        this.dataset = dataset;
        this.sourceItemIds = List.copyOf(sourceItemIds);
        this.targetItemIds = List.copyOf(targetItemIds);
        this.sourceCategoryIds = List.copyOf(sourceCategoryIds);
        this.targetCategoryIds = List.copyOf(targetCategoryIds);
        this.twins = twins;
        this.report = report;
    }

    /** The model of a fit on {@code data}: its catalogue is the data's. */
    static JointModel fitted(FitInput in, JointScorer scorer, CfFactors cf, JointFitReport report) {
        CrossDomainData data = in.data();
        SourceTokenizer tok = in.tokenizer();
        return new JointModel(
                in.params(),
                tok,
                in.encoder(),
                scorer,
                cf,
                data.dataset,
                data.sourceItems.ids(),
                data.targetItems.ids(),
                tok.categoryIds().isEmpty() ? data.sourceCategories.ids() : tok.categoryIds(),
                data.targetCategories.ids(),
                data.twins,
                report);
    }

    public JointParams params() {
        return params;
    }

    public SourceTokenizer tokenizer() {
        return tokenizer;
    }

    /** The encoder's configuration with the tokenizer's vocabulary. */
    public EncoderConfig encoderConfig() {
        return encoder;
    }

    /** The scorer (not thread-safe: the DL4J graph keeps per-call workspaces). */
    public JointScorer scorer() {
        return scorer;
    }

    /** The target CF space's factors; Q ({@code items}) is what the bundle stores. */
    public CfFactors cfFactors() {
        return cf;
    }

    public String dataset() {
        return dataset;
    }

    /** Source item ids in the training data's index order (empty for a bundle without them). */
    public List<String> sourceItemIds() {
        return sourceItemIds;
    }

    /** Target item ids: score index v ↔ {@code targetItemIds().get(v)}. */
    public List<String> targetItemIds() {
        return targetItemIds;
    }

    public List<String> sourceCategoryIds() {
        return sourceCategoryIds;
    }

    public List<String> targetCategoryIds() {
        return targetCategoryIds;
    }

    /**
     * The twins of the training data: what {@link TwinListings#exclude} removes from a user's
     * top-N.
     */
    public TwinListings twins() {
        return twins;
    }

    /** What the fit selected and how training went; null for a model read from a bundle. */
    public JointFitReport report() {
        return report;
    }

    /**
     * Every user of {@code data} encoded once, to be scored ({@code data}: the fit's, or any with
     * the same blocks).
     */
    public EncodedUsers encodeUsers(CrossDomainData data) {
        return new EncodedUsers(scorer, tokenizer.userTokens(data));
    }

    /** Indices of the k largest scores, best first (ties by lower index). */
    public static int[] topK(double[] s, int k) {
        k = Math.min(k, s.length);
        int[] top = new int[k];
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (n < k || s[i] > s[top[n - 1]]) {
                int p = n < k ? n++ : n - 1;
                while (p > 0 && s[top[p - 1]] < s[i]) {
                    top[p] = top[p - 1];
                    p--;
                }
                top[p] = i;
            }
        }
        return Arrays.copyOf(top, n);
    }
}

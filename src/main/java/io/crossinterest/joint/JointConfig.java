package io.crossinterest.joint;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.crossinterest.encoder.EncoderConfig;
import java.io.Serializable;

/**
 * Hyper-parameters of the joint transfer model (DESIGN §3.4).
 *
 * <p>Loss, summed over a mini-batch of warm training users (each term off when its weight is 0):
 * <pre>
 *   L = wMse·‖P̂_u − P_u‖²/k                       (L_CF, regression onto the ALS user factors)
 *     + wRank·(−Σ_v y_uv log softmax_v(P̂_u·Q_v + b_v))   (L_CF, listwise ranking of the user's target items, y_u
 *                                                        their distribution)
 *     + wItems·BCE(σ(W4·I_u + b4), 1[v ∈ target items of u])   (L_CF on the seed's W3/W4 path)
 *     + wInterest·(−Σ_c z_uc log softmax_c(I_u))      (category-level interest; only when K &gt; 1)
 *     + wDl·L_DL                                      (the encoder's own masked-token cross-entropy)
 * </pre>
 * {@code tuneQ}: the ranking head starts at the ALS item factors Q and is trained with its item bias; otherwise Q is
 * fixed (no bias). {@code freezeEncoder}: the pre-trained encoder is not updated (no transfer fine-tuning).
 * Early stopping: after each epoch, NDCG@10 of the validation cold users (targetValid) when the split has them, else
 * the loss on a held-out slice ({@code validFraction}) of the warm users; the best epoch's weights are kept and
 * training stops after {@code patience} epochs without improvement on the trained path ({@link EarlyStopping}: the
 * start, then the epochs; a candidate off the path, the bridge alone, is compared with the path's best at the end).
 */
public final class JointConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public final EncoderConfig encoder;
    public final double wMse;
    public final double wRank;
    public final double wItems;
    public final double wInterest;
    public final double wDl;
    public final boolean freezeEncoder;
    public final boolean tuneQ;
    /** Feed the source block's CF reading s_u ({@link SourceFolding}) next to H_u into W2. */
    public final boolean sourceFolding;
    public final ScoringPath scoring;
    /** {@link #neighbours} value: select the teacher's K on the validation cold users. */
    public static final int SELECT_NEIGHBOURS = 0;

    public final double learningRate;
    /** L2 penalty (DL4J's l2) on the weights of W2 and the ranking head's Q (not the encoder, not biases); 0 = off. */
    public final double l2;
    /** Dropout on the input of W2 (the probability of dropping a unit while training); 0 = off. */
    public final double dropout;
    /**
     * η: weight of the neighbourhood teacher in the ranking loss's target distribution, y_u = (1 − η)·own_u + η·n_u,
     * n_u the target behaviour of u's {@code neighbours} nearest warm users in the source CF space
     * ({@link io.crossinterest.baselines.NeighbourEvidence}); 0 = off.
     */
    public final double neighbourWeight;
    /**
     * The teacher's K; {@link #SELECT_NEIGHBOURS} (0): chosen at fit on the validation cold users from
     * {@link io.crossinterest.baselines.SourceNeighbours#CANDIDATE_K}, by the NDCG@10 of n_u alone (as source-knn chooses
     * its K).
     */
    public final int neighbours;
    public final int batchSize;
    public final int maxEpochs;
    public final int patience;
    public final double validFraction;
    public final long seed;

    @JsonCreator
    public JointConfig(@JsonProperty("encoder") EncoderConfig encoder, @JsonProperty("wMse") double wMse,
            @JsonProperty("wRank") double wRank, @JsonProperty("wItems") double wItems,
            @JsonProperty("wInterest") double wInterest, @JsonProperty("wDl") double wDl,
            @JsonProperty("freezeEncoder") boolean freezeEncoder, @JsonProperty("tuneQ") boolean tuneQ,
            @JsonProperty("sourceFolding") boolean sourceFolding, @JsonProperty("scoring") ScoringPath scoring,
            @JsonProperty("learningRate") double learningRate, @JsonProperty("l2") double l2,
            @JsonProperty("dropout") double dropout, @JsonProperty("neighbourWeight") double neighbourWeight,
            @JsonProperty("neighbours") int neighbours, @JsonProperty("batchSize") int batchSize,
            @JsonProperty("maxEpochs") int maxEpochs,
            @JsonProperty("patience") int patience, @JsonProperty("validFraction") double validFraction,
            @JsonProperty("seed") long seed) {
        require(wMse >= 0 && wRank >= 0 && wItems >= 0 && wInterest >= 0 && wDl >= 0, "loss weights must be >= 0");
        require(wMse + wRank + wItems > 0, "at least one L_CF weight (wMse, wRank, wItems) must be > 0");
        require(scoring != ScoringPath.W4 || wItems > 0, "scoring W4 needs wItems > 0 (the W4 head is trained by it)");
        require(learningRate > 0, "learningRate must be > 0");
        require(l2 >= 0, "l2 must be >= 0");
        require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1)");
        require(neighbourWeight >= 0 && neighbourWeight < 1, "neighbourWeight must be in [0, 1)");
        require(neighbours >= 0, "neighbours must be >= 1, or 0 to select it on validation");
        require(neighbourWeight == 0 || wRank > 0, "neighbourWeight shapes the ranking loss: it needs wRank > 0");
        require(batchSize >= 1 && maxEpochs >= 1 && patience >= 1, "batchSize, maxEpochs, patience must be >= 1");
        require(validFraction > 0 && validFraction < 1, "validFraction must be in (0, 1)");
        this.encoder = java.util.Objects.requireNonNull(encoder, "encoder");
        this.wMse = wMse;
        this.wRank = wRank;
        this.wItems = wItems;
        this.wInterest = wInterest;
        this.wDl = wDl;
        this.freezeEncoder = freezeEncoder;
        this.tuneQ = tuneQ;
        this.sourceFolding = sourceFolding;
        this.scoring = java.util.Objects.requireNonNull(scoring, "scoring");
        this.learningRate = learningRate;
        this.l2 = l2;
        this.dropout = dropout;
        this.neighbourWeight = neighbourWeight;
        this.neighbours = neighbours;
        this.batchSize = batchSize;
        this.maxEpochs = maxEpochs;
        this.patience = patience;
        this.validFraction = validFraction;
        this.seed = seed;
    }

    /**
     * The revised formulation (docs/joint-model.md): listwise ranking over P̂·Q with a tuned Q and an item bias that
     * starts at log-popularity, plus MSE onto the ALS user factors; L_DL trains the encoder in pre-training only
     * (wDl = 0 here: the vocabulary softmax costs ~10× the rest of a step); fine-tuned encoder; P̂·Q scoring; Adam
     * 2e-3, batch 128, at most 20 epochs, patience 3.
     */
    public static JointConfig defaults() {
        return new JointConfig(EncoderConfig.defaults(), 1.0, 1.0, 0.0, 1.0, 0.0, false, true, false, ScoringPath.PQ,
                2e-3, 0.0, 0.0, 0.0, 0, 128, 20, 3, 0.1, 42L);
    }

    /** The seed's formulation: MSE onto P_u, the W3/W4 path with BCE, L_DL; scored by C_u. */
    public static JointConfig seedFormulation() {
        return new JointConfig(EncoderConfig.defaults(), 1.0, 0.0, 1.0, 1.0, 1.0, false, false, false, ScoringPath.W4,
                1e-3, 0.0, 0.0, 0.0, 0, 128, 20, 3, 0.1, 42L);
    }

    public JointConfig withEncoder(EncoderConfig v) {
        return new JointConfig(v, wMse, wRank, wItems, wInterest, wDl, freezeEncoder, tuneQ, sourceFolding, scoring,
                learningRate, l2, dropout, neighbourWeight, neighbours, batchSize, maxEpochs, patience, validFraction,
                seed);
    }

    public JointConfig withWeights(double mse, double rank, double items, double interest, double dl) {
        return new JointConfig(encoder, mse, rank, items, interest, dl, freezeEncoder, tuneQ, sourceFolding, scoring,
                learningRate, l2, dropout, neighbourWeight, neighbours, batchSize, maxEpochs, patience, validFraction,
                seed);
    }

    public JointConfig withFreezeEncoder(boolean v) {
        return new JointConfig(encoder, wMse, wRank, wItems, wInterest, wDl, v, tuneQ, sourceFolding, scoring,
                learningRate, l2, dropout, neighbourWeight, neighbours, batchSize, maxEpochs, patience, validFraction,
                seed);
    }

    public JointConfig withTuneQ(boolean v) {
        return new JointConfig(encoder, wMse, wRank, wItems, wInterest, wDl, freezeEncoder, v, sourceFolding, scoring,
                learningRate, l2, dropout, neighbourWeight, neighbours, batchSize, maxEpochs, patience, validFraction,
                seed);
    }

    public JointConfig withScoring(ScoringPath v) {
        return new JointConfig(encoder, wMse, wRank, wItems, wInterest, wDl, freezeEncoder, tuneQ, sourceFolding, v,
                learningRate, l2, dropout, neighbourWeight, neighbours, batchSize, maxEpochs, patience, validFraction,
                seed);
    }

    public JointConfig withSourceFolding(boolean v) {
        return new JointConfig(encoder, wMse, wRank, wItems, wInterest, wDl, freezeEncoder, tuneQ, v, scoring,
                learningRate, l2, dropout, neighbourWeight, neighbours, batchSize, maxEpochs, patience, validFraction,
                seed);
    }

    public JointConfig withRegularization(double l2Penalty, double dropoutRate) {
        return new JointConfig(encoder, wMse, wRank, wItems, wInterest, wDl, freezeEncoder, tuneQ, sourceFolding,
                scoring, learningRate, l2Penalty, dropoutRate, neighbourWeight, neighbours, batchSize, maxEpochs,
                patience, validFraction, seed);
    }

    public JointConfig withNeighbourTeacher(double weight, int k) {
        return new JointConfig(encoder, wMse, wRank, wItems, wInterest, wDl, freezeEncoder, tuneQ, sourceFolding,
                scoring, learningRate, l2, dropout, weight, k, batchSize, maxEpochs, patience, validFraction, seed);
    }

    public JointConfig withTraining(double lr, int batch, int epochs, int pat) {
        return new JointConfig(encoder, wMse, wRank, wItems, wInterest, wDl, freezeEncoder, tuneQ, sourceFolding,
                scoring, lr, l2, dropout, neighbourWeight, neighbours, batch, epochs, pat, validFraction, seed);
    }

    public JointConfig withSeed(long v) {
        return new JointConfig(encoder.withSeed(v), wMse, wRank, wItems, wInterest, wDl, freezeEncoder, tuneQ,
                sourceFolding, scoring, learningRate, l2, dropout, neighbourWeight, neighbours, batchSize, maxEpochs,
                patience, validFraction, v);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    @Override
    public String toString() {
        return "JointConfig{wMse=" + wMse + ", wRank=" + wRank + ", wItems=" + wItems + ", wInterest=" + wInterest
                + ", wDl=" + wDl + ", freezeEncoder=" + freezeEncoder + ", tuneQ=" + tuneQ
                + ", sourceFolding=" + sourceFolding + ", scoring=" + scoring
                + ", lr=" + learningRate + ", l2=" + l2 + ", dropout=" + dropout
                + ", neighbourWeight=" + neighbourWeight
                + ", neighbours=" + (neighbours == SELECT_NEIGHBOURS ? "selected" : neighbours) + ", batch=" + batchSize
                + ", maxEpochs=" + maxEpochs + ", patience="
                + patience + ", seed=" + seed + ", " + encoder + "}";
    }
}

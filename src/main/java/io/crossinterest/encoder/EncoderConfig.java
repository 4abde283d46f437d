package io.crossinterest.encoder;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.io.Serializable;
import java.util.Objects;

/**
 * Hyper-parameters of the CNN encoder (DESIGN §3.3): Embedding(vocabSize, embedDim) →
 * Conv1D(filters, width kernel, ReLU) → MaxPool(pool) → Flatten → Dense(hidden, ReLU) = H_u, over a
 * window of the last {@code seqLen} tokens, and its pre-training (softmax head over the vocabulary,
 * cross-entropy on held-out tokens).
 *
 * <p>{@code maskFraction}: the share of a user's tokens held out of the input each epoch as the
 * pre-training labels (at least one; a user with one token predicts that token from itself).
 */
public final class EncoderConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public final TokenScheme tokens;
    public final int vocabSize;
    public final int seqLen;
    public final int embedDim;
    public final int filters;
    public final int kernel;
    public final int pool;
    public final int hidden;
    public final double learningRate;
    public final int batchSize;
    public final int pretrainEpochs;
    public final double maskFraction;
    public final long seed;

    @JsonCreator
    public EncoderConfig(
            @JsonProperty("tokens") TokenScheme tokens,
            @JsonProperty("vocabSize") int vocabSize,
            @JsonProperty("seqLen") int seqLen,
            @JsonProperty("embedDim") int embedDim,
            @JsonProperty("filters") int filters,
            @JsonProperty("kernel") int kernel,
            @JsonProperty("pool") int pool,
            @JsonProperty("hidden") int hidden,
            @JsonProperty("learningRate") double learningRate,
            @JsonProperty("batchSize") int batchSize,
            @JsonProperty("pretrainEpochs") int pretrainEpochs,
            @JsonProperty("maskFraction") double maskFraction,
            @JsonProperty("seed") long seed) {
        require(vocabSize >= 2, "vocabSize must be >= 2 (token 0 is padding), got " + vocabSize);
        require(
                kernel >= 1 && seqLen >= kernel,
                "seqLen must be >= kernel width, got " + seqLen + " < " + kernel);
        require(
                pool >= 1 && (seqLen - kernel + 1) / pool >= 1,
                "seqLen - kernel + 1 must be >= pool, got seqLen " + seqLen);
        require(embedDim >= 1 && filters >= 1 && hidden >= 1, "layer sizes must be >= 1");
        require(learningRate > 0, "learningRate must be > 0");
        require(batchSize >= 1, "batchSize must be >= 1");
        require(pretrainEpochs >= 0, "pretrainEpochs must be >= 0");
        require(maskFraction >= 0 && maskFraction < 1, "maskFraction must be in [0, 1)");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.vocabSize = vocabSize;
        this.seqLen = seqLen;
        this.embedDim = embedDim;
        this.filters = filters;
        this.kernel = kernel;
        this.pool = pool;
        this.hidden = hidden;
        this.learningRate = learningRate;
        this.batchSize = batchSize;
        this.pretrainEpochs = pretrainEpochs;
        this.maskFraction = maskFraction;
        this.seed = seed;
    }

    /**
     * The seed's architecture: item tokens hashed into 2^15, L = 100, 128-32x5-pool4-128; Adam
     * 1e-3, batch 128.
     */
    public static EncoderConfig defaults() {
        return new EncoderConfig(
                TokenScheme.ITEMS, 1 << 15, 100, 128, 32, 5, 4, 128, 1e-3, 128, 3, 0.2, 42L);
    }

    /** Length of the pooled sequence: floor((L − width + 1) / pool) (no padding, stride = pool). */
    public int pooledLength() {
        return (seqLen - kernel + 1) / pool;
    }

    /** Width of the flattened conv output fed to the dense layer. */
    public int flatSize() {
        return filters * pooledLength();
    }

    public EncoderConfig withTokens(TokenScheme v, int vocab) {
        return new EncoderConfig(
                v,
                vocab,
                seqLen,
                embedDim,
                filters,
                kernel,
                pool,
                hidden,
                learningRate,
                batchSize,
                pretrainEpochs,
                maskFraction,
                seed);
    }

    public EncoderConfig withVocabSize(int v) {
        return withTokens(tokens, v);
    }

    public EncoderConfig withSeqLen(int v) {
        return new EncoderConfig(
                tokens,
                vocabSize,
                v,
                embedDim,
                filters,
                kernel,
                pool,
                hidden,
                learningRate,
                batchSize,
                pretrainEpochs,
                maskFraction,
                seed);
    }

    public EncoderConfig withSizes(int embed, int filt, int hid) {
        return new EncoderConfig(
                tokens,
                vocabSize,
                seqLen,
                embed,
                filt,
                kernel,
                pool,
                hid,
                learningRate,
                batchSize,
                pretrainEpochs,
                maskFraction,
                seed);
    }

    public EncoderConfig withTraining(double lr, int batch, int epochs) {
        return new EncoderConfig(
                tokens,
                vocabSize,
                seqLen,
                embedDim,
                filters,
                kernel,
                pool,
                hidden,
                lr,
                batch,
                epochs,
                maskFraction,
                seed);
    }

    public EncoderConfig withMaskFraction(double v) {
        return new EncoderConfig(
                tokens,
                vocabSize,
                seqLen,
                embedDim,
                filters,
                kernel,
                pool,
                hidden,
                learningRate,
                batchSize,
                pretrainEpochs,
                v,
                seed);
    }

    public EncoderConfig withSeed(long v) {
        return new EncoderConfig(
                tokens,
                vocabSize,
                seqLen,
                embedDim,
                filters,
                kernel,
                pool,
                hidden,
                learningRate,
                batchSize,
                pretrainEpochs,
                maskFraction,
                v);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    @Override
    public String toString() {
        return "EncoderConfig{tokens="
                + tokens
                + ", vocab="
                + vocabSize
                + ", L="
                + seqLen
                + ", "
                + embedDim
                + "-"
                + filters
                + "x"
                + kernel
                + "-pool"
                + pool
                + "-"
                + hidden
                + ", lr="
                + learningRate
                + ", batch="
                + batchSize
                + ", pretrainEpochs="
                + pretrainEpochs
                + ", mask="
                + maskFraction
                + ", seed="
                + seed
                + "}";
    }
}

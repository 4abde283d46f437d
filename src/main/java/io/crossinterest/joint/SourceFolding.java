package io.crossinterest.joint;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.cf.als.ImplicitAls;
import io.crossinterest.data.CrossDomainData;
import io.crossinterest.data.InteractionMatrix;
import io.crossinterest.encoder.SourceTokenizer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The source block's collaborative-filtering reading of a user, computed from the same token
 * sequence the CNN encoder reads: the implicit-ALS fold-in of the user's source tokens against the
 * source block's item factors (from the source block's own ALS, or the source columns of a
 * collective factorisation: {@link CfSpace}, change 11).
 *
 * <p>Token t stands for the source items hashed to it ({@link SourceTokenizer#hashItem}); its
 * factor is their mean ALS item factor, y_t = mean_{i: h(i) = t} Y_i (zero for a token no training
 * item hashes to). A user with token counts r_ut over their last L tokens gets
 *
 * <pre>
 *   s_u = (G + Σ_t (c_ut − 1) y_t y_tᵀ + λ_u I)⁻¹ Σ_t c_ut y_t,   c_ut = 1 + α r_ut,   G = YᵀY over the items
 * </pre>
 *
 * ({@link ImplicitAls#foldIn}): the factor implicit ALS gives a user with exactly those
 * interactions. It needs nothing but the tokens, so a stream job computes it per event from the
 * profile's token history, and a user unseen in training (cold, or new since) gets the same reading
 * as one who was. EMCDR's input is this factor; the joint model feeds it next to the CNN's H_u into
 * W2 (docs/joint-model.md, change 7).
 */
public final class SourceFolding {
    private static final int MAGIC = 0x53524346; // "SRCF"

    private final AlsConfig als;
    private final int vocabSize;
    private final int seqLen;

    /** Token-major [V × k] token factors. */
    private final double[] tokenFactors;

    /** Row-major k × k Gram matrix of the item factors. */
    private final double[] gram;

    private SourceFolding(
            AlsConfig als, int vocabSize, int seqLen, double[] tokenFactors, double[] gram) {
        if (tokenFactors.length != (long) vocabSize * als.rank
                || gram.length != als.rank * als.rank) {
            throw new IllegalArgumentException(
                    "token factors / Gram matrix do not match V=" + vocabSize + ", k=" + als.rank);
        }
        this.als = als;
        this.vocabSize = vocabSize;
        this.seqLen = seqLen;
        this.tokenFactors = tokenFactors;
        this.gram = gram;
    }

    /**
     * From the source block's ALS item factors ({@code source.items()}, indexed like {@code
     * split.sourceItems}), the ALS settings that produced them (λ, α, regularisation, rank) and the
     * encoder's tokenizer.
     */
    public static SourceFolding of(
            CrossDomainData split,
            CfFactors source,
            AlsConfig als,
            SourceTokenizer tokenizer,
            int seqLen) {
        int k = source.rank();
        if (k != als.rank || source.numItems() != split.numSourceItems()) {
            throw new IllegalArgumentException(
                    "source factors: rank "
                            + k
                            + " (ALS "
                            + als.rank
                            + "), "
                            + source.numItems()
                            + " items (source block "
                            + split.numSourceItems()
                            + ")");
        }
        int vocab = tokenizer.vocabSize();
        double[] tokens = tokenFactors(split, source, tokenizer, new int[vocab]);
        return new SourceFolding(
                als, vocab, seqLen, tokens, ImplicitAls.gram(source.items(), source.numItems(), k));
    }

    /**
     * y_t = mean source ALS item factor of the items behind token t, row-major V × k (zero for a
     * token no item is behind), rounded to float precision: a bundle stores it as float, so a
     * loaded bundle folds in exactly as training did. Item tokens: the items hashed to t. Category
     * tokens: the items of that category (an item of several categories counts in each), so a
     * category token reads as its items' mean taste. {@code itemsPerToken[t]} receives the number
     * of items behind token t.
     */
    static double[] tokenFactors(
            CrossDomainData split,
            CfFactors source,
            SourceTokenizer tokenizer,
            int[] itemsPerToken) {
        int k = source.rank();
        int vocab = tokenizer.vocabSize();
        double[] sum = new double[vocab * k];
        double[] y = source.items();
        int[][] itemTokens = tokenizer.sourceItemTokens(split);
        for (int i = 0; i < source.numItems(); i++) {
            for (int t : itemTokens[i]) {
                itemsPerToken[t]++;
                for (int j = 0; j < k; j++) {
                    sum[t * k + j] += y[i * k + j];
                }
            }
        }
        for (int t = 0; t < vocab; t++) {
            for (int j = 0; j < k; j++) {
                int n = itemsPerToken[t];
                sum[t * k + j] = (float) (n > 1 ? sum[t * k + j] / n : sum[t * k + j]);
            }
        }
        return sum;
    }

    public int rank() {
        return als.rank;
    }

    /** s_u of each sequence (its last L tokens, padding ignored), row-major [n × k] as floats. */
    public float[][] foldIn(List<int[]> tokenSeqs) {
        InteractionMatrix.Builder b = new InteractionMatrix.Builder(tokenSeqs.size(), vocabSize);
        for (int r = 0; r < tokenSeqs.size(); r++) {
            int[] s = tokenSeqs.get(r);
            for (int j = Math.max(0, s.length - seqLen); j < s.length; j++) {
                if (s[j] != SourceTokenizer.PAD && s[j] < vocabSize) {
                    b.add(r, s[j], 1.0); // repeated tokens add up: r_ut = count
                }
            }
        }
        double[] x = ImplicitAls.foldIn(b.build(), tokenFactors, gram, als);
        int k = als.rank;
        float[][] out = new float[tokenSeqs.size()][k];
        for (int r = 0; r < out.length; r++) {
            for (int j = 0; j < k; j++) {
                out[r][j] = (float) x[r * k + j];
            }
        }
        return out;
    }

    /**
     * Binary form: magic, V, L, k, λ, α, regularisation, G (k·k doubles), token factors (V·k
     * floats); big-endian.
     */
    void save(Path file) throws IOException {
        try (DataOutputStream out =
                new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(MAGIC);
            out.writeInt(vocabSize);
            out.writeInt(seqLen);
            out.writeInt(als.rank);
            out.writeDouble(als.lambda);
            out.writeDouble(als.alpha);
            out.writeUTF(als.regularization.name());
            for (double g : gram) {
                out.writeDouble(g);
            }
            for (double f : tokenFactors) {
                out.writeFloat((float) f);
            }
        }
    }

    static SourceFolding load(Path file) throws IOException {
        try (DataInputStream in =
                new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not a source-folding file: " + file);
            }
            int v = in.readInt();
            int l = in.readInt();
            int k = in.readInt();
            AlsConfig als =
                    AlsConfig.defaults()
                            .withRank(k)
                            .withLambda(in.readDouble())
                            .withAlpha(in.readDouble())
                            .withRegularization(AlsConfig.Regularization.valueOf(in.readUTF()))
                            .withThreads(1);
            double[] g = new double[k * k];
            for (int i = 0; i < g.length; i++) {
                g[i] = in.readDouble();
            }
            double[] t = new double[v * k];
            for (int i = 0; i < t.length; i++) {
                t[i] = in.readFloat();
            }
            return new SourceFolding(als, v, l, t, g);
        }
    }
}

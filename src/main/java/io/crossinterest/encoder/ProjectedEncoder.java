package io.crossinterest.encoder;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;

/**
 * Inference of the {@link CnnEncoder} (tokens → H_u) with the embedding folded into the
 * convolution: the same function as the DL4J layers, computed with about a hundredth of the
 * arithmetic.
 *
 * <p>The convolution over embedded tokens is a sum over the kernel offsets k of one row per token:
 *
 * <pre>
 *   conv[f, t] = b_f + Σ_k Σ_e E[x_{t+k}, e]·W_k[e, f] = b_f + Σ_k P_k[x_{t+k}, f],   P_k = E·W_k  [V × F]
 * </pre>
 *
 * so with the w tables P_k precomputed (one [V × E]·[E × w·F] product, V·w·F floats: 21 MB at the
 * seed's 2^15 × 5 × 32) a position costs w gathers of F floats instead of E·w·F multiply-adds
 * (128·5·32 = 20,480 at the seed's size). Then, as the graph: ReLU, max-pooling over windows of p
 * (stride p; max(0, max_t conv) = max_t ReLU(conv)), flatten filter-major (index f·T' + j) and H_u
 * = ReLU(W_dᵀ·flat + b_d), skipping the zeros of the flattened ReLU output. Only the order of the
 * float additions differs from DL4J's im2col product, so outputs agree to float rounding.
 *
 * <p>Windows are left-padded (a user with n &lt; L tokens has L − n padding tokens first), and
 * every pool window whose positions read padding only gives the same pooled vector: the dense
 * layer's partial sums over the first j0 such windows are precomputed ({@link #paddedPrefix()}, T'
 * + 1 vectors of D), so a user costs in proportion to their own tokens, not to L.
 *
 * <p>Reads the weights of {@link CnnEncoder#EMBEDDING}, {@link CnnEncoder#CONV} and {@link
 * CnnEncoder#H} once, at construction: later changes to the graph's parameters are not seen.
 * Single-threaded and not thread-safe (scratch buffers): one per Flink subtask, like the graph.
 */
public final class ProjectedEncoder {
    private final int seqLen;
    private final int kernel;
    private final int filters;
    private final int pool;
    private final int pooled;
    private final int hidden;

    /** P[(v·w + k)·F + f] = P_k[v, f]: the w rows of one token lie together. */
    private final float[] projected;

    private final float[] convBias;

    /** W_d row-major [F·T' × D]. */
    private final float[] dense;

    private final float[] denseBias;

    /**
     * b_d + the dense sum over the first j0 all-padding windows, for j0 = 0..T' ({@link
     * #paddedPrefix()}).
     */
    private final float[] paddedPrefix;

    private final float[] conv;
    private final float[] pooledMax;

    private ProjectedEncoder(
            int seqLen,
            int kernel,
            int pool,
            float[] projected,
            float[] convBias,
            float[] dense,
            float[] denseBias) {
        this.seqLen = seqLen;
        this.kernel = kernel;
        this.filters = convBias.length;
        this.pool = pool;
        this.pooled = (seqLen - kernel + 1) / pool;
        this.hidden = denseBias.length;
        this.projected = projected;
        this.convBias = convBias;
        this.dense = dense;
        this.denseBias = denseBias;
        this.conv = new float[filters];
        this.pooledMax = new float[pooled * filters];
        this.paddedPrefix = paddedPrefix();
    }

    /**
     * The encoder of {@code graph} (built by {@link CnnEncoder#addEncoder}) for windows of {@code
     * seqLen} tokens. Throws {@link IllegalArgumentException} when the layers are not the ones this
     * computation assumes (bias-free embedding, stride-1 unpadded ReLU convolution, max-pooling
     * with stride = window, ReLU dense layer).
     */
    public static ProjectedEncoder of(ComputationGraph graph, int seqLen) {
        EmbeddingSequenceLayer emb =
                layer(graph, CnnEncoder.EMBEDDING, EmbeddingSequenceLayer.class);
        Convolution1DLayer cv = layer(graph, CnnEncoder.CONV, Convolution1DLayer.class);
        Subsampling1DLayer pl = layer(graph, CnnEncoder.POOL, Subsampling1DLayer.class);
        DenseLayer dn = layer(graph, CnnEncoder.H, DenseLayer.class);
        int k = cv.getKernelSize()[0];
        int p = pl.getKernelSize()[0];
        require(!emb.hasBias(), "the embedding has a bias");
        require(
                cv.getStride()[0] == 1
                        && cv.getPadding()[0] == 0
                        && cv.getDilation()[0] == 1
                        && cv.getConvolutionMode() == ConvolutionMode.Truncate
                        && cv.hasBias()
                        && cv.getActivationFn() instanceof ActivationReLU,
                "the convolution is not stride 1, unpadded, ReLU");
        require(
                pl.getPoolingType() == PoolingType.MAX
                        && pl.getStride()[0] == p
                        && pl.getPadding()[0] == 0
                        && pl.getConvolutionMode() == ConvolutionMode.Truncate,
                "the pooling is not max with stride = window");
        require(
                dn.hasBias() && dn.getActivationFn() instanceof ActivationReLU,
                "the dense layer is not ReLU");
        require(
                seqLen >= k && (seqLen - k + 1) / p >= 1,
                "window " + seqLen + " too short for the layers");

        INDArray e =
                graph.getLayer(CnnEncoder.EMBEDDING).getParam("W").castTo(DataType.FLOAT); // [V, E]
        INDArray w = graph.getLayer(CnnEncoder.CONV).getParam("W").castTo(DataType.FLOAT);
        long f = w.size(0);
        long embed = w.size(1);
        // getParam reports [F, E, k, 1], but the layer's conv1d reads the C-order buffer as [k, E,
        // F]: W_k[e, f] = buf[(k·E + e)·F + f] (checked against the graph's forward pass in
        // ProjectedEncoderTest). M[e, k·F + f] = W_k[e, f], so (E·M)[v, k·F + f] = P_k[v, f]
        INDArray m =
                Nd4j.create(w.dup('c').data().asFloat(), new long[] {k, embed, f}, 'c')
                        .permute(1, 0, 2)
                        .dup('c')
                        .reshape('c', embed, k * f);
        float[] projected = e.mmul(m).dup('c').data().asFloat();
        float[] convBias =
                graph.getLayer(CnnEncoder.CONV)
                        .getParam("b")
                        .castTo(DataType.FLOAT)
                        .dup('c')
                        .data()
                        .asFloat();
        INDArray dw =
                graph.getLayer(CnnEncoder.H).getParam("W").castTo(DataType.FLOAT); // [F·T', D]
        require(
                dw.size(0) == f * ((seqLen - k + 1) / p),
                "the dense layer reads "
                        + dw.size(0)
                        + " inputs, the "
                        + "pooled convolution gives "
                        + f * ((seqLen - k + 1) / p));
        float[] denseBias =
                graph.getLayer(CnnEncoder.H)
                        .getParam("b")
                        .castTo(DataType.FLOAT)
                        .dup('c')
                        .data()
                        .asFloat();
        return new ProjectedEncoder(
                seqLen, k, p, projected, convBias, dw.dup('c').data().asFloat(), denseBias);
    }

    public int seqLen() {
        return seqLen;
    }

    /**
     * H_u [n × D] of the users' token sequences, each windowed like {@link SourceTokenizer#window}.
     */
    public INDArray encode(List<int[]> tokenSeqs) {
        float[] out = new float[tokenSeqs.size() * hidden];
        int[] window = new int[seqLen];
        for (int r = 0; r < tokenSeqs.size(); r++) {
            SourceTokenizer.window(tokenSeqs.get(r), window);
            encode(window, out, r * hidden);
        }
        return Nd4j.create(out, new long[] {tokenSeqs.size(), hidden}, 'c');
    }

    /** H_u of one window of {@code seqLen} tokens into {@code out[off .. off + D)}. */
    void encode(int[] window, float[] out, int off) {
        int f = filters;
        int wf = kernel * f;
        int j0 = paddedWindows(window);
        // pooled[j·F + c] = max over the pool window j of ReLU(conv[c, t]): start from 0
        Arrays.fill(pooledMax, j0 * f, pooled * f, 0f);
        for (int j = j0; j < pooled; j++) {
            int pj = j * f;
            for (int t = j * pool; t < (j + 1) * pool; t++) {
                System.arraycopy(convBias, 0, conv, 0, f);
                for (int k = 0; k < kernel; k++) {
                    int base = window[t + k] * wf + k * f;
                    for (int c = 0; c < f; c++) {
                        conv[c] += projected[base + c];
                    }
                }
                for (int c = 0; c < f; c++) {
                    if (conv[c] > pooledMax[pj + c]) {
                        pooledMax[pj + c] = conv[c];
                    }
                }
            }
        }
        // H = ReLU(W_dᵀ·flat + b_d), flat[c·T' + j] = pooled[j·F + c], from the padded windows'
        // partial sum
        System.arraycopy(paddedPrefix, j0 * hidden, out, off, hidden);
        denseRows(pooledMax, j0, pooled, out, off);
        for (int h = 0; h < hidden; h++) {
            if (out[off + h] < 0f) {
                out[off + h] = 0f;
            }
        }
    }

    /**
     * out[off ..] += Σ_{j0 ≤ j &lt; j1} Σ_c pooled[j·F + c]·W_d[c·T' + j, ·], in that order; the
     * zeros of the ReLU add nothing and are skipped.
     */
    private void denseRows(float[] pooledValues, int j0, int j1, float[] out, int off) {
        int d = hidden;
        for (int j = j0; j < j1; j++) {
            for (int c = 0; c < filters; c++) {
                float x = pooledValues[j * filters + c];
                if (x == 0f) {
                    continue;
                }
                int row = (c * pooled + j) * d;
                for (int h = 0; h < d; h++) {
                    out[off + h] += x * dense[row + h];
                }
            }
        }
    }

    /**
     * The number of leading pool windows whose every convolution position reads padding only:
     * positions t with t + w − 1 &lt; s0, s0 the first non-padding token, so windows j with (j +
     * 1)·p ≤ s0 − w + 1.
     */
    private int paddedWindows(int[] window) {
        int s0 = 0;
        while (s0 < seqLen && window[s0] == SourceTokenizer.PAD) {
            s0++;
        }
        return Math.max(0, Math.min(pooled, (s0 - kernel + 1) / pool));
    }

    /**
     * For a left-padded window (a user with fewer than L tokens) the leading windows all see the
     * same conv vector: prefix[j0·D ..] is b_d plus the dense sum over the first j0 such windows,
     * computed with the very operations of {@link #encode(int[], float[], int)} in the same order,
     * so starting from it gives the same floats.
     */
    private float[] paddedPrefix() {
        float[] padConv = new float[filters];
        System.arraycopy(convBias, 0, padConv, 0, filters);
        for (int k = 0; k < kernel; k++) {
            int base = SourceTokenizer.PAD * kernel * filters + k * filters;
            for (int c = 0; c < filters; c++) {
                padConv[c] += projected[base + c];
            }
        }
        float[] pooledPad = new float[pooled * filters];
        for (int j = 0; j < pooled; j++) {
            for (int c = 0; c < filters; c++) {
                pooledPad[j * filters + c] = padConv[c] > 0f ? padConv[c] : 0f;
            }
        }
        float[] prefix = new float[(pooled + 1) * hidden];
        System.arraycopy(denseBias, 0, prefix, 0, hidden);
        for (int j = 0; j < pooled; j++) {
            System.arraycopy(prefix, j * hidden, prefix, (j + 1) * hidden, hidden);
            denseRows(pooledPad, j, j + 1, prefix, (j + 1) * hidden);
        }
        return prefix;
    }

    private static <T> T layer(ComputationGraph graph, String name, Class<T> type) {
        if (graph.getVertex(name) == null
                || graph.getLayer(name) == null
                || !type.isInstance(graph.getLayer(name).conf().getLayer())) {
            throw new IllegalArgumentException(
                    "the graph has no " + type.getSimpleName() + " named " + name);
        }
        return type.cast(graph.getLayer(name).conf().getLayer());
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("not the CNN encoder's layers: " + message);
        }
    }
}

package io.crossinterest.encoder;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * One mini-batch of the encoder's self-supervised task: from each user's token sequence, a random
 * share ({@code maskFraction}, at least one token when the user has two or more) is held out of the
 * input and becomes the label, as a distribution y_u (y_{u,t} = count of t among the held-out
 * tokens / their number); the remaining tokens form the input window. A user with a single token
 * keeps it as input and label. The cross-entropy L_DL = −Σ_t y_{u,t} log softmax(W_dl H_u + b_dl)_t
 * then asks H_u to predict behaviour it did not see.
 */
public final class MaskedBatch {
    /** [n, L] input windows. */
    public final INDArray input;

    /** [n, V] label distributions over the vocabulary. */
    public final INDArray labels;

    private MaskedBatch(INDArray input, INDArray labels) {
        this.input = input;
        this.labels = labels;
    }

    /**
     * @param rows users of the batch (indices into {@code tokens})
     * @param rnd draws the held-out positions; the caller seeds it per epoch so that runs repeat
     */
    public static MaskedBatch of(
            int[][] tokens,
            int[] rows,
            int from,
            int to,
            int seqLen,
            int vocab,
            double maskFraction,
            Random rnd) {
        int n = to - from;
        List<int[]> inputs = new ArrayList<>(n);
        float[][] y = new float[n][vocab];
        for (int r = 0; r < n; r++) {
            int[] seq = window(tokens[rows[from + r]], seqLen);
            if (seq.length == 0) {
                inputs.add(seq);
                y[r][SourceTokenizer.PAD] =
                        1f; // no source behaviour: the only honest label is "nothing"
                continue;
            }
            int held =
                    seq.length < 2 ? 0 : Math.max(1, (int) Math.round(maskFraction * seq.length));
            boolean[] out = new boolean[seq.length];
            for (int h = 0; h < held; h++) { // partial Fisher-Yates over positions not yet held out
                int p;
                do {
                    p = rnd.nextInt(seq.length);
                } while (out[p]);
                out[p] = true;
            }
            int[] kept = new int[seq.length - held];
            int k = 0;
            for (int i = 0; i < seq.length; i++) {
                if (out[i]) {
                    y[r][seq[i]] += 1f / held;
                } else {
                    kept[k++] = seq[i];
                }
            }
            if (held == 0) {
                y[r][seq[0]] = 1f;
            }
            inputs.add(kept);
        }
        return new MaskedBatch(SourceTokenizer.window(inputs, seqLen), Nd4j.createFromArray(y));
    }

    /** The last {@code seqLen} tokens (what the window would show). */
    static int[] window(int[] seq, int seqLen) {
        return seq.length <= seqLen
                ? seq
                : Arrays.copyOfRange(seq, seq.length - seqLen, seq.length);
    }
}

package io.crossinterest.joint;

import io.crossinterest.encoder.CnnEncoder;
import io.crossinterest.encoder.EncoderConfig;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * The encoder's pre-training (L_DL on every user's source sequence; source rows are visible for all
 * users). With item tokens and a source CF space, the token embeddings first start from it: the
 * first min(k, E) coordinates of token t's embedding become the mean ALS item factor of the source
 * items hashing to t (the rest keep their random initialisation), so the source block's
 * co-occurrence over every user, cold ones included, reaches the encoder from the start instead of
 * being learnt from a few thousand sequences.
 */
final class EncoderPretraining {
    private static final Logger LOG = LoggerFactory.getLogger(EncoderPretraining.class);

    /**
     * The pre-trained encoder graph and the loss of each pre-training epoch (empty when it was
     * given).
     */
    record Result(ComputationGraph graph, double[] losses) {}

    private EncoderPretraining() {}

    /**
     * A new encoder pre-trained on the users' tokens, or {@code given} as it is (an encoder already
     * pre-trained with this fit's encoder configuration, e.g. the previous model version's).
     */
    static Result run(FitInput in, CfFactors sourceCf, ComputationGraph given) {
        if (given != null) {
            return new Result(given, new double[0]);
        }
        EncoderConfig encoder = in.encoder();
        ComputationGraph pre = CnnEncoder.newPretrainGraph(encoder);
        if (sourceCf != null && in.itemTokens()) {
            initEmbeddings(pre, in, sourceCf);
        }
        double[] losses =
                CnnEncoder.pretrain(
                        pre,
                        in.userTokens(),
                        encoder,
                        e -> LOG.info("joint: encoder pre-training epoch {} done", e + 1));
        LOG.info("joint: encoder pre-training losses {}", Arrays.toString(losses));
        return new Result(pre, losses);
    }

    /**
     * Embedding row of token t ← mean of Q_src over the source items hashed to t (first min(k, E)
     * coordinates).
     */
    private static void initEmbeddings(ComputationGraph g, FitInput in, CfFactors src) {
        INDArray w = g.getLayer(CnnEncoder.EMBEDDING).getParam("W"); // [V, E]
        int dims = (int) Math.min(src.rank(), w.size(1));
        int[] n = new int[in.encoder().vocabSize];
        double[] y = SourceFolding.tokenFactors(in.data(), src, in.tokenizer(), n);
        for (int t = 0; t < n.length; t++) {
            for (int j = 0; j < dims && n[t] > 0; j++) {
                w.putScalar(t, j, y[t * src.rank() + j]);
            }
        }
    }
}

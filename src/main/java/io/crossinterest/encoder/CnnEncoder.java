package io.crossinterest.encoder;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.ReshapeVertex;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The CNN encoder of DESIGN §3.3 as DL4J layers, and its pre-training.
 *
 * <pre>
 *   tokens [n, L] → Embedding(V, E) [n, E, L] → Conv1D(F filters, width w, ReLU) [n, F, L−w+1]
 *     → MaxPool(p, stride p) [n, F, ⌊(L−w+1)/p⌋] → Flatten [n, F·⌊(L−w+1)/p⌋] → Dense(D, ReLU) = H_u [n, D]
 *   pre-training head: softmax(W_dl H_u + b_dl) over the V tokens, cross-entropy L_DL (see {@link MaskedBatch})
 * </pre>
 *
 * The graph runs on whatever ND4J backend is on the classpath (the root pom's {@code nd4j.backend};
 * {@code -Pcuda} swaps in CUDA). A {@link ComputationGraph} is not thread-safe: each Flink subtask
 * loads its own.
 */
public final class CnnEncoder {
    public static final String INPUT = "tokens";
    public static final String EMBEDDING = "emb";
    public static final String CONV = "conv";
    public static final String POOL = "pool";
    public static final String FLAT = "flat";

    /** The vertex whose activations are H_u. */
    public static final String H = "h";

    /** The softmax pre-training head (L_DL). */
    public static final String DL_HEAD = "dl";

    /**
     * Layers holding the encoder's parameters (copied from a pre-trained graph into the joint
     * graph).
     */
    public static final List<String> ENCODER_LAYERS = List.of(EMBEDDING, CONV, H);

    private CnnEncoder() {}

    /**
     * Adds the encoder's vertices after {@link #INPUT} (which the caller declares). {@code updater}
     * null means the graph's default; {@code new Sgd(0.0)} freezes the encoder (DL4J's {@code NoOp}
     * would apply the raw gradient).
     */
    public static ComputationGraphConfiguration.GraphBuilder addEncoder(
            ComputationGraphConfiguration.GraphBuilder b, EncoderConfig c, IUpdater updater) {
        EmbeddingSequenceLayer.Builder emb =
                new EmbeddingSequenceLayer.Builder()
                        .nIn(c.vocabSize)
                        .nOut(c.embedDim)
                        .inputLength(c.seqLen)
                        .outputDataFormat(RNNFormat.NCW)
                        .hasBias(false);
        Convolution1DLayer.Builder conv =
                new Convolution1DLayer.Builder()
                        .kernelSize(c.kernel)
                        .stride(1)
                        .nIn(c.embedDim)
                        .nOut(c.filters)
                        .activation(Activation.RELU)
                        .rnnDataFormat(RNNFormat.NCW);
        DenseLayer.Builder dense =
                new DenseLayer.Builder()
                        .nIn(c.flatSize())
                        .nOut(c.hidden)
                        .activation(Activation.RELU);
        if (updater != null) {
            emb.updater(updater);
            conv.updater(updater);
            dense.updater(updater);
        }
        return b.addLayer(EMBEDDING, emb.build(), INPUT)
                .addLayer(CONV, conv.build(), EMBEDDING)
                .addLayer(
                        POOL,
                        new Subsampling1DLayer.Builder()
                                .poolingType(SubsamplingLayer.PoolingType.MAX)
                                .kernelSize(c.pool)
                                .stride(c.pool)
                                .build(),
                        CONV)
                // [n, F, T'] → [n, F·T'] in C order (filter-major), the Flatten of the seed
                .addVertex(FLAT, new ReshapeVertex('c', new int[] {-1, c.flatSize()}, null), POOL)
                .addLayer(H, dense.build(), FLAT);
    }

    /** The softmax head over the vocabulary for L_DL, reading H. */
    public static OutputLayer dlHead(EncoderConfig c, double weight) {
        return new OutputLayer.Builder()
                .nIn(c.hidden)
                .nOut(c.vocabSize)
                .activation(Activation.SOFTMAX)
                .lossFunction(
                        weight == 1.0
                                ? new LossMCXENT()
                                : new LossMCXENT(weights(c.vocabSize, weight)))
                .build();
    }

    /**
     * A per-output weight vector of constant {@code w}: DL4J's way of scaling one output's loss.
     */
    public static INDArray weights(int n, double w) {
        return Nd4j.valueArrayOf(new long[] {1, n}, w, DataType.FLOAT);
    }

    /** Encoder + softmax head, seeded, Adam(learningRate), Xavier init. */
    public static ComputationGraph newPretrainGraph(EncoderConfig c) {
        ComputationGraphConfiguration.GraphBuilder b =
                new NeuralNetConfiguration.Builder()
                        .seed(c.seed)
                        .dataType(DataType.FLOAT)
                        .updater(new Adam(c.learningRate))
                        .weightInit(WeightInit.XAVIER)
                        .graphBuilder()
                        .addInputs(INPUT);
        addEncoder(b, c, null).addLayer(DL_HEAD, dlHead(c, 1.0), H).setOutputs(DL_HEAD);
        ComputationGraph g = new ComputationGraph(b.build());
        g.init();
        return g;
    }

    /**
     * Pre-trains {@code graph} (from {@link #newPretrainGraph}) for {@code config.pretrainEpochs}
     * epochs on the users' token sequences; returns the mean training loss of each epoch.
     * Deterministic for a seed.
     */
    public static double[] pretrain(
            ComputationGraph graph, int[][] userTokens, EncoderConfig config, IntConsumer onEpoch) {
        int[] rows =
                IntStream.range(0, userTokens.length)
                        .filter(u -> userTokens[u].length > 0)
                        .toArray();
        double[] losses = new double[config.pretrainEpochs];
        for (int epoch = 0; epoch < config.pretrainEpochs; epoch++) {
            Random rnd = new Random(config.seed * 31 + epoch);
            shuffle(rows, rnd);
            double sum = 0;
            int batches = 0;
            for (int from = 0; from < rows.length; from += config.batchSize) {
                int to = Math.min(rows.length, from + config.batchSize);
                MaskedBatch mb =
                        MaskedBatch.of(
                                userTokens,
                                rows,
                                from,
                                to,
                                config.seqLen,
                                config.vocabSize,
                                config.maskFraction,
                                rnd);
                graph.fit(new MultiDataSet(mb.input, mb.labels));
                sum += graph.score();
                batches++;
            }
            losses[epoch] = batches == 0 ? Double.NaN : sum / batches;
            if (onEpoch != null) {
                onEpoch.accept(epoch);
            }
        }
        return losses;
    }

    /**
     * Mean L_DL of {@code graph} (with its {@link #DL_HEAD} as only output) on fixed masked
     * batches.
     */
    public static double loss(
            ComputationGraph graph,
            int[][] userTokens,
            int[] rows,
            EncoderConfig config,
            long seed) {
        Random rnd = new Random(seed);
        double sum = 0;
        int n = 0;
        for (int from = 0; from < rows.length; from += config.batchSize) {
            int to = Math.min(rows.length, from + config.batchSize);
            MaskedBatch mb =
                    MaskedBatch.of(
                            userTokens,
                            rows,
                            from,
                            to,
                            config.seqLen,
                            config.vocabSize,
                            config.maskFraction,
                            rnd);
            sum += graph.score(new MultiDataSet(mb.input, mb.labels), false) * (to - from);
            n += to - from;
        }
        return sum / n;
    }

    /**
     * H_u for a batch of windows [n, L] → [n, D] (inference: no dropout, nothing kept for
     * backprop).
     */
    public static INDArray encode(ComputationGraph graph, INDArray windows) {
        return forwardUntil(graph, windows, H).get(H).detach();
    }

    /**
     * Activations of the named vertices and of everything before them in topological order, without
     * running the vertices after them (the heads: a softmax over the vocabulary or the target items
     * costs far more than H_u).
     */
    public static Map<String, INDArray> forwardUntil(
            ComputationGraph graph, INDArray windows, String... vertices) {
        return forwardUntil(graph, new INDArray[] {windows}, vertices);
    }

    /**
     * {@link #forwardUntil(ComputationGraph, INDArray, String...)} for a graph with several inputs.
     */
    public static Map<String, INDArray> forwardUntil(
            ComputationGraph graph, INDArray[] inputs, String... vertices) {
        // DL4J counts the stop point in its layer array (vertices such as the reshape are not
        // layers)
        List<Layer> layers = Arrays.asList(graph.getLayers());
        int until = 0;
        for (String v : vertices) {
            until = Math.max(until, layers.indexOf(graph.getLayer(v)));
        }
        return graph.feedForward(inputs, until, false);
    }

    /**
     * Copies the parameters of the named layers from {@code from} into {@code to} (same shapes).
     */
    public static void copyParams(ComputationGraph from, ComputationGraph to, List<String> layers) {
        for (String name : layers) {
            Layer src = from.getLayer(name);
            Layer dst = to.getLayer(name);
            if (src.numParams() != dst.numParams()) {
                throw new IllegalArgumentException(
                        "layer "
                                + name
                                + " has "
                                + src.numParams()
                                + " parameters in the "
                                + "source graph and "
                                + dst.numParams()
                                + " in the target graph");
            }
            dst.setParams(src.params().dup());
        }
    }

    /**
     * All layers of the encoder and the head, for callers that copy a whole pre-trained encoder.
     */
    public static List<String> encoderAndHead() {
        List<String> l = new ArrayList<>(ENCODER_LAYERS);
        l.add(DL_HEAD);
        return l;
    }

    static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}

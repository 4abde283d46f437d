package io.crossinterest.joint;

import io.crossinterest.encoder.CnnEncoder;
import io.crossinterest.encoder.EncoderConfig;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.util.ArrayList;
import java.util.List;

/**
 * The joint transfer network of DESIGN §3.4 as one DL4J graph on top of the {@link CnnEncoder}:
 *
 * <pre>
 *   H_u ──W2,b2──▶ P̂_u  (vertex "phat", k = CF rank)
 *     or, with sourceFolding, [H_u ; s_u] ──W2,b2──▶ P̂_u, s_u the source block's CF reading (input "source_cf",
 *     {@link SourceFolding}) merged with H_u (vertex "h_source")
 *   P̂_u ─▶ "cf":       MSE against P_u                                  [wMse]
 *   P̂_u ─▶ "rank":     softmax_v(P̂_u·Q_v + b_v), cross-entropy           [wRank; W = Qᵀ, fixed or tuned]
 *   P̂_u ──W3,b3──▶ I_u ("interest", K target categories)
 *   I_u ─▶ "interest_out": softmax over K, cross-entropy                 [wInterest, K &gt; 1]
 *   I_u ──W4,b4──▶ C_u = σ(·) over target items ("items"), binary cross-entropy [wItems]
 *   H_u ─▶ "dl":       the encoder's softmax head, L_DL                  [wDl]
 * </pre>
 *
 * Heads with weight 0 are left out of the graph. Loss weights are DL4J per-output weight vectors of
 * a constant.
 */
public final class JointNetwork {
    public static final String PHAT = "phat";
    public static final String SOURCE_CF = "source_cf";
    public static final String H_SOURCE = "h_source";
    public static final String CF = "cf";
    public static final String RANK = "rank";
    public static final String INTEREST = "interest";
    public static final String INTEREST_OUT = "interest_out";
    public static final String ITEMS = "items";

    public final ComputationGraph graph;

    /** The graph's outputs in order (labels of a batch come in this order). */
    public final List<String> outputs;

    private JointNetwork(ComputationGraph graph, List<String> outputs) {
        this.graph = graph;
        this.outputs = outputs;
    }

    public static boolean hasInterest(JointParams c, int numCategories) {
        return c.wItems > 0 || (c.wInterest > 0 && numCategories > 1);
    }

    /**
     * A freshly initialised network (seeded); the caller copies the pre-trained encoder in. {@code
     * sourceRank}: the length of s_u when {@code c.sourceFolding} (ignored otherwise).
     */
    public static JointNetwork build(
            JointParams c,
            EncoderConfig ec,
            int rank,
            int numCategories,
            int numItems,
            int sourceRank) {
        ComputationGraphConfiguration.GraphBuilder b =
                new NeuralNetConfiguration.Builder()
                        .seed(c.seed)
                        .dataType(DataType.FLOAT)
                        .updater(new Adam(c.learningRate))
                        .weightInit(WeightInit.XAVIER)
                        .graphBuilder();
        if (c.sourceFolding) {
            b.addInputs(CnnEncoder.INPUT, SOURCE_CF);
        } else {
            b.addInputs(CnnEncoder.INPUT);
        }
        CnnEncoder.addEncoder(b, ec, c.freezeEncoder ? frozen() : null);
        if (c.sourceFolding) {
            // P̂_u = W2·[H_u ; s_u] + b2
            b.addVertex(H_SOURCE, new MergeVertex(), CnnEncoder.H, SOURCE_CF);
            b.addLayer(PHAT, w2(c).nIn(ec.hidden + sourceRank).nOut(rank).build(), H_SOURCE);
        } else {
            // P̂_u = W2·H_u + b2
            b.addLayer(PHAT, w2(c).nIn(ec.hidden).nOut(rank).build(), CnnEncoder.H);
        }
        List<String> outputs = new ArrayList<>();
        if (c.wMse > 0) {
            b.addLayer(
                    CF,
                    new LossLayer.Builder()
                            .activation(Activation.IDENTITY)
                            .lossFunction(new LossMSE(CnnEncoder.weights(rank, c.wMse)))
                            .build(),
                    PHAT);
            outputs.add(CF);
        }
        if (c.wRank > 0) {
            b.addLayer(
                    RANK,
                    new OutputLayer.Builder()
                            .nIn(rank)
                            .nOut(numItems)
                            .hasBias(c.tuneQ)
                            .l2(c.tuneQ ? c.l2 : 0)
                            .updater(c.tuneQ ? new Adam(c.learningRate) : frozen())
                            .activation(Activation.SOFTMAX)
                            .lossFunction(new LossMCXENT(CnnEncoder.weights(numItems, c.wRank)))
                            .build(),
                    PHAT);
            outputs.add(RANK);
        }
        if (hasInterest(c, numCategories)) {
            b.addLayer(
                    INTEREST,
                    new DenseLayer.Builder()
                            .nIn(rank)
                            .nOut(numCategories)
                            .activation(Activation.IDENTITY)
                            .build(),
                    PHAT);
            if (c.wInterest > 0 && numCategories > 1) {
                b.addLayer(
                        INTEREST_OUT,
                        new LossLayer.Builder()
                                .activation(Activation.SOFTMAX)
                                .lossFunction(
                                        new LossMCXENT(
                                                CnnEncoder.weights(numCategories, c.wInterest)))
                                .build(),
                        INTEREST);
                outputs.add(INTEREST_OUT);
            }
            if (c.wItems > 0) {
                b.addLayer(
                        ITEMS,
                        new OutputLayer.Builder()
                                .nIn(numCategories)
                                .nOut(numItems)
                                .activation(Activation.SIGMOID)
                                .lossFunction(
                                        new LossBinaryXENT(CnnEncoder.weights(numItems, c.wItems)))
                                .build(),
                        INTEREST);
                outputs.add(ITEMS);
            }
        }
        if (c.wDl > 0) {
            OutputLayer.Builder dl =
                    new OutputLayer.Builder()
                            .nIn(ec.hidden)
                            .nOut(ec.vocabSize)
                            .activation(Activation.SOFTMAX)
                            .lossFunction(new LossMCXENT(CnnEncoder.weights(ec.vocabSize, c.wDl)));
            if (c.freezeEncoder) {
                dl.updater(frozen());
            }
            b.addLayer(CnnEncoder.DL_HEAD, dl.build(), CnnEncoder.H);
            outputs.add(CnnEncoder.DL_HEAD);
        }
        b.setOutputs(outputs.toArray(String[]::new));
        ComputationGraph g = new ComputationGraph(b.build());
        g.init();
        return new JointNetwork(g, List.copyOf(outputs));
    }

    /**
     * The W2 layer: identity activation; dropout on its input and an L2 penalty on W2 when
     * configured.
     */
    private static DenseLayer.Builder w2(JointParams c) {
        DenseLayer.Builder d = new DenseLayer.Builder().activation(Activation.IDENTITY).l2(c.l2);
        if (c.dropout > 0) {
            d.dropOut(1.0 - c.dropout); // DL4J takes the probability of keeping a unit
        }
        return d;
    }

    /**
     * Sets the ranking head's weights to Qᵀ ([k, numItems]) and its bias (when Q is tuned) to b_v =
     * log(1 + n_v), n_v the item's training count: with P̂_u = 0 the head's softmax is then the
     * popularity distribution (the best user-independent answer), and training only has to learn
     * the personal part P̂_u·Q_v. Without the bias Q is fixed and the scores are the pure CF
     * reading P̂_u·Q_v.
     */
    public void initRankHead(CfFactors cf, double[] itemCounts) {
        if (!outputs.contains(RANK)) {
            return;
        }
        INDArray q =
                Nd4j.createFromArray(toFloat(cf.items())).reshape('c', cf.numItems(), cf.rank());
        graph.getLayer(RANK).setParam("W", q.transpose().dup('f'));
        if (graph.getLayer(RANK).paramTable().containsKey("b")) {
            float[] b = new float[cf.numItems()];
            for (int v = 0; v < b.length; v++) {
                b[v] = (float) Math.log1p(itemCounts[v]);
            }
            graph.getLayer(RANK).setParam("b", Nd4j.createFromArray(b).reshape(1, b.length));
        }
    }

    /**
     * An updater that leaves parameters unchanged: SGD with learning rate 0. (DL4J's NoOp updater
     * is not that: it passes the raw gradient through, i.e. plain SGD with rate 1.)
     */
    static Sgd frozen() {
        return new Sgd(0.0);
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}

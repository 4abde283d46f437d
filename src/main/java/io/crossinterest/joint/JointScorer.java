package io.crossinterest.joint;

import io.crossinterest.encoder.CnnEncoder;
import io.crossinterest.encoder.ProjectedEncoder;
import io.crossinterest.encoder.SourceTokenizer;
import io.crossinterest.neighbours.ItemSetNeighbours;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Inference of a trained joint model: token windows → H_u by the {@link ProjectedEncoder} (the
 * graph's encoder with the embedding folded into the convolution: the same function, a hundredth of
 * the arithmetic), then the graph's own layers H_u (with s_u) → P̂_u → I_u, then target-item scores
 * by the configured {@link ScoringPath}, blended with the wide path when there is one. Immutable:
 * the scorer of a {@link JointModel}, fitted or loaded from a {@link JointBundle} in a stream job,
 * so both give identical numbers.
 *
 * <p>The encoder's weights are read at construction: a scorer sees the graph's parameters of that
 * moment. Not thread-safe (the encoder's scratch buffers, the DL4J layers' inputs): one instance
 * per Flink subtask, created in {@code open()}.
 */
public final class JointScorer {
    private final ComputationGraph graph;
    private final ProjectedEncoder encoder;
    private final int seqLen;
    private final ScoringPath path;
    private final int rank;
    private final int numItems;
    private final int numCategories;

    /** Item-major [numItems × rank]: the ranking head's Q (tuned) or the ALS Q. */
    private final float[] q;

    /**
     * The same Q rank-major [rank × numItems], what {@link #itemScores(float[], float[], double[])}
     * reads: one pass per factor over contiguous items, which the JIT vectorises.
     */
    private final double[] qByRank;

    /** Item bias of the ranking head, or null (fixed Q has none). */
    private final float[] bias;

    /** Item-major [numItems × K] W4 and b4 of the seed's path, or null. */
    private final float[] w4;

    private final float[] b4;

    /**
     * The source block's CF reading s_u fed next to H_u, or null when the network has no such
     * input.
     */
    private final SourceFolding folding;

    /**
     * The wide path (item-set neighbours of the source tokens), its K and its weight γ; null: the
     * deep path alone.
     */
    private final ItemSetNeighbours wide;

    private final int wideK;
    private final double wideWeight;

    /**
     * The wide path's working space, made at its first use and reused for every user this scorer
     * scores (the scorer is not thread-safe): w_u over the items and the neighbour search's counts
     * over the warm users, which would otherwise be allocated per scored user.
     */
    private double[] wideScores;

    private ItemSetNeighbours.Scratch wideScratch;

    /**
     * A P̂_u row and, when the graph has the interest layer, an I_u row for each user of a batch.
     */
    public record Encoded(float[][] phat, float[][] interest) {}

    /** Items per block of the batched PQ kernel ({@link #pqScores}). */
    private static final int ITEM_BLOCK = 1024;

    JointScorer(
            ComputationGraph graph,
            int seqLen,
            ScoringPath path,
            int numCategories,
            CfFactors cf,
            SourceFolding folding) {
        if ((folding != null) != (graph.getConfiguration().getNetworkInputs().size() == 2)) {
            throw new IllegalArgumentException(
                    "the network's inputs "
                            + graph.getConfiguration().getNetworkInputs()
                            + " do not match "
                            + (folding == null ? "no" : "a")
                            + " source folding");
        }
        this.graph = graph;
        this.encoder = ProjectedEncoder.of(graph, seqLen);
        this.folding = folding;
        this.seqLen = seqLen;
        this.path = path;
        this.numCategories = numCategories;
        Map<String, INDArray> rankParams =
                graph.getVertex(JointNetwork.RANK) == null
                        ? null
                        : graph.getLayer(JointNetwork.RANK).paramTable();
        if (rankParams != null) {
            INDArray w = rankParams.get("W"); // [k, I]
            this.rank = (int) w.size(0);
            this.numItems = (int) w.size(1);
            this.q = w.transpose().dup('c').data().asFloat();
            this.bias =
                    rankParams.containsKey("b")
                            ? rankParams.get("b").dup('c').data().asFloat()
                            : null;
        } else {
            this.rank = cf.rank();
            this.numItems = cf.numItems();
            this.q = JointNetwork.toFloat(cf.items());
            this.bias = null;
        }
        if (graph.getVertex(JointNetwork.ITEMS) != null) {
            Map<String, INDArray> p = graph.getLayer(JointNetwork.ITEMS).paramTable();
            this.w4 = p.get("W").transpose().dup('c').data().asFloat(); // W [K, I] → item-major
            this.b4 = p.get("b").dup('c').data().asFloat();
        } else {
            this.w4 = null;
            this.b4 = null;
        }
        if (path == ScoringPath.W4 && w4 == null) {
            throw new IllegalArgumentException("scoring path W4 but the network has no W4 head");
        }
        this.qByRank = new double[q.length];
        for (int v = 0; v < numItems; v++) {
            for (int j = 0; j < rank; j++) {
                qByRank[j * numItems + v] = q[v * rank + j];
            }
        }
        this.wide = null;
        this.wideK = 0;
        this.wideWeight = 0;
    }

    /** {@code deep}'s network and heads with a wide path ({@link #withWidePath}). */
    private JointScorer(JointScorer deep, ItemSetNeighbours wide, int wideK, double wideWeight) {
        this.graph = deep.graph;
        this.encoder = deep.encoder;
        this.seqLen = deep.seqLen;
        this.path = deep.path;
        this.rank = deep.rank;
        this.numItems = deep.numItems;
        this.numCategories = deep.numCategories;
        this.q = deep.q;
        this.qByRank = deep.qByRank;
        this.bias = deep.bias;
        this.w4 = deep.w4;
        this.b4 = deep.b4;
        this.folding = deep.folding;
        this.wide = wide;
        this.wideK = wideK;
        this.wideWeight = wideWeight;
    }

    public ComputationGraph graph() {
        return graph;
    }

    public int seqLen() {
        return seqLen;
    }

    public ScoringPath path() {
        return path;
    }

    public int rank() {
        return rank;
    }

    public int numItems() {
        return numItems;
    }

    public int numCategories() {
        return numCategories;
    }

    boolean hasInterest() {
        return graph.getVertex(JointNetwork.INTEREST) != null;
    }

    /** The item-major factor matrix the scorer ranks with (for saving). */
    float[] itemFactors() {
        return q;
    }

    SourceFolding folding() {
        return folding;
    }

    /**
     * The network's inputs for a batch: the token windows and, with source folding, s_u of each
     * sequence.
     */
    INDArray[] inputs(List<int[]> tokenSeqs) {
        INDArray x = SourceTokenizer.window(tokenSeqs, seqLen);
        return folding == null
                ? new INDArray[] {x}
                : new INDArray[] {x, Nd4j.createFromArray(folding.foldIn(tokenSeqs))};
    }

    /**
     * {@link #encode} over many users, in batches of 256 (the same rows whatever the number of
     * users).
     */
    public Encoded encodeAll(int[][] tokens) {
        int batch = 256;
        float[][] phat = new float[tokens.length][];
        float[][] interest = null;
        for (int from = 0; from < tokens.length; from += batch) {
            int to = Math.min(tokens.length, from + batch);
            Encoded e = encode(Arrays.asList(Arrays.copyOfRange(tokens, from, to)));
            System.arraycopy(e.phat(), 0, phat, from, to - from);
            if (e.interest() != null) {
                if (interest == null) {
                    interest = new float[tokens.length][];
                }
                System.arraycopy(e.interest(), 0, interest, from, to - from);
            }
        }
        return new Encoded(phat, interest);
    }

    /**
     * One forward pass over the users' token sequences (each windowed to the last L tokens): H_u by
     * the projected encoder, then the graph's {@link JointNetwork#PHAT} layer on H_u (or on [H_u ;
     * s_u], the graph's merge vertex) and its {@link JointNetwork#INTEREST} layer on P̂_u, in
     * inference mode (no dropout).
     */
    public Encoded encode(List<int[]> tokenSeqs) {
        if (tokenSeqs.isEmpty()) {
            return new Encoded(new float[0][], hasInterest() ? new float[0][] : null);
        }
        INDArray h = encoder.encode(tokenSeqs);
        INDArray in =
                folding == null
                        ? h
                        : Nd4j.hstack(h, Nd4j.createFromArray(folding.foldIn(tokenSeqs)));
        LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
        INDArray phat = graph.getLayer(JointNetwork.PHAT).activate(in, false, noWorkspaces);
        float[][] interest =
                hasInterest()
                        ? graph.getLayer(JointNetwork.INTEREST)
                                .activate(phat, false, noWorkspaces)
                                .toFloatMatrix()
                        : null;
        return new Encoded(phat.toFloatMatrix(), interest);
    }

    /**
     * {@link #encode} by the DL4J graph's own forward pass (the reference the projected encoder is
     * checked against).
     */
    Encoded encodeByGraph(List<int[]> tokenSeqs) {
        INDArray[] x = inputs(tokenSeqs);
        Map<String, INDArray> acts =
                hasInterest()
                        ? CnnEncoder.forwardUntil(
                                graph, x, JointNetwork.PHAT, JointNetwork.INTEREST)
                        : CnnEncoder.forwardUntil(graph, x, JointNetwork.PHAT);
        float[][] interest = hasInterest() ? acts.get(JointNetwork.INTEREST).toFloatMatrix() : null;
        return new Encoded(acts.get(JointNetwork.PHAT).toFloatMatrix(), interest);
    }

    /**
     * This scorer with the wide path blended into {@link #itemScores(int[], float[], float[],
     * double[])} with weight {@code weight} over {@code k} neighbours (the network is shared);
     * {@code index} null or weight 0: the deep path alone.
     */
    JointScorer withWidePath(ItemSetNeighbours index, int k, double weight) {
        if (!(weight >= 0 && weight < 1)) {
            throw new IllegalArgumentException("wide-path weight must be in [0, 1), got " + weight);
        }
        if (index != null && index.numItems() != numItems) {
            throw new IllegalArgumentException(
                    "wide path over "
                            + index.numItems()
                            + " target items, the scorer has "
                            + numItems);
        }
        ItemSetNeighbours kept = weight == 0 ? null : index;
        return new JointScorer(this, kept, kept == null ? 0 : k, kept == null ? 0 : weight);
    }

    /** The wide path's index, or null when the scorer is the deep path alone. */
    ItemSetNeighbours widePath() {
        return wide;
    }

    int wideK() {
        return wideK;
    }

    /** γ, the wide path's weight (0: the deep path alone). */
    public double wideWeight() {
        return wideWeight;
    }

    /**
     * Target-item scores of one user with source tokens {@code tokens}: the deep path's {@link
     * #itemScores(float[], float[], double[])}, and with a wide path of weight γ &gt; 0
     *
     * <pre>
     *   s_v = (1 − γ)·d_v + γ·w_u(v),   d = softmax(deep scores) (PQ) or the deep scores over their sum (W4)
     * </pre>
     *
     * w_u the item-set neighbours' distribution ({@link ItemSetNeighbours}); a user who shares no
     * token with a warm user keeps the deep scores.
     */
    public void itemScores(int[] tokens, float[] phat, float[] interest, double[] out) {
        itemScores(phat, interest, out);
        blendWidePath(tokens, out);
    }

    /**
     * {@link #itemScores(int[], float[], float[], double[])} of a batch: {@code out[r]} gets the
     * scores of user r of {@code enc} (the same numbers), for r below {@code tokens.size()}. The PQ
     * path reads Q once per batch instead of once per user ({@link #pqScores}).
     */
    public void itemScores(List<int[]> tokens, Encoded enc, double[][] out) {
        int users = tokens.size();
        if (path == ScoringPath.PQ) {
            pqScores(enc.phat(), out, users);
        } else {
            for (int r = 0; r < users; r++) {
                itemScores(enc.phat()[r], enc.interest()[r], out[r]);
            }
        }
        for (int r = 0; r < users; r++) {
            blendWidePath(tokens.get(r), out[r]);
        }
    }

    /** With a wide path: blends it into a user's deep scores {@code out} (see above). */
    private void blendWidePath(int[] tokens, double[] out) {
        if (wide == null) {
            return;
        }
        if (wideScores == null) {
            wideScores = new double[numItems];
            wideScratch = wide.newScratch();
        }
        double[] w = wideScores;
        if (!wide.distribution(tokens, wideK, w, wideScratch)) {
            return;
        }
        if (path == ScoringPath.PQ) { // softmax of the logits
            softmaxInPlace(out);
        } else { // σ outputs, normalised
            double z = 0;
            for (double x : out) {
                z += x;
            }
            for (int v = 0; v < numItems; v++) {
                out[v] /= z;
            }
        }
        for (int v = 0; v < numItems; v++) {
            out[v] = (1 - wideWeight) * out[v] + wideWeight * w[v];
        }
    }

    /**
     * Target-item scores of the deep path alone. PQ: s_v = P̂_u·Q_v + b_v. W4: s_v = σ(W4_v·I_u +
     * b4_v).
     *
     * <p>PQ runs factor by factor over all items (s ← b; s_v += P̂_uj·Q_vj for j = 1..k): each
     * item's sum takes the same terms in the same order as a dot product per item, so the scores
     * are the same to the bit, and the inner loop over contiguous items is vectorised (a few times
     * faster than one dot product of k per item, which is most of a stream scoring's time).
     */
    public void itemScores(float[] phat, float[] interest, double[] out) {
        if (path == ScoringPath.PQ) {
            pqScores(new float[][] {phat}, new double[][] {out}, 1);
        } else {
            for (int v = 0; v < numItems; v++) {
                double z = b4[v];
                int off = v * numCategories;
                for (int c = 0; c < numCategories; c++) {
                    z += (double) interest[c] * w4[off + c];
                }
                out[v] = 1.0 / (1.0 + Math.exp(-z));
            }
        }
    }

    /**
     * PQ scores of the first {@code users} rows of {@code phat} into {@code out}, by blocks of
     * {@link #ITEM_BLOCK} items: a block's slice of Q (k × 1024 floats, 128 KB at k = 32) stays in
     * cache while every user is scored on it, so Q (1.7 MB for 13,655 items) is read from memory
     * once per batch; one user at a time read all of it per user and was bound by memory.
     */
    private void pqScores(float[][] phat, double[][] out, int users) {
        for (int from = 0; from < numItems; from += ITEM_BLOCK) {
            int to = Math.min(numItems, from + ITEM_BLOCK);
            for (int r = 0; r < users; r++) {
                double[] o = out[r];
                float[] p = phat[r];
                for (int v = from; v < to; v++) {
                    o[v] = bias == null ? 0.0 : bias[v];
                }
                int j = 0;
                // four factors per pass: the terms still go in one at a time, in order, but o[v]
                // is loaded and stored once per four of them
                for (; j + 4 <= rank; j += 4) {
                    double p0 = p[j];
                    double p1 = p[j + 1];
                    double p2 = p[j + 2];
                    double p3 = p[j + 3];
                    int o0 = j * numItems;
                    int o1 = o0 + numItems;
                    int o2 = o1 + numItems;
                    int o3 = o2 + numItems;
                    for (int v = from; v < to; v++) {
                        double x = o[v];
                        x += p0 * qByRank[o0 + v];
                        x += p1 * qByRank[o1 + v];
                        x += p2 * qByRank[o2 + v];
                        x += p3 * qByRank[o3 + v];
                        o[v] = x;
                    }
                }
                for (; j < rank; j++) {
                    double pj = p[j];
                    int off = j * numItems;
                    for (int v = from; v < to; v++) {
                        o[v] += pj * qByRank[off + v];
                    }
                }
            }
        }
    }

    /** Interest over the K target categories: softmax(I_u), or null without the interest layer. */
    public static double[] interestDistribution(float[] interest) {
        if (interest == null) {
            return null;
        }
        double[] p = new double[interest.length];
        for (int c = 0; c < p.length; c++) {
            p[c] = interest[c];
        }
        softmaxInPlace(p);
        return p;
    }

    /** x ← softmax(x) = exp(x − max x) / Σ exp(x − max x). */
    private static void softmaxInPlace(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double z = 0;
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.exp(x[i] - max);
            z += x[i];
        }
        for (int i = 0; i < x.length; i++) {
            x[i] /= z;
        }
    }

    /** H_u of the underlying encoder (for the encoder-only stream stage). */
    public INDArray encodeHidden(List<int[]> tokenSeqs) {
        return encoder.encode(tokenSeqs);
    }
}

package io.crossinterest.baselines;

import io.crossinterest.cf.als.AlsResult;
import io.crossinterest.cf.als.Factors;
import io.crossinterest.data.InteractionMatrix;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.ModelSettings;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * A PTUPCDR-style personalised bridge (Zhu et al. 2022, "Personalized Transfer of User Preferences
 * for Cross-domain Recommendation"): instead of one map shared by all users (EMCDR), a meta network
 * turns each user's source items into that user's own linear map.
 *
 * <p>With the source and target factorisations of {@link Factorizations} (user factors P^s, P^t,
 * item factors Q^s, Q^t, rank k), for user u with source items j ∈ S_u (at most {@value
 * #MAX_ITEMS}, the strongest r_uj first):
 *
 * <pre>
 *   e_j   = w₂ · relu(W₁ q^s_j + b₁)                   attention logit of item j (characteristic encoder)
 *   a_j   = softmax_{j ∈ S_u}(e_j)                      (padding masked out)
 *   h_u   = Σ_j a_j q^s_j                               the user's transferable characteristic
 *   M_u   = reshape_{k×k}(V₂ relu(V₁ h_u + c₁) + c₂)    the meta network's personalised bridge
 *   P̂^t_u = M_u P^s_u
 * </pre>
 *
 * trained (SameDiff, Adam) on the warm users active in both blocks against their target factors,
 * loss mean ‖P̂^t_u − P^t_u‖² (the mapping-oriented objective; the paper's task-oriented one
 * regresses ratings, which implicit data does not have). c₂ starts at the flattened identity, so
 * training starts from M_u = I. A cold user is scored by P̂^t_u · Q^t_i. Selected on the validation
 * cold users: the epoch (early stopping on full-ranking NDCG@10, patience {@value
 * FactorBridge#PATIENCE}); the best epoch's mapped factors are kept.
 */
public final class Ptupcdr extends FactorBridge {
    public static final String NAME = "ptupcdr";
    static final int MAX_ITEMS = 32;
    static final int HIDDEN = 64;

    public Ptupcdr(ModelSettings settings) {
        super(settings);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected void learn(CrossDomainSplit split, AlsResult source, int[] train) {
        int k = settings.rank;
        int[] sourceUsers = BridgeData.usersWithSource(split);
        Inputs all = inputs(split.source, source, sourceUsers, k);
        Map<Integer, Integer> rowOf = new HashMap<>();
        for (int r = 0; r < sourceUsers.length; r++) {
            rowOf.put(sourceUsers[r], r);
        }
        int[] trainRows = IntStream.of(train).map(rowOf::get).toArray();
        INDArray labels = BridgeData.rows(target.users, sourceUsers);

        SameDiff sd = graph(k, new Random(settings.seed));
        sd.setTrainingConfig(
                TrainingConfig.builder()
                        .updater(new Adam(LEARNING_RATE))
                        .dataSetFeatureMapping("items", "mask", "us")
                        .dataSetLabelMapping("ut")
                        .build());
        Random shuffle = new Random(settings.seed);
        for (int epoch = 1; keepTraining(epoch); epoch++) {
            int[] order = trainRows.clone();
            for (int i = order.length - 1; i > 0; i--) {
                int j = shuffle.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int from = 0; from < order.length; from += BATCH) {
                int[] idx = Arrays.copyOfRange(order, from, Math.min(order.length, from + BATCH));
                sd.fit(
                        new MultiDataSet(
                                new INDArray[] {
                                    rows(all.items, idx), rows(all.mask, idx), rows(all.us, idx)
                                },
                                new INDArray[] {rows(labels, idx)}));
            }
            Factors candidate =
                    BridgeData.scatter(predict(sd, all), sourceUsers, split.numUsers(), k);
            epochDone(epoch, split, candidate);
        }
    }

    /** The network of the class comment, with seeded Xavier-uniform weights. */
    static SameDiff graph(int k, Random rnd) {
        SameDiff sd = SameDiff.create();
        SDVariable itemsFlat = sd.placeHolder("items", DataType.FLOAT, -1, MAX_ITEMS * k);
        SDVariable items = itemsFlat.reshape(-1, MAX_ITEMS, k);
        SDVariable mask = sd.placeHolder("mask", DataType.FLOAT, -1, MAX_ITEMS);
        SDVariable us = sd.placeHolder("us", DataType.FLOAT, -1, k);
        SDVariable ut = sd.placeHolder("ut", DataType.FLOAT, -1, k);
        SDVariable w1 = sd.var("w1", xavier(rnd, k, HIDDEN));
        SDVariable b1 = sd.var("b1", Nd4j.zeros(DataType.FLOAT, 1, HIDDEN));
        SDVariable w2 = sd.var("w2", xavier(rnd, HIDDEN, 1));
        SDVariable v1 = sd.var("v1", xavier(rnd, k, HIDDEN));
        SDVariable c1 = sd.var("c1", Nd4j.zeros(DataType.FLOAT, 1, HIDDEN));
        SDVariable v2 = sd.var("v2", xavier(rnd, HIDDEN, k * k).muli(0.1));
        SDVariable c2 = sd.var("c2", Nd4j.eye(k).castTo(DataType.FLOAT).reshape(1, k * k));

        SDVariable flat = items.reshape(-1, k); // [b·L, k]
        SDVariable logits =
                sd.nn.relu(flat.mmul(w1).add(b1), 0).mmul(w2).reshape(-1, MAX_ITEMS); // e_j
        SDVariable att =
                sd.nn.softmax(logits.add(mask.sub(1.0).mul(1e4)), 1); // a_j, padding → −1e4
        SDVariable h = items.mul(att.reshape(-1, MAX_ITEMS, 1)).sum(1); // h_u = Σ a_j q_j   [b, k]
        SDVariable bridge =
                sd.nn.relu(h.mmul(v1).add(c1), 0).mmul(v2).add(c2).reshape(-1, k, k); // M_u
        SDVariable pred =
                sd.identity(
                        "pred",
                        bridge.mul(us.reshape(-1, 1, k)).sum(2)); // (M_u P^s_u)_a = Σ_b M_ab P_b
        SDVariable loss = sd.loss.meanSquaredError("loss", ut, pred, null);
        sd.setLossVariables(loss);
        return sd;
    }

    private static INDArray xavier(Random rnd, int fanIn, int fanOut) {
        double a = Math.sqrt(6.0 / (fanIn + fanOut));
        float[] w = new float[fanIn * fanOut];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((2 * rnd.nextDouble() - 1) * a);
        }
        return Nd4j.create(w).reshape('c', fanIn, fanOut);
    }

    /** The rows {@code idx} of a 2-d array (a mini-batch). */
    private static INDArray rows(INDArray a, int[] idx) {
        return Nd4j.pullRows(a, 1, idx);
    }

    private static INDArray predict(SameDiff sd, Inputs in) {
        long n = in.us.rows();
        INDArray out = Nd4j.create(DataType.FLOAT, n, in.us.columns());
        int chunk = 2048;
        for (long from = 0; from < n; from += chunk) {
            INDArrayIndex range = NDArrayIndex.interval(from, Math.min(n, from + chunk));
            Map<String, INDArray> ph = new HashMap<>();
            ph.put("items", in.items.get(range, NDArrayIndex.all()));
            ph.put("mask", in.mask.get(range, NDArrayIndex.all()));
            ph.put("us", in.us.get(range, NDArrayIndex.all()));
            out.put(
                    new INDArrayIndex[] {range, NDArrayIndex.all()},
                    sd.output(ph, "pred").get("pred"));
        }
        return out;
    }

    /**
     * items [n, L·k] (source item factors, zero-padded, row-major [L, k] per user), mask [n, L], us
     * [n, k] for the given users.
     */
    static final class Inputs {
        final INDArray items;
        final INDArray mask;
        final INDArray us;

        Inputs(INDArray items, INDArray mask, INDArray us) {
            this.items = items;
            this.mask = mask;
            this.us = us;
        }
    }

    static Inputs inputs(InteractionMatrix source, AlsResult als, int[] users, int k) {
        int n = users.length;
        float[] items = new float[n * MAX_ITEMS * k];
        float[] mask = new float[n * MAX_ITEMS];
        double[] q = als.items.data();
        for (int r = 0; r < n; r++) {
            int u = users[r];
            Integer[] ks =
                    IntStream.range(source.rowStart(u), source.rowEnd(u))
                            .boxed()
                            .toArray(Integer[]::new);
            Arrays.sort(
                    ks,
                    Comparator.comparingDouble((Integer x) -> -source.value(x))
                            .thenComparingInt(x -> x));
            for (int s = 0; s < Math.min(MAX_ITEMS, ks.length); s++) {
                int off = als.items.offset(source.col(ks[s]));
                for (int j = 0; j < k; j++) {
                    items[(r * MAX_ITEMS + s) * k + j] = (float) q[off + j];
                }
                mask[r * MAX_ITEMS + s] = 1f;
            }
        }
        return new Inputs(
                Nd4j.create(items).reshape('c', n, MAX_ITEMS * k),
                Nd4j.create(mask).reshape('c', n, MAX_ITEMS),
                BridgeData.rows(als.users, users));
    }
}

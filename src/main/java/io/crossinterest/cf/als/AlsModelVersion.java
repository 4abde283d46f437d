package io.crossinterest.cf.als;

import io.crossinterest.data.InteractionMatrix;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * One trained CF model as the streaming job broadcasts it: a version number, item factors Y with
 * their Gram matrix YᵀY, the users it was trained on (with their factors), and the training
 * metrics. A Flink POJO.
 *
 * <p>Scoring folds a user in from their current interactions against Y: x_u = (YᵀY + Yᵀ(C_u − I)Y +
 * λ_u I)⁻¹ YᵀC_u p(u), one Cholesky solve with the same kernel as training. So a user's
 * recommendations follow their latest events between retrainings, and users who appeared after the
 * last training are scored too.
 */
public class AlsModelVersion {
    public long version;

    /** Processing time (epoch ms) the training finished. */
    public long trainedAt;

    public double trainingSeconds;

    /** Implicit-ALS objective of the trained factors on their training matrix. */
    public double loss;

    public int numInteractions;
    public int rank;
    public double lambda;
    public double alpha;
    public String regularization;
    public String[] userIds;
    public double[] userFactors;
    public String[] itemIds;
    public double[] itemFactors;

    /** YᵀY, k × k. */
    public double[] itemGram;

    private transient Map<String, Integer> itemIndex;

    public AlsModelVersion() {}

    public int numUsers() {
        return userIds.length;
    }

    public int numItems() {
        return itemIds.length;
    }

    private Map<String, Integer> itemIndex() {
        if (itemIndex == null) {
            Map<String, Integer> m = new HashMap<>(itemIds.length * 2);
            for (int i = 0; i < itemIds.length; i++) {
                m.put(itemIds[i], i);
            }
            itemIndex = m;
        }
        return itemIndex;
    }

    /**
     * x_u for a user with interactions {@code items} (item id → r); items unknown to the model are
     * ignored.
     */
    public double[] foldIn(Map<String, Double> items) {
        Map<String, Integer> index = itemIndex();
        InteractionMatrix.Builder b = new InteractionMatrix.Builder(1, itemIds.length);
        items.forEach(
                (item, r) -> {
                    Integer i = index.get(item);
                    if (i != null) {
                        b.add(0, i, r);
                    }
                });
        AlsConfig cfg =
                new AlsConfig(
                        rank,
                        1,
                        lambda,
                        alpha,
                        AlsConfig.Regularization.parse(regularization),
                        AlsConfig.Solver.CHOLESKY,
                        1,
                        0L,
                        1);
        double[] x = new double[rank];
        try (AlsKernels.Workspace ws = new AlsKernels.Workspace(rank)) {
            AlsKernels.solveChunk(b.build(), 0, 1, itemFactors, itemGram, cfg, x, ws);
        }
        return x;
    }

    /**
     * The top {@code n} items by x_u·y_i among those not in {@code items}, best first (ties:
     * smaller index).
     */
    public Recommendation recommend(String user, Map<String, Double> items, int n) {
        double[] x = foldIn(items);
        double[] scores = new double[itemIds.length];
        new Factors(1, rank, x).scoreAll(0, new Factors(itemIds.length, rank, itemFactors), scores);
        PriorityQueue<Integer> heap =
                new PriorityQueue<>(
                        n + 1,
                        (a, b) ->
                                scores[a] != scores[b]
                                        ? Double.compare(scores[a], scores[b])
                                        : Integer.compare(b, a));
        for (int i = 0; i < itemIds.length; i++) {
            if (items.containsKey(itemIds[i])) {
                continue;
            }
            heap.add(i);
            if (heap.size() > n) {
                heap.poll();
            }
        }
        Recommendation r = new Recommendation();
        r.user = user;
        r.modelVersion = version;
        r.items = new String[heap.size()];
        r.scores = new double[heap.size()];
        for (int j = heap.size() - 1; j >= 0; j--) {
            int i = heap.poll();
            r.items[j] = itemIds[i];
            r.scores[j] = scores[i];
        }
        return r;
    }
}

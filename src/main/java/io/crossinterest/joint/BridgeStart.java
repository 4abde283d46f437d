package io.crossinterest.joint;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.cf.als.Factors;
import io.crossinterest.data.CrossDomainData;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.inverse.InvertMatrix;

import java.util.Arrays;

/**
 * The bridge start (docs/joint-model.md, change 10): W2 starts at the ridge regression of the warm
 * training users' ALS factors on their source reading, P_u ≈ W·s_u + b, instead of at random. The
 * starting point is then a linear EMCDR map on s_u, and training adds the encoder and the ranking
 * loss to it. The same map, scored P̂_u·Q_v, is how {@link CfSpaceChoice} compares candidate CF
 * spaces before training any.
 */
final class BridgeStart {
    private BridgeStart() {}

    /**
     * Sets W2 and b2 of {@code net} to the ridge map s_u → P_u over the training users (the H_u
     * block of W2 at 0); with K &gt; 1 target categories, W3 and b3 start at the ridge map from
     * that starting P̂_u to the user's category shares z_u, so a kept starting point ranks target
     * categories too. Returns the map (r rows of W, then b).
     */
    static double[][] init(
            JointNetwork net,
            FitInput in,
            CfFactors cf,
            SourceFolding folding,
            float[][] userSourceCf) {
        int[] train = in.users().train();
        double ridge = in.params().bridgeRidge;
        int r = folding.rank();
        int k = cf.rank();
        double[][] map = ridgeMap(userSourceCf, cf.users(), k, train, ridge);
        INDArray w2 =
                net.graph
                        .getLayer(JointNetwork.PHAT)
                        .getParam("W"); // [hidden + r, k]: H_u rows, then s_u rows
        long hidden = w2.size(0) - r;
        w2.assign(0);
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < k; j++) {
                w2.putScalar(hidden + i, j, map[i][j]);
            }
        }
        net.graph
                .getLayer(JointNetwork.PHAT)
                .setParam("b", Nd4j.createFromArray(JointNetwork.toFloat(map[r])).reshape(1, k));
        if (net.outputs.contains(JointNetwork.INTEREST_OUT)) {
            CrossDomainData data = in.data();
            int numCategories = data.targetCategories.size();
            float[][] phat = new float[data.numUsers()][];
            double[] shares = new double[data.numUsers() * numCategories];
            for (int u : train) {
                phat[u] = applyMap(map, userSourceCf[u]);
                float[] z = JointTraining.categoryShares(data, u);
                for (int c = 0; c < numCategories; c++) {
                    shares[u * numCategories + c] = z[c];
                }
            }
            double[][] w3 = ridgeMap(phat, shares, numCategories, train, ridge);
            INDArray w = net.graph.getLayer(JointNetwork.INTEREST).getParam("W"); // [k, K]
            for (int j = 0; j < k; j++) {
                for (int c = 0; c < numCategories; c++) {
                    w.putScalar(j, c, w3[j][c]);
                }
            }
            net.graph
                    .getLayer(JointNetwork.INTEREST)
                    .setParam(
                            "b",
                            Nd4j.createFromArray(JointNetwork.toFloat(w3[k]))
                                    .reshape(1, numCategories));
        }
        return map;
    }

    /**
     * NDCG@10 over the validation cold users of a CF space's start: the ridge map s_u → P_u fitted
     * on the training users, scored s_v = (W·s_u + b)·Q_v. {@code target}, {@code source}: the
     * space's factors; {@code als}: the settings of the source factors.
     */
    static double validation(FitInput in, CfFactors target, CfFactors source, AlsConfig als) {
        CrossDomainData data = in.data();
        float[][] su =
                SourceFolding.of(data, source, als, in.tokenizer(), in.encoder().seqLen)
                        .foldIn(Arrays.asList(in.userTokens()));
        double[][] map =
                ridgeMap(
                        su,
                        target.users(),
                        target.rank(),
                        in.users().train(),
                        in.params().bridgeRidge);
        Factors q = new Factors(target.numItems(), target.rank(), target.items());
        return data.validationNdcg(
                (u, out) -> {
                    float[] p = applyMap(map, su[u]);
                    double[] phat = new double[p.length];
                    for (int j = 0; j < p.length; j++) {
                        phat[j] = p[j];
                    }
                    new Factors(1, p.length, phat).scoreAll(0, q, out);
                });
    }

    /**
     * Ridge regression y_u ≈ Wᵀ·x_u + b over {@code rows}: W = (X_cᵀX_c + λI)⁻¹ X_cᵀY_c on centred
     * rows, b = mean(y) − Wᵀ·mean(x), λ = {@code ridge}·tr(X_cᵀX_c)/r (relative to x's mean
     * variance). x_u = {@code x[u]} (length r), y_u = {@code y[u·k … u·k + k)}. Returns r + 1 rows
     * of length k: W's rows, then b.
     */
    static double[][] ridgeMap(float[][] x, double[] y, int k, int[] rows, double ridge) {
        int r = x[rows[0]].length;
        double[] mx = new double[r];
        double[] my = new double[k];
        for (int u : rows) {
            for (int i = 0; i < r; i++) {
                mx[i] += x[u][i] / (double) rows.length;
            }
            for (int j = 0; j < k; j++) {
                my[j] += y[u * k + j] / rows.length;
            }
        }
        double[][] a = new double[r][r];
        double[][] b = new double[r][k];
        for (int u : rows) {
            for (int i = 0; i < r; i++) {
                double xi = x[u][i] - mx[i];
                for (int i2 = 0; i2 < r; i2++) {
                    a[i][i2] += xi * (x[u][i2] - mx[i2]);
                }
                for (int j = 0; j < k; j++) {
                    b[i][j] += xi * (y[u * k + j] - my[j]);
                }
            }
        }
        double trace = 0;
        for (int i = 0; i < r; i++) {
            trace += a[i][i];
        }
        for (int i = 0; i < r; i++) {
            a[i][i] += ridge * trace / r + 1e-12;
        }
        INDArray w =
                InvertMatrix.invert(Nd4j.createFromArray(a), false).mmul(Nd4j.createFromArray(b));
        double[][] out = new double[r + 1][k];
        for (int j = 0; j < k; j++) {
            out[r][j] = my[j];
            for (int i = 0; i < r; i++) {
                out[i][j] = w.getDouble(i, j);
                out[r][j] -= out[i][j] * mx[i];
            }
        }
        return out;
    }

    /** Wᵀ·x + b for a {@link #ridgeMap} result (rows of W, then b). */
    static float[] applyMap(double[][] map, float[] x) {
        int r = map.length - 1;
        float[] y = new float[map[r].length];
        for (int j = 0; j < y.length; j++) {
            double v = map[r][j];
            for (int i = 0; i < r; i++) {
                v += x[i] * map[i][j];
            }
            y[j] = (float) v;
        }
        return y;
    }
}

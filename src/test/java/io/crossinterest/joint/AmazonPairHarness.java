package io.crossinterest.joint;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.encoder.CnnEncoder;
import io.crossinterest.encoder.EncoderConfig;
import io.crossinterest.encoder.SourceTokenizer;
import io.crossinterest.encoder.TokenScheme;
import io.crossinterest.eval.ColdStartModel;
import io.crossinterest.eval.ColdStartSplits;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.EvalDatasets;
import io.crossinterest.eval.ModelRegistry;
import io.crossinterest.eval.ModelSettings;

import org.deeplearning4j.nn.graph.ComputationGraph;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Measuring harness (not a test): fits joint-model variants on one Amazon pair and prints cold-user
 * NDCG@10 and Recall@10 next to popularity, on a development split ({@link
 * io.crossinterest.eval.ColdStartSplits#drawDevelopment}): none of its held-out users is a test
 * user of the seeds the README reports. Usage: AmazonPairHarness DATA_DIR SOURCE TARGET BETA SEED
 * VARIANT...
 */
public final class AmazonPairHarness {
    public static void main(String[] a) throws Exception {
        Path data = Path.of(a[0]);
        double beta = Double.parseDouble(a[3]);
        long seed = Long.parseLong(a[4]);
        // a development split: its held-out users are never test users of a reporting seed
        // (ColdStartSplits)
        EvalDatasets.Loaded pair = EvalDatasets.amazonPair(data.resolve(a[1]), data.resolve(a[2]));
        CrossDomainSplit s =
                ColdStartSplits.drawDevelopment(
                        pair.dataset,
                        pair.source,
                        pair.target,
                        beta,
                        ColdStartSplits.DEFAULT_VALID_FRACTION,
                        seed);
        System.out.printf(
                "split %s users %d src items %d tgt items %d warm %d valid %d test %d%n",
                s.dataset,
                s.numUsers(),
                s.numSourceItems(),
                s.numTargetItems(),
                s.warmUsers.length,
                s.validColdUsers.length,
                s.testColdUsers.length);
        double[] pop = Splits.popularity(s);
        report("popularity", s, (u, out) -> System.arraycopy(pop, 0, out, 0, pop.length), 0);
        int rank = Integer.getInteger("rank", 32);
        long t0 = System.nanoTime();
        Map<String, ComputationGraph> encoders = new HashMap<>();
        // the source block's ALS (the baselines' settings), factorised once for every variant that
        // needs it
        AlsConfig als =
                AlsConfig.defaults()
                        .withRank(rank)
                        .withIterations(10)
                        .withLambda(AlsConfig.IMPLICIT_LAMBDA)
                        .withAlpha(AlsConfig.IMPLICIT_ALPHA)
                        .withSeed(seed)
                        .withThreads(1);
        CfFactors[] srcF = new CfFactors[1];
        CfFactors cf;
        String collective =
                System.getProperty("collective"); // -Dcollective=w: both CF spaces from [w·S | T]
        if (collective != null) {
            CollectiveFactorizer f = new CollectiveFactorizer(als, Double.parseDouble(collective));
            cf = f.target().factorize(s);
            srcF[0] = f.source().factorize(s);
        } else {
            cf = QuickAls.fit(s.targetTrain, rank, 10, 1.0, 10.0, seed);
        }
        System.out.printf("cf rank %d %.1f s%n", rank, (System.nanoTime() - t0) / 1e9);
        IntFunction<double[]> srcRow =
                w -> {
                    if (srcF[0] == null) {
                        srcF[0] = AlsTargetFactorizer.sourceBlock(als).factorize(s);
                    }
                    return Arrays.copyOfRange(srcF[0].users(), w * rank, (w + 1) * rank);
                };
        int[] warmT =
                Arrays.stream(s.warmUsers).filter(u -> s.targetTrain.rowLength(u) > 0).toArray();
        ModelRegistry registry = ModelRegistry.fromClassPath();
        for (int i = 5; i < a.length; i++) {
            if (registry.contains(
                    a[i])) { // a model of `evaluate --models`, with its settings (1 thread)
                ColdStartModel cm =
                        registry.create(
                                a[i],
                                new ModelSettings(
                                        seed, rank, 10, Integer.getInteger("maxEpochs", 50), 1));
                long t = System.nanoTime();
                cm.fit(s);
                report(a[i], s, cm::scoreItems, (System.nanoTime() - t) / 1e9);
                continue;
            }
            if (a[i].startsWith(
                    "uknn")) { // uknnK[-pP][-qQ]: user-kNN over source factors, K neighbours,
                // sim^P,
                // each neighbour's items weighted by 1/|T_w|^Q
                String[] parts = a[i].substring(4).split("-");
                int kn = Integer.parseInt(parts[0]);
                double pw = 1, qn = 0;
                for (int x = 1; x < parts.length; x++) {
                    if (parts[x].startsWith("p")) {
                        pw = Double.parseDouble(parts[x].substring(1));
                    } else if (parts[x].startsWith("q")) {
                        qn = Double.parseDouble(parts[x].substring(1));
                    }
                }
                report(a[i], s, knn(s, warmT, kn, pop, srcRow, srcRow, pw, qn), 0);
                continue;
            }
            if (a[i].startsWith(
                    "iknn")) { // iknnK: user-kNN by the cosine of the source item sets, K
                // neighbours
                int kn = Integer.parseInt(a[i].substring(4));
                double[][] kx = kernelFeatures(s, "items", null);
                report(
                        a[i],
                        s,
                        (u, out) -> {
                            double[] sim = new double[warmT.length];
                            for (int w = 0; w < warmT.length; w++) {
                                sim[w] = warmT[w] == u ? 0 : kernel("items", kx[u], kx[warmT[w]]);
                            }
                            Arrays.fill(out, 0);
                            for (int w : JointModel.topK(sim, kn)) {
                                for (int e = s.targetTrain.rowStart(warmT[w]);
                                        e < s.targetTrain.rowEnd(warmT[w]);
                                        e++) {
                                    out[s.targetTrain.col(e)] += sim[w];
                                }
                            }
                            for (int v = 0; v < out.length; v++) {
                                out[v] += 1e-9 * pop[v];
                            }
                        },
                        0);
                continue;
            }
            if (a[i].startsWith(
                    "krr")) { // krr-items|expT: kernel ridge from the source block to the target
                // rows
                String kind = a[i].substring(4);
                if (!kind.equals("items")) {
                    srcRow.apply(0);
                }
                double[][] kx = kernelFeatures(s, kind, srcF[0]);
                int n = warmT.length;
                double[][] kk = new double[n][n];
                for (int x = 0; x < n; x++) {
                    for (int y = 0; y <= x; y++) {
                        kk[x][y] = kk[y][x] = kernel(kind, kx[warmT[x]], kx[warmT[y]]);
                    }
                }
                double tr = 0;
                for (int x = 0; x < n; x++) {
                    tr += kk[x][x] / n;
                }
                int[] cold =
                        IntStream.concat(
                                        Arrays.stream(s.validColdUsers),
                                        Arrays.stream(s.testColdUsers))
                                .toArray();
                int[] col = new int[s.numUsers()];
                for (int c = 0; c < cold.length; c++) {
                    col[cold[c]] = c;
                }
                for (double lam : new double[] {0.03, 0.1, 0.3, 1, 3}) {
                    double[] reg = new double[n * n]; // column-major (symmetric)
                    for (int x = 0; x < n; x++) {
                        for (int y = 0; y < n; y++) {
                            reg[x * n + y] = kk[x][y];
                        }
                        reg[x * n + x] += lam * tr;
                    }
                    double[] rhs = new double[n * cold.length]; // column c = k(cold c, warm ·)
                    for (int c = 0; c < cold.length; c++) {
                        for (int y = 0; y < n; y++) {
                            rhs[c * n + y] = kernel(kind, kx[cold[c]], kx[warmT[y]]);
                        }
                    }
                    int info =
                            org.bytedeco.openblas.global.openblas.LAPACKE_dposv(
                                    org.bytedeco.openblas.global.openblas.LAPACK_COL_MAJOR,
                                    (byte) 'L',
                                    n,
                                    cold.length,
                                    reg,
                                    n,
                                    rhs,
                                    n);
                    if (info != 0) {
                        throw new IllegalStateException("dposv " + info);
                    }
                    report(
                            a[i] + "@" + lam,
                            s,
                            (u, out) -> {
                                Arrays.fill(out, 0);
                                int c = col[u];
                                for (int x = 0; x < n; x++) {
                                    double al = rhs[c * n + x];
                                    for (int e = s.targetTrain.rowStart(warmT[x]);
                                            e < s.targetTrain.rowEnd(warmT[x]);
                                            e++) {
                                        out[s.targetTrain.col(e)] += al;
                                    }
                                }
                                for (int v = 0; v < out.length; v++) {
                                    out[v] += 1e-9 * pop[v];
                                }
                            },
                            0);
                }
                continue;
            }
            if (a[i].startsWith(
                    "ridge")) { // ridgeS / ridgeA: the ridge map to P_u from the fold-in s_u (S) or
                // from the source ALS factor (A), scored P̂·Q; -Dvocab and -DseqLen shape the
                // fold-in's tokens
                JointParams c = variant("fold").withSeed(seed);
                SourceTokenizer tok = SourceTokenizer.forSplit(s, c.encoder);
                srcRow.apply(0);
                float[][] x;
                if (a[i].equals("ridgeS")) {
                    SourceFolding f = SourceFolding.of(s, srcF[0], als, tok, c.encoder.seqLen);
                    x = f.foldIn(Arrays.asList(tok.userTokens(s)));
                } else {
                    x = new float[s.numUsers()][];
                    for (int u = 0; u < x.length; u++) {
                        x[u] = JointNetwork.toFloat(srcRow.apply(u));
                    }
                }
                int[] rows = Arrays.stream(warmT).filter(u -> s.source.rowLength(u) > 0).toArray();
                for (double lam : new double[] {1e-3, 1e-2, 1e-1}) {
                    double[][] map = BridgeStart.ridgeMap(x, cf.users(), rank, rows, lam);
                    report(
                            a[i] + "@" + lam,
                            s,
                            (u, out) -> {
                                float[] p = BridgeStart.applyMap(map, x[u]);
                                for (int v = 0; v < out.length; v++) {
                                    double d = 0;
                                    for (int j = 0; j < rank; j++) {
                                        d += p[j] * cf.items()[v * rank + j];
                                    }
                                    out[v] = d;
                                }
                            },
                            0);
                }
                continue;
            }
            JointParams c = variant(a[i]).withSeed(seed);
            SourceTokenizer tok = SourceTokenizer.forSplit(s, c.encoder);
            EncoderConfig ec = c.encoder.withVocabSize(tok.vocabSize());
            boolean ownEncoder =
                    a[i].endsWith("-srcinit")
                            || a[i].startsWith("fold")
                            || a[i].startsWith("teach");
            ComputationGraph pre =
                    ownEncoder
                            ? null
                            : encoders.computeIfAbsent(
                                    ec.toString(),
                                    k -> {
                                        ComputationGraph g = CnnEncoder.newPretrainGraph(ec);
                                        long tp = System.nanoTime();
                                        double[] l =
                                                CnnEncoder.pretrain(g, tok.userTokens(s), ec, null);
                                        System.out.printf(
                                                "pretrain %s: losses %s, %.0f s%n",
                                                ec,
                                                Arrays.toString(l),
                                                (System.nanoTime() - tp) / 1e9);
                                        return g;
                                    });
            JointParams p =
                    c.withPopularityPrior(
                            Boolean.parseBoolean(System.getProperty("popPrior", "true")));
            if (Double.parseDouble(System.getProperty("bridge", "0"))
                    > 0) { // -Dbridge=λ: W2 from the ridge map
                p = p.withBridgeRidge(Double.parseDouble(System.getProperty("bridge")));
            }
            System.out.println("variant " + a[i] + ": " + p);
            CfSpace space;
            if (a[i].startsWith("fold") || a[i].startsWith("teach")) {
                space =
                        CfSpace.given(
                                split -> cf,
                                split -> { // the factorisation cached above (same settings and
                                    // seed)
                                    srcRow.apply(0);
                                    return srcF[0];
                                },
                                als);
            } else if (a[i].endsWith("-srcinit")) {
                space =
                        CfSpace.given(
                                split -> cf,
                                split -> QuickAls.fit(split.source, rank, 10, 1.0, 10.0, seed),
                                null);
            } else {
                space = CfSpace.given(split -> cf, null, null);
            }
            long t = System.nanoTime();
            JointModel fitted =
                    new JointEstimator(p, space).fit(s, pre == null ? null : pre.clone());
            Fitted m = new Fitted(fitted, fitted.encodeUsers(s));
            double secs = (System.nanoTime() - t) / 1e9;
            System.out.printf(
                    "variant %s: best epoch %d of %d, %.0f s, pretrain %s%n  %s%n",
                    a[i],
                    m.bestEpoch() + 1,
                    m.history().size(),
                    secs,
                    Arrays.toString(m.pretrainLosses()),
                    m.history());
            report(a[i], s, m::scoreItems, secs);
            for (int kn : new int[] {300}) {
                BiConsumer<Integer, double[]> byS = knn(s, warmT, kn, pop, srcRow, srcRow, 1, 0);
                report(a[i] + "+knnS" + kn, s, byS, 0);
                for (double g : new double[] {0.25, 0.5, 0.75, 0.9}) {
                    report(a[i] + "+mixS" + kn + "@" + g, s, mix(m::scoreItems, byS, g), 0);
                }
                for (double g : new double[] {0.5, 1, 2, 4}) {
                    for (double eps : new double[] {1e-4, 1e-3}) {
                        report(
                                a[i] + "+poeS" + kn + "@" + g + "/" + eps,
                                s,
                                (u, out) -> {
                                    double[] l = new double[out.length];
                                    m.scoreItems(u, l);
                                    byS.accept(u, out);
                                    for (int v = 0; v < out.length; v++) {
                                        out[v] = l[v] + g * Math.log(eps + out[v]);
                                    }
                                },
                                0);
                    }
                }
            }
            Integer byPhatK =
                    Integer.getInteger("knnByPhat"); // -DknnByPhat=K: the docs' "kNN by P̂" rows
            for (int kn : byPhatK == null ? new int[0] : new int[] {byPhatK}) {
                // neighbours by P̂_u against the warm users' ALS P_w, and against their P̂_w
                BiConsumer<Integer, double[]> byP =
                        knn(
                                s,
                                warmT,
                                kn,
                                pop,
                                u -> toDouble(m.predictedFactors(u)),
                                w ->
                                        Arrays.copyOfRange(
                                                cf.users(), w * cf.rank(), (w + 1) * cf.rank()),
                                1,
                                0);
                BiConsumer<Integer, double[]> byPhat =
                        knn(
                                s,
                                warmT,
                                kn,
                                pop,
                                u -> toDouble(m.predictedFactors(u)),
                                w -> toDouble(m.predictedFactors(w)),
                                1,
                                0);
                report(a[i] + "+knnP" + kn, s, byP, 0);
                report(a[i] + "+knnPh" + kn, s, byPhat, 0);
                for (double g : new double[] {0.25, 0.5, 0.75}) {
                    report(a[i] + "+mixP" + kn + "@" + g, s, mix(m::scoreItems, byP, g), 0);
                }
            }
        }
    }

    /**
     * Per-user features of a kernel: "items" the L2-normalised source row (dense), "expT" unit
     * source factors.
     */
    static double[][] kernelFeatures(CrossDomainSplit s, String kind, CfFactors src) {
        double[][] f = new double[s.numUsers()][];
        for (int u = 0; u < f.length; u++) {
            if (kind.equals("items")) {
                f[u] = new double[s.source.rowLength(u) * 2];
                double nrm = Math.sqrt(Math.max(1, s.source.rowLength(u)));
                for (int e = s.source.rowStart(u), j = 0; e < s.source.rowEnd(u); e++, j++) {
                    f[u][2 * j] = s.source.col(e);
                    f[u][2 * j + 1] = 1 / nrm;
                }
            } else {
                int r = src.rank();
                f[u] = Arrays.copyOfRange(src.users(), u * r, (u + 1) * r);
                double n = 0;
                for (double v : f[u]) {
                    n += v * v;
                }
                for (int j = 0; j < r; j++) {
                    f[u][j] = n > 0 ? f[u][j] / Math.sqrt(n) : 0;
                }
            }
        }
        return f;
    }

    static double kernel(String kind, double[] a, double[] b) {
        if (kind.equals("items")) { // sorted (col, value) pairs: sparse dot product
            double d = 0;
            int i = 0, j = 0;
            while (i < a.length && j < b.length) {
                if (a[i] == b[j]) {
                    d += a[i + 1] * b[j + 1];
                    i += 2;
                    j += 2;
                } else if (a[i] < b[j]) {
                    i += 2;
                } else {
                    j += 2;
                }
            }
            return d;
        }
        double c = 0;
        for (int j = 0; j < a.length; j++) {
            c += a[j] * b[j];
        }
        if (kind.startsWith("lin")) {
            return c;
        }
        return Math.exp((c - 1) / Double.parseDouble(kind.substring(3)));
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /**
     * score_v = Σ_{w in the K nearest warm users by cosine} max(0, cos)^p [v ∈ T_w] / |T_w|^q,
     * normalised to sum 1 (popularity breaks ties).
     */
    static BiConsumer<Integer, double[]> knn(
            CrossDomainSplit s,
            int[] warm,
            int k,
            double[] pop,
            IntFunction<double[]> query,
            IntFunction<double[]> key,
            double simPower,
            double lengthPower) {
        double[][] keys = new double[warm.length][];
        for (int w = 0; w < warm.length; w++) {
            keys[w] = key.apply(warm[w]);
        }
        return (u, out) -> {
            double[] q = query.apply(u);
            double[] sim = new double[warm.length];
            for (int w = 0; w < warm.length; w++) {
                double dot = 0, nq = 0, nk = 0;
                for (int j = 0; j < q.length; j++) {
                    dot += q[j] * keys[w][j];
                    nq += q[j] * q[j];
                    nk += keys[w][j] * keys[w][j];
                }
                sim[w] = nq == 0 || nk == 0 ? 0 : Math.max(0, dot / Math.sqrt(nq * nk));
            }
            double total = 0;
            Arrays.fill(out, 0);
            for (int w : JointModel.topK(sim, k)) {
                double wt =
                        Math.pow(sim[w], simPower)
                                / Math.pow(s.targetTrain.rowLength(warm[w]), lengthPower);
                for (int e = s.targetTrain.rowStart(warm[w]);
                        e < s.targetTrain.rowEnd(warm[w]);
                        e++) {
                    out[s.targetTrain.col(e)] += wt;
                    total += wt;
                }
            }
            for (int v = 0; v < out.length; v++) {
                out[v] = (total > 0 ? out[v] / total : 0) + 1e-9 * pop[v];
            }
        };
    }

    /** (1 − γ)·softmax(joint logits) + γ·kNN distribution. */
    static BiConsumer<Integer, double[]> mix(
            BiConsumer<Integer, double[]> joint, BiConsumer<Integer, double[]> knn, double g) {
        return (u, out) -> {
            double[] l = new double[out.length];
            joint.accept(u, l);
            double max = Arrays.stream(l).max().orElse(0);
            double z = 0;
            for (int v = 0; v < l.length; v++) {
                l[v] = Math.exp(l[v] - max);
                z += l[v];
            }
            knn.accept(u, out);
            for (int v = 0; v < l.length; v++) {
                out[v] = (1 - g) * l[v] / z + g * out[v];
            }
        };
    }

    static JointParams variant(String name) {
        int colon =
                name.indexOf(
                        ':'); // NAME:mod:mod…, mods fixq (Q not tuned), frozen (encoder), nomse (no
        // L_CF MSE)
        if (colon >= 0) {
            JointParams c = variant(name.substring(0, colon));
            for (String mod : name.substring(colon + 1).split(":")) {
                c =
                        switch (mod) {
                            case "fixq" -> c.withTuneQ(false);
                            case "frozen" -> c.withFreezeEncoder(true);
                            case "nomse" -> c.withWeights(0, c.wRank, c.wItems, c.wInterest, c.wDl);
                            default ->
                                    throw new IllegalArgumentException(
                                            "unknown variant modifier " + mod);
                        };
            }
            return c;
        }
        EncoderConfig e = JointParams.revisedFormulation().encoder;
        // -Dvocab=V (hashed item tokens) and -DseqLen=L (the last L tokens) for the tokenisation
        // rows
        e =
                e.withVocabSize(Integer.getInteger("vocab", e.vocabSize))
                        .withSeqLen(Integer.getInteger("seqLen", e.seqLen));
        JointParams d =
                JointParams.revisedFormulation()
                        .withEncoder(e.withTraining(1e-3, 128, Integer.getInteger("pretrain", 3)))
                        .withTraining(
                                Double.parseDouble(System.getProperty("lr", "2e-3")),
                                128,
                                Integer.getInteger("epochs", 12),
                                Integer.getInteger("patience", 2));
        if (name.startsWith("fold-l2")) { // fold-l2X: source folding, L2 penalty X
            return d.withSourceFolding(true)
                    .withRegularization(Double.parseDouble(name.substring(7)), 0);
        }
        if (name.startsWith("fold-drop")) { // fold-dropX: source folding, dropout X on W2's input
            return d.withSourceFolding(true)
                    .withRegularization(0, Double.parseDouble(name.substring(9)));
        }
        if (name.startsWith(
                "teach")) { // teachE-K: neighbourhood teacher weight E over K neighbours (+
            // folding)
            String[] p = name.substring(5).split("-");
            return d.withSourceFolding(true)
                    .withNeighbourTeacher(Double.parseDouble(p[0]), Integer.parseInt(p[1]));
        }
        if (name.startsWith("fold-mse")) { // fold-mseW: source folding with MSE weight W
            return d.withSourceFolding(true)
                    .withWeights(Double.parseDouble(name.substring(8)), 1, 0, 1, 0);
        }
        return switch (name) {
            case "seed" ->
                    JointParams.seedFormulation()
                            .withEncoder(d.encoder)
                            .withTraining(1e-3, 128, d.maxEpochs, 2);
            case "seed-nodl" -> variant("seed").withWeights(1, 0, 1, 1, 0);
            case "pq-dl" -> d.withWeights(1, 1, 0, 1, 0.1);
            case "seed-frozen" -> variant("seed").withFreezeEncoder(true);
            case "pq-fixed" -> d.withTuneQ(false);
            case "pq-mse" -> d.withWeights(1, 0, 0, 1, 0).withTuneQ(false);
            case "pq", "pq-srcinit" -> d;
            case "fold" -> d.withSourceFolding(true);
            case "fold-frozen" -> d.withSourceFolding(true).withFreezeEncoder(true);
            case "fold-nomse" -> d.withSourceFolding(true).withWeights(0, 1, 0, 1, 0);
            case "pq-frozen" -> d.withFreezeEncoder(true);
            case "pq-nodl" -> d.withWeights(1, 1, 0, 1, 0);
            case "pq-nomse" -> d.withWeights(0, 1, 0, 1, 0);
            case "pq-cat" -> d.withEncoder(d.encoder.withTokens(TokenScheme.CATEGORIES, 3));
            default -> throw new IllegalArgumentException("unknown variant " + name);
        };
    }

    static void report(
            String name, CrossDomainSplit s, BiConsumer<Integer, double[]> scorer, double secs) {
        System.out.printf(
                "RESULT %-12s test NDCG@10 %.4f Recall@10 %.4f | valid NDCG@10 %.4f%n",
                name,
                Splits.meanNdcg(s, s.testColdUsers, s.targetTest, scorer, 10),
                Splits.meanRecall(s, s.testColdUsers, s.targetTest, scorer, 10),
                Splits.meanNdcg(s, s.validColdUsers, s.targetValid, scorer, 10));
    }
}

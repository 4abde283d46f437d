package io.crossinterest.joint;

import io.crossinterest.data.CrossDomainData;
import io.crossinterest.data.InteractionMatrix;
import io.crossinterest.encoder.CnnEncoder;
import io.crossinterest.encoder.EncoderConfig;
import io.crossinterest.encoder.MaskedBatch;
import io.crossinterest.encoder.SourceTokenizer;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The training loop of the joint network in one CF space, with early stopping: Adam on mini-batches
 * of the warm training users against the losses of {@link JointParams}, each epoch's users in a
 * seeded order; after each epoch the selection criterion (NDCG@10 of the validation cold users, or
 * minus the warm validation slice's loss) is offered to {@link EarlyStopping}, and the best point
 * of the path (the start counts as epoch -1) is kept. With the bridge start and the popularity
 * prior, the bridge alone (the start with the ranking head's bias at 0) is one more candidate,
 * compared with the path's best at the end only (docs/joint-model.md, changes 11–12).
 */
final class JointTraining {
    private static final Logger LOG = LoggerFactory.getLogger(JointTraining.class);

    /** The kept weights are in {@code net}'s graph; the rest says how they were selected. */
    record Result(
            List<JointFitReport.Epoch> history,
            int bestEpoch,
            boolean keptBridgeAlone,
            double startValidation,
            double bridgeAloneValidation,
            double bestCriterion,
            boolean selectedByNdcg) {}

    private final FitInput in;
    private final JointParams p;
    private final EncoderConfig encoder;
    private final CrossDomainData data;
    private final JointNetwork net;
    private final CfFactors cf;
    private final SourceFolding folding;
    private final float[][] userSourceCf;
    private final NeighbourTeacher teacher;

    /**
     * @param net the network at its start (encoder pre-trained, ranking head at Q, W2 at the bridge
     *     or at random)
     * @param folding the fold-in s_u fed next to H_u, and {@code userSourceCf} every user's s_u;
     *     null without
     * @param teacher the ranking loss's teacher, or null
     */
    JointTraining(
            FitInput in,
            JointNetwork net,
            CfFactors cf,
            SourceFolding folding,
            float[][] userSourceCf,
            NeighbourTeacher teacher) {
        this.in = in;
        this.p = in.params();
        this.encoder = in.encoder();
        this.data = in.data();
        this.net = net;
        this.cf = cf;
        this.folding = folding;
        this.userSourceCf = userSourceCf;
        this.teacher = teacher;
    }

    /** Trains, then sets the network's graph to the kept weights. */
    Result run() {
        int[] validCold = in.users().validCold();
        int[] validWarm = in.users().validWarm();
        boolean byNdcg = validCold.length > 0;
        // the starting point (pre-trained encoder, Q, popularity bias) is itself a candidate: epoch
        // -1
        double best = byNdcg ? validNdcg(net.graph, validCold) : -validLoss(validWarm);
        INDArray bestParams = net.graph.params().dup();
        double startValidation = best;
        LOG.info(
                "joint: before training, validation {} {}",
                byNdcg ? "cold NDCG@10" : "loss",
                Math.abs(best));
        // the bridge alone, s_v = P̂_u·Q_v with the ridge map's P̂_u and no popularity bias, is one
        // more candidate: where the CF space is good the popularity prior drowns the map's ranking,
        // and the epochs climbing back from it may stop below (docs/joint-model.md, change 11). It
        // is compared only at the end: early stopping counts patience against the trained path (the
        // start with the prior, then the epochs), so a high bridge-alone score cannot end training
        // early (change 12)
        double bare = Double.NEGATIVE_INFINITY;
        INDArray bareParams = null;
        double bridgeAloneValidation = Double.NaN;
        if (p.bridgeRidge > 0
                && byNdcg
                && p.popularityPrior
                && net.outputs.contains(JointNetwork.RANK)
                && net.graph.getLayer(JointNetwork.RANK).paramTable().containsKey("b")) {
            INDArray b = net.graph.getLayer(JointNetwork.RANK).getParam("b");
            INDArray prior = b.dup();
            b.assign(0);
            bare = validNdcg(net.graph, validCold);
            bareParams = net.graph.params().dup();
            bridgeAloneValidation = bare;
            LOG.info(
                    "joint: the bridge alone (no popularity bias), validation cold NDCG@10 {}",
                    bare);
            b.assign(prior);
        }
        List<JointFitReport.Epoch> history = new ArrayList<>();
        EarlyStopping stopping = new EarlyStopping(best, p.patience);
        int[] train =
                in.users()
                        .train()
                        .clone(); // shuffled per epoch: every space starts from the same order
        for (int epoch = 0; epoch < p.maxEpochs; epoch++) {
            Random er = new Random(p.seed * 1_000_003L + epoch);
            FitInput.shuffle(train, er);
            double sum = 0;
            int batches = 0;
            for (int from = 0; from < train.length; from += p.batchSize) {
                int to = Math.min(train.length, from + p.batchSize);
                net.graph.fit(batch(train, from, to, er));
                sum += net.graph.score();
                batches++;
            }
            double trainLoss = sum / batches;
            double validLoss = validLoss(validWarm);
            double ndcg = byNdcg ? validNdcg(net.graph, validCold) : Double.NaN;
            history.add(new JointFitReport.Epoch(epoch, trainLoss, validLoss, ndcg));
            LOG.info(
                    "joint: epoch {} train loss {} valid loss {} valid-cold NDCG@10 {}",
                    epoch + 1,
                    trainLoss,
                    validLoss,
                    ndcg);
            if (stopping.offer(epoch, byNdcg ? ndcg : -validLoss)) {
                bestParams = net.graph.params().dup();
            } else if (stopping.stop()) {
                break;
            }
        }
        best = stopping.best();
        int bestEpoch = stopping.bestEpoch();
        boolean keptBridgeAlone = bareParams != null && stopping.prefers(bare);
        if (keptBridgeAlone) {
            LOG.info(
                    "joint: the bridge alone ({}) beats the trained path's best ({}): kept",
                    bare,
                    best);
            best = bare;
            bestParams = bareParams;
            bestEpoch = -1;
        }
        net.graph.setParams(bestParams);
        return new Result(
                history,
                bestEpoch,
                keptBridgeAlone,
                startValidation,
                bridgeAloneValidation,
                best,
                byNdcg);
    }

    /** Features and labels of one batch, in the order of the network's outputs. */
    private MultiDataSet batch(int[] users, int from, int to, Random rnd) {
        int n = to - from;
        int[][] userTokens = in.userTokens();
        MaskedBatch mb =
                net.outputs.contains(CnnEncoder.DL_HEAD)
                        ? MaskedBatch.of(
                                userTokens,
                                users,
                                from,
                                to,
                                encoder.seqLen,
                                encoder.vocabSize,
                                encoder.maskFraction,
                                rnd)
                        : null;
        INDArray input =
                mb != null
                        ? mb.input
                        : SourceTokenizer.window(tokensOf(users, from, to), encoder.seqLen);
        InteractionMatrix t = data.targetTrain;
        INDArray[] labels = new INDArray[net.outputs.size()];
        for (int o = 0; o < labels.length; o++) {
            switch (net.outputs.get(o)) {
                case JointNetwork.CF -> { // P_u rows
                    float[][] pu = new float[n][cf.rank()];
                    for (int r = 0; r < n; r++) {
                        int u = users[from + r];
                        for (int j = 0; j < cf.rank(); j++) {
                            pu[r][j] = (float) cf.users()[u * cf.rank() + j];
                        }
                    }
                    labels[o] = Nd4j.createFromArray(pu);
                }
                case JointNetwork.RANK -> {
                    // y_u = (1 − η)·own_u + η·n_u: own_uv = 1/|items of u| on the user's target
                    // items, n_u the neighbourhood teacher (η = 0, or no similar warm user: own_u
                    // alone)
                    float[][] y = new float[n][data.numTargetItems()];
                    double[] nu = teacher == null ? null : new double[data.numTargetItems()];
                    for (int r = 0; r < n; r++) {
                        int u = users[from + r];
                        boolean taught = teacher != null && teacher.distribution(u, nu);
                        double eta = taught ? p.neighbourWeight : 0.0;
                        float w = (float) ((1 - eta) / t.rowLength(u));
                        for (int k = t.rowStart(u); k < t.rowEnd(u); k++) {
                            y[r][t.col(k)] = w;
                        }
                        for (int v = 0; taught && v < nu.length; v++) {
                            y[r][v] += (float) (eta * nu[v]);
                        }
                    }
                    labels[o] = Nd4j.createFromArray(y);
                }
                case JointNetwork.ITEMS -> { // multi-hot target items
                    float[][] y = new float[n][data.numTargetItems()];
                    for (int r = 0; r < n; r++) {
                        int u = users[from + r];
                        for (int k = t.rowStart(u); k < t.rowEnd(u); k++) {
                            y[r][t.col(k)] = 1f;
                        }
                    }
                    labels[o] = Nd4j.createFromArray(y);
                }
                case JointNetwork.INTEREST_OUT -> {
                    float[][] z = new float[n][];
                    for (int r = 0; r < n; r++) {
                        z[r] = categoryShares(data, users[from + r]);
                    }
                    labels[o] = Nd4j.createFromArray(z);
                }
                case CnnEncoder.DL_HEAD -> labels[o] = mb.labels;
                default -> throw new IllegalStateException("unknown output " + net.outputs.get(o));
            }
        }
        if (folding == null) {
            return new MultiDataSet(new INDArray[] {input}, labels);
        }
        float[][] src = new float[n][];
        for (int r = 0; r < n; r++) {
            src[r] = userSourceCf[users[from + r]];
        }
        return new MultiDataSet(new INDArray[] {input, Nd4j.createFromArray(src)}, labels);
    }

    private List<int[]> tokensOf(int[] users, int from, int to) {
        List<int[]> l = new ArrayList<>(to - from);
        for (int r = from; r < to; r++) {
            l.add(in.userTokens()[users[r]]);
        }
        return l;
    }

    /** Mean loss on the warm validation slice (fixed masking seed, so epochs compare). */
    private double validLoss(int[] users) {
        Random rnd = new Random(p.seed ^ 0x5DEECE66DL);
        double sum = 0;
        for (int from = 0; from < users.length; from += p.batchSize) {
            int to = Math.min(users.length, from + p.batchSize);
            sum += net.graph.score(batch(users, from, to, rnd), false) * (to - from);
        }
        return sum / users.length;
    }

    /** NDCG@10 of the validation cold users against their hidden rows in targetValid. */
    private double validNdcg(ComputationGraph graph, int[] users) {
        JointScorer s =
                new JointScorer(graph, encoder.seqLen, p.scoring, in.numCategories(), cf, folding);
        int[][] tokens = new int[users.length][];
        for (int r = 0; r < users.length; r++) {
            tokens[r] = in.userTokens()[users[r]];
        }
        JointScorer.Encoded enc = s.encodeAll(tokens);
        double[] scores = new double[data.numTargetItems()];
        double sum = 0;
        for (int r = 0; r < users.length; r++) {
            s.itemScores(enc.phat()[r], enc.interest() == null ? null : enc.interest()[r], scores);
            sum += ndcgAt(scores, data, data.targetValid, users[r], 10);
        }
        return sum / users.length;
    }

    /**
     * NDCG@k with binary relevance over the items that are prediction targets for the user (not
     * seen in training, not a twin of the user's source items: {@link CrossDomainData#markSeen}):
     * DCG = Σ_{i≤k, item_i relevant} 1/log2(i+1), IDCG = Σ_{i≤min(|rel|,k)} 1/log2(i+1).
     */
    static double ndcgAt(
            double[] scores, CrossDomainData data, InteractionMatrix truth, int user, int k) {
        boolean[] seen = new boolean[scores.length];
        data.markSeen(user, seen, true);
        int nRel = 0;
        for (int e = truth.rowStart(user); e < truth.rowEnd(user); e++) {
            nRel += seen[truth.col(e)] ? 0 : 1;
        }
        if (nRel == 0) {
            return 0.0;
        }
        double[] s = scores.clone();
        for (int i = 0; i < s.length; i++) {
            if (seen[i]) {
                s[i] = Double.NEGATIVE_INFINITY;
            }
        }
        int[] top = JointModel.topK(s, k);
        double dcg = 0;
        for (int i = 0; i < top.length; i++) {
            if (!seen[top[i]] && truth.get(user, top[i]) > 0) {
                dcg += 1.0 / (Math.log(i + 2) / Math.log(2));
            }
        }
        double idcg = 0;
        for (int i = 0; i < Math.min(nRel, k); i++) {
            idcg += 1.0 / (Math.log(i + 2) / Math.log(2));
        }
        return dcg / idcg;
    }

    /**
     * z_uc: the share of user u's target training items in target category c (uniform without
     * items).
     */
    static float[] categoryShares(CrossDomainData data, int u) {
        InteractionMatrix t = data.targetTrain;
        int k = data.targetCategories.size();
        double total = 0;
        double[] cnt = new double[k];
        for (int e = t.rowStart(u); e < t.rowEnd(u); e++) {
            for (int c : data.targetItemCategories[t.col(e)]) {
                cnt[c] += 1;
                total += 1;
            }
        }
        float[] z = new float[k];
        for (int c = 0; c < k; c++) {
            z[c] = total > 0 ? (float) (cnt[c] / total) : 1f / k;
        }
        return z;
    }
}

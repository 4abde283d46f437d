package io.crossinterest.joint;

import io.crossinterest.data.InteractionMatrix;
import io.crossinterest.encoder.CnnEncoder;
import io.crossinterest.encoder.EncoderConfig;
import io.crossinterest.encoder.MaskedBatch;
import io.crossinterest.encoder.SourceTokenizer;
import io.crossinterest.eval.ColdStartModel;
import io.crossinterest.eval.CrossDomainSplit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The joint transfer model (DESIGN §3.4) as a {@link ColdStartModel} named {@code joint}.
 *
 * <p>fit: (1) CF on the target block gives P, Q ({@link TargetFactorizer}); (2) the CNN encoder is pre-trained on
 * every user's source sequence (L_DL; source rows are visible for all users); (3) the joint network ({@link
 * JointNetwork}) starts from the pre-trained encoder and Q and is trained with Adam on the warm users (those with
 * target rows in training) against L_CF + L_DL; (4) early stopping keeps the best epoch (see {@link JointConfig}).
 * A cold user's score needs only their source tokens: tokens → H_u → P̂_u → (I_u, C_u) or P̂_u·Q.
 */
public final class JointModel implements ColdStartModel, io.crossinterest.eval.SelectionReport {
    private static final Logger LOG = LoggerFactory.getLogger(JointModel.class);

    private final JointConfig config;
    private final TargetFactorizer factorizer;
    private String name = "joint";

    private CrossDomainSplit split;
    private SourceTokenizer tokenizer;
    private EncoderConfig encoderConfig;
    private int[][] userTokens;
    private CfFactors cf;
    private JointScorer scorer;
    private JointScorer.Encoded encodedUsers;
    private double[] pretrainLosses = new double[0];
    private final List<Epoch> history = new ArrayList<>();
    private int bestEpoch = -1;
    /** Whether the last fit kept the bridge alone (ranking-head bias 0) over the trained path. */
    private boolean keptBridgeAlone;
    /** Validation NDCG@10 (or minus the warm loss) of the start, and of the bridge alone (NaN: not a candidate). */
    private double startValidation = Double.NaN;
    private double bridgeAloneValidation = Double.NaN;
    /** The early-stopping criterion of the kept weights: validation cold NDCG@10, or minus the warm validation loss. */
    private double bestCriterion = Double.NaN;
    private boolean selectedByNdcg;
    private ComputationGraph pretrained;
    private TargetFactorizer sourceFactorizer;
    private io.crossinterest.cf.als.AlsConfig foldingAls;
    private SourceFolding folding;
    private double bridgeRidge;
    /** Families of candidate CF spaces ({@link #withCfSpaces}); null: {@link #factorizer}, {@link #sourceFactorizer}. */
    private List<List<CfSpace>> spaces;
    /** The space of the last fit, and each candidate's bridge validation NDCG@10 when there was a choice. */
    private String chosenSpace;
    private final java.util.Map<String, Double> spaceValidation = new java.util.LinkedHashMap<>();
    private boolean popularityPrior = true;
    /** The ridge map W2 started from in the last fit (r rows of W, then b), or null. */
    private double[][] bridgeMap;
    /** s_u of every user of the split (with source folding), computed once per fit. */
    private float[][] userSourceCf;
    /** The neighbourhood teacher of the ranking loss (when neighbourWeight &gt; 0), for the current fit. */
    private io.crossinterest.baselines.NeighbourEvidence teacher;
    /** The teacher's K in the current fit ({@link JointConfig#neighbours}, or selected on validation). */
    private int teacherK;
    private double[] teacherKValidation = new double[0];
    /** Each training user's teacher neighbours, found once per fit (they do not change between epochs). */
    private final java.util.Map<Integer, io.crossinterest.baselines.NeighbourEvidence.Neighbours> taughtBy =
            new java.util.HashMap<>();

    /** The wide path's K (0: none, {@link #withWidePath}), its weight γ in the last fit, and γ's validation NDCG@10. */
    private int wideK;
    private double wideWeight;
    private final java.util.Map<Double, Double> wideValidation = new java.util.LinkedHashMap<>();
    /** The candidate weights γ of the wide path, selected on the validation cold users (0: the deep path alone). */
    static final double[] WIDE_WEIGHTS = {0, 0.25, 0.5, 0.75, 0.9, 0.99};

    /** One epoch of joint training: mean training loss, validation loss (warm slice), validation NDCG@10 (cold). */
    public record Epoch(int epoch, double trainLoss, double validLoss, double validNdcg10) {
    }

    public JointModel(JointConfig config, TargetFactorizer factorizer) {
        this.config = config;
        this.factorizer = factorizer;
    }

    /**
     * Starts from an already pre-trained encoder (from {@link CnnEncoder#newPretrainGraph} and
     * {@link CnnEncoder#pretrain}, e.g. the previous model version's) instead of pre-training one in {@link #fit}; its
     * configuration must equal this model's encoder configuration (with the tokenizer's vocabulary). Returns this.
     */
    public JointModel withPretrainedEncoder(ComputationGraph encoder) {
        this.pretrained = encoder;
        return this;
    }

    /**
     * Before pre-training, initialises the encoder's token embeddings from CF on the source block: the first
     * min(k, E) coordinates of token t's embedding become the mean ALS item factor of the source items hashing to t
     * (item tokens only; the rest keep their random initialisation). The source block's co-occurrence over every
     * user, cold ones included, then reaches the encoder from the start instead of being learnt from a few
     * thousand sequences. {@code factorizer} factorises {@link CrossDomainSplit#source}. Returns this.
     */
    public JointModel withSourceCfInit(TargetFactorizer factorizer) {
        this.sourceFactorizer = factorizer;
        return this;
    }

    /**
     * The source-block CF for both uses: the embedding initialisation above and, when the configuration asks for
     * {@link JointConfig#sourceFolding}, the fold-in s_u fed next to H_u ({@link SourceFolding}); {@code als} are the
     * settings {@code factorizer} fits with (λ, α, regularisation and rank of the fold-in). Returns this.
     */
    public JointModel withSourceCf(TargetFactorizer factorizer, io.crossinterest.cf.als.AlsConfig als) {
        this.sourceFactorizer = factorizer;
        this.foldingAls = als;
        return this;
    }

    /**
     * Candidate CF spaces, in families, instead of one target factorizer and {@link #withSourceCf}'s source factorizer;
     * {@code als} as there. Within a family the candidates are compared by their start, which is cheap: each is
     * factorised, the ridge map s_u → P_u is fitted in it on the training users, and the space whose map, scored
     * P̂_u·Q_v, ranks the validation cold users best (NDCG@10; ties: the earlier) is the family's pick. Each family's
     * pick is then trained, and the trained model with the best validation NDCG@10 is kept. (A start does not predict
     * how far training takes a space: docs/joint-model.md, change 11.) Without the bridge initialisation, source folding
     * or validation cold users there is nothing to compare on: the first family's first candidate is used. Returns this.
     */
    public JointModel withCfSpaces(List<List<CfSpace>> families, io.crossinterest.cf.als.AlsConfig als) {
        if (families.isEmpty() || families.stream().anyMatch(List::isEmpty)) {
            throw new IllegalArgumentException("every family of CF spaces needs a candidate: " + families);
        }
        this.spaces = families.stream().map(List::copyOf).toList();
        this.foldingAls = als;
        return this;
    }

    /**
     * Starts W2 at the ridge map from s_u to P_u ({@link #initBridge}) instead of at random; {@code ridge} &gt; 0 is
     * λ relative to the mean variance of s_u (0 = off). Needs source folding. Returns this.
     */
    public JointModel withBridgeInit(double ridge) {
        if (!(ridge >= 0)) {
            throw new IllegalArgumentException("bridge ridge must be >= 0, got " + ridge);
        }
        this.bridgeRidge = ridge;
        return this;
    }

    /**
     * Whether the ranking head's bias starts at the popularity prior log(1 + n_v) (default) or at zero, so the start
     * ranks by P̂_u·Q_v alone. Returns this.
     */
    public JointModel withPopularityPrior(boolean prior) {
        this.popularityPrior = prior;
        return this;
    }

    /**
     * Adds the wide path: after the deep path is trained, its scores are blended with the target rows of the
     * {@code k} warm users whose source token sets overlap the user's most ({@link
     * io.crossinterest.baselines.ItemSetNeighbours}), with the weight γ ∈ {@link #WIDE_WEIGHTS} that ranks the
     * validation cold users best (γ = 0 keeps the deep path alone; without validation cold users there is no wide
     * path). {@code k} = 0: off. Returns this.
     */
    public JointModel withWidePath(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("wide-path neighbours must be >= 0, got " + k);
        }
        this.wideK = k;
        return this;
    }

    /** The name this model reports under (default {@code joint}; an ablation registers the model under another). */
    public JointModel named(String modelName) {
        this.name = java.util.Objects.requireNonNull(modelName, "modelName");
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    public JointConfig config() {
        return config;
    }

    @Override
    public void fit(CrossDomainSplit split) {
        this.split = split;
        this.history.clear();
        tokenizer = SourceTokenizer.forSplit(split, config.encoder);
        encoderConfig = config.encoder.withVocabSize(tokenizer.vocabSize());
        userTokens = tokenizer.userTokens(split);
        // training users: warm users with source behaviour; a seeded slice of them validates the loss
        int[] warm = Arrays.stream(split.warmUsers)
                .filter(u -> split.targetTrain.rowLength(u) > 0 && userTokens[u].length > 0).toArray();
        Random rnd = new Random(config.seed);
        shuffle(warm, rnd);
        int nValid = Math.max(1, (int) Math.round(config.validFraction * warm.length));
        int[] validWarm = Arrays.copyOfRange(warm, 0, Math.min(nValid, warm.length));
        int[] train = Arrays.copyOfRange(warm, validWarm.length, warm.length);
        if (train.length == 0) {
            throw new IllegalArgumentException("no warm users with both source and target rows to train on");
        }
        // model selection on the validation cold users (NDCG@10), or without any on the warm slice's loss
        int[] validCold = split.validColdUsers == null ? new int[0] : Arrays.stream(split.validColdUsers)
                .filter(u -> split.targetValid != null && u < split.targetValid.numRows()
                        && split.targetValid.rowLength(u) > 0)
                .toArray();
        boolean choose = spaces != null && bridgeRidge > 0 && config.sourceFolding && validCold.length > 0;
        spaceValidation.clear();
        if (spaces == null) {
            boolean items = tokenizer.scheme() == io.crossinterest.encoder.TokenScheme.ITEMS;
            // the source-block CF serves the fold-in s_u, the teacher, and the embedding initialisation (item tokens)
            boolean needSourceCf = config.sourceFolding || config.neighbourWeight > 0 || (pretrained == null && items);
            fitIn(null, factorizer.factorize(split), sourceFactorizer != null && needSourceCf
                    ? sourceFactorizer.factorize(split) : null, train, validWarm, validCold);
            attachWidePath(validCold);
            return;
        }
        Fitted best = null;
        for (List<CfSpace> family : choose ? spaces : spaces.subList(0, 1)) {
            // the family's pick by its start, then trained; the best trained model is kept
            CfSpace space = family.get(0);
            CfFactors[] factors = null;
            double startNdcg = Double.NEGATIVE_INFINITY;
            for (CfSpace candidate : choose ? family : family.subList(0, 1)) {
                CfFactors[] f = {candidate.target().factorize(split), candidate.source().factorize(split)};
                double v = choose ? bridgeValidation(f[0], f[1], train) : 0;
                if (choose) {
                    spaceValidation.put(candidate.name(), v);
                    LOG.info("joint: CF space {}: the bridge's validation cold NDCG@10 {}", candidate.name(), v);
                }
                if (factors == null || v > startNdcg) {
                    startNdcg = v;
                    factors = f;
                    space = candidate;
                }
            }
            fitIn(space.name(), factors[0], factors[1], train, validWarm, validCold);
            LOG.info("joint: trained in CF space {}: validation {}", space.name(), bestCriterion);
            if (best == null || bestCriterion > best.criterion()) {
                best = new Fitted();
            }
        }
        best.restore();
        attachWidePath(validCold);
    }

    /**
     * The wide path's weight γ, chosen on the validation cold users once the deep path is final (ties keep the
     * smaller γ, so γ = 0 unless the blend ranks them better).
     */
    private void attachWidePath(int[] validCold) {
        wideValidation.clear();
        wideWeight = 0;
        scorer.setWidePath(null, 0, 0);
        if (wideK == 0 || validCold.length == 0) {
            return;
        }
        io.crossinterest.baselines.ItemSetNeighbours index = io.crossinterest.baselines.ItemSetNeighbours.build(
                userTokens, split.targetTrain, split.warmUsers, encoderConfig.vocabSize, encoderConfig.seqLen);
        if (index.numWarmUsers() == 0) {
            return;
        }
        double best = Double.NEGATIVE_INFINITY;
        for (double g : WIDE_WEIGHTS) {
            scorer.setWidePath(index, wideK, g);
            double v = io.crossinterest.eval.ColdStartEvaluator.validationNdcg(split, this::scoreItems);
            wideValidation.put(g, v);
            if (v > best) {
                best = v;
                wideWeight = g;
            }
        }
        scorer.setWidePath(index, wideK, wideWeight);
        LOG.info("joint: wide path, validation cold NDCG@10 by weight {}: kept {}", wideValidation, wideWeight);
    }

    /** The rest of a fit, in one CF space: teacher, fold-in, encoder, W2 start, training, selection of the epoch. */
    private void fitIn(String space, CfFactors targetCf, CfFactors sourceCf, int[] train, int[] validWarm,
            int[] validCold) {
        chosenSpace = space;
        cf = targetCf;
        history.clear();
        boolean items = tokenizer.scheme() == io.crossinterest.encoder.TokenScheme.ITEMS;
        if (cf.numItems() != split.numTargetItems()) {
            throw new IllegalStateException("CF factors cover " + cf.numItems() + " items, the target block has "
                    + split.numTargetItems());
        }
        teacher = null;
        teacherKValidation = new double[0];
        taughtBy.clear();
        if (config.neighbourWeight > 0) {
            if (sourceCf == null) {
                throw new IllegalStateException("neighbourWeight needs the source-block CF: call withSourceCf");
            }
            int[] candidates = Arrays.stream(split.warmUsers).filter(u -> split.targetTrain.rowLength(u) > 0)
                    .toArray();
            teacher = new io.crossinterest.baselines.NeighbourEvidence(sourceCf.users(), sourceCf.rank(),
                    split.targetTrain, candidates);
            teacherK = config.neighbours != JointConfig.SELECT_NEIGHBOURS ? config.neighbours : selectTeacherK();
            LOG.info("joint: neighbourhood teacher over K = {} neighbours", teacherK);
        }
        folding = null;
        userSourceCf = null;
        bridgeMap = null;
        if (config.sourceFolding) {
            if (sourceCf == null || foldingAls == null) {
                throw new IllegalStateException("sourceFolding needs the source-block CF: call withSourceCf");
            }
            folding = SourceFolding.of(split, sourceCf, foldingAls, tokenizer, encoderConfig.seqLen);
            userSourceCf = folding.foldIn(Arrays.asList(userTokens));
        }
        ComputationGraph pre = pretrained;
        if (pre == null) {
            pre = CnnEncoder.newPretrainGraph(encoderConfig);
            if (sourceCf != null && items) {
                initEmbeddings(pre, sourceCf);
            }
            pretrainLosses = CnnEncoder.pretrain(pre, userTokens, encoderConfig,
                    e -> LOG.info("joint: encoder pre-training epoch {} done", e + 1));
            LOG.info("joint: encoder pre-training losses {}", Arrays.toString(pretrainLosses));
        }

        int numCategories = Math.max(1, split.targetCategories == null ? 1 : split.targetCategories.size());
        JointNetwork net = JointNetwork.build(config, encoderConfig, cf.rank(), numCategories,
                split.numTargetItems(), folding == null ? 0 : folding.rank());
        CnnEncoder.copyParams(pre, net.graph, net.outputs.contains(CnnEncoder.DL_HEAD)
                ? CnnEncoder.encoderAndHead() : CnnEncoder.ENCODER_LAYERS);
        net.initRankHead(cf, popularityPrior ? io.crossinterest.baselines.Popularity.counts(split.targetTrain,
                io.crossinterest.baselines.Popularity.Count.USERS) : new double[split.numTargetItems()]);

        boolean byNdcg = validCold.length > 0;
        if (bridgeRidge > 0) {
            if (folding == null) {
                throw new IllegalStateException("the bridge initialisation needs source folding (s_u)");
            }
            initBridge(net, train);
        }
        // the starting point (pre-trained encoder, Q, popularity bias) is itself a candidate: epoch -1
        double best = byNdcg ? validNdcg(net.graph, validCold) : -validLoss(net, validWarm);
        INDArray bestParams = net.graph.params().dup();
        startValidation = best;
        LOG.info("joint: before training, validation {} {}", byNdcg ? "cold NDCG@10" : "loss", Math.abs(best));
        // the bridge alone, s_v = P̂_u·Q_v with the ridge map's P̂_u and no popularity bias, is one more candidate:
        // where the CF space is good the popularity prior drowns the map's ranking, and the epochs climbing back from
        // it may stop below (docs/joint-model.md, change 11). It is compared only at the end: early stopping counts
        // patience against the trained path (the start with the prior, then the epochs), so a high bridge-alone
        // score cannot end training early (change 12)
        double bare = Double.NEGATIVE_INFINITY;
        INDArray bareParams = null;
        bridgeAloneValidation = Double.NaN;
        if (bridgeRidge > 0 && byNdcg && popularityPrior && net.outputs.contains(JointNetwork.RANK)
                && net.graph.getLayer(JointNetwork.RANK).paramTable().containsKey("b")) {
            INDArray b = net.graph.getLayer(JointNetwork.RANK).getParam("b");
            INDArray prior = b.dup();
            b.assign(0);
            bare = validNdcg(net.graph, validCold);
            bareParams = net.graph.params().dup();
            bridgeAloneValidation = bare;
            LOG.info("joint: the bridge alone (no popularity bias), validation cold NDCG@10 {}", bare);
            b.assign(prior);
        }
        EarlyStopping stopping = new EarlyStopping(best, config.patience);
        train = train.clone(); // shuffled per epoch: every space starts from the same order
        for (int epoch = 0; epoch < config.maxEpochs; epoch++) {
            Random er = new Random(config.seed * 1_000_003L + epoch);
            shuffle(train, er);
            double sum = 0;
            int batches = 0;
            for (int from = 0; from < train.length; from += config.batchSize) {
                int to = Math.min(train.length, from + config.batchSize);
                net.graph.fit(batch(net, train, from, to, er));
                sum += net.graph.score();
                batches++;
            }
            double trainLoss = sum / batches;
            double validLoss = validLoss(net, validWarm);
            double ndcg = byNdcg ? validNdcg(net.graph, validCold) : Double.NaN;
            history.add(new Epoch(epoch, trainLoss, validLoss, ndcg));
            LOG.info("joint: epoch {} train loss {} valid loss {} valid-cold NDCG@10 {}", epoch + 1, trainLoss,
                    validLoss, ndcg);
            if (stopping.offer(epoch, byNdcg ? ndcg : -validLoss)) {
                bestParams = net.graph.params().dup();
            } else if (stopping.stop()) {
                break;
            }
        }
        best = stopping.best();
        bestEpoch = stopping.bestEpoch();
        keptBridgeAlone = bareParams != null && stopping.prefers(bare);
        if (keptBridgeAlone) {
            LOG.info("joint: the bridge alone ({}) beats the trained path's best ({}): kept", bare, best);
            best = bare;
            bestParams = bareParams;
            bestEpoch = -1;
        }
        net.graph.setParams(bestParams);
        bestCriterion = best;
        selectedByNdcg = byNdcg;
        scorer = new JointScorer(net.graph, encoderConfig.seqLen, config.scoring, numCategories, cf, folding);
        encodedUsers = encodeAll(scorer, userTokens);
    }

    /**
     * The teacher's K, selected on the validation cold users as source-knn selects its K
     * ({@link io.crossinterest.baselines.SourceNeighbours#selectK}). Without validation cold users: 300.
     */
    private int selectTeacherK() {
        boolean anyValid = split.validColdUsers != null && split.targetValid != null && Arrays.stream(
                split.validColdUsers).anyMatch(u -> u < split.targetValid.numRows()
                        && split.targetValid.rowLength(u) > 0);
        if (!anyValid) {
            return 300;
        }
        io.crossinterest.baselines.SourceNeighbours.KSelection s = io.crossinterest.baselines.SourceNeighbours.selectK(
                split, teacher, io.crossinterest.baselines.Popularity.counts(split.targetTrain,
                        io.crossinterest.baselines.Popularity.Count.USERS));
        teacherKValidation = s.validationNdcg();
        LOG.info("joint: teacher K by validation NDCG@10 of n_u: {} -> {}",
                Arrays.toString(io.crossinterest.baselines.SourceNeighbours.CANDIDATE_K),
                Arrays.toString(teacherKValidation));
        return s.k();
    }

    /**
     * The validation NDCG@10 of n_u alone for each candidate K of the last fit's selection, in the order of
     * {@link io.crossinterest.baselines.SourceNeighbours#CANDIDATE_K} (NaN: not tried, more than the warm users;
     * empty when K was given or not selected).
     */
    public double[] teacherKValidation() {
        return teacherKValidation.clone();
    }

    /** The teacher's K of the last fit (0 when the fit had no teacher). */
    public int teacherNeighbours() {
        return teacher == null ? 0 : teacherK;
    }

    /**
     * NDCG@10 over the validation cold users of a space's start: the ridge map s_u → P_u fitted on {@code train},
     * scored s_v = (W·s_u + b)·Q_v.
     */
    private double bridgeValidation(CfFactors t, CfFactors src, int[] train) {
        float[][] su = SourceFolding.of(split, src, foldingAls, tokenizer, encoderConfig.seqLen)
                .foldIn(Arrays.asList(userTokens));
        double[][] map = ridgeMap(su, t.users(), t.rank(), train, bridgeRidge);
        io.crossinterest.cf.als.Factors q = new io.crossinterest.cf.als.Factors(t.numItems(), t.rank(), t.items());
        return io.crossinterest.eval.ColdStartEvaluator.validationNdcg(split, (u, out) -> {
            float[] p = applyMap(map, su[u]);
            double[] phat = new double[p.length];
            for (int j = 0; j < p.length; j++) {
                phat[j] = p[j];
            }
            new io.crossinterest.cf.als.Factors(1, p.length, phat).scoreAll(0, q, out);
        });
    }

    /** What one space's {@link #fitIn} leaves behind, kept while the next family trains. */
    private final class Fitted {
        private final String space = chosenSpace;
        private final CfFactors cfFactors = cf;
        private final io.crossinterest.baselines.NeighbourEvidence neighbourTeacher = teacher;
        private final int k = teacherK;
        private final double[] kValidation = teacherKValidation;
        private final SourceFolding sourceFolding = folding;
        private final float[][] sourceReadings = userSourceCf;
        private final double[][] map = bridgeMap;
        private final double[] losses = pretrainLosses;
        private final List<Epoch> epochs = List.copyOf(history);
        private final int epoch = bestEpoch;
        private final boolean bridgeAlone = keptBridgeAlone;
        private final double start = startValidation;
        private final double bridgeAloneScore = bridgeAloneValidation;
        private final double criterion = bestCriterion;
        private final boolean byNdcg = selectedByNdcg;
        private final JointScorer fittedScorer = scorer;
        private final JointScorer.Encoded encoded = encodedUsers;

        double criterion() {
            return criterion;
        }

        void restore() {
            chosenSpace = space;
            cf = cfFactors;
            teacher = neighbourTeacher;
            teacherK = k;
            teacherKValidation = kValidation;
            folding = sourceFolding;
            userSourceCf = sourceReadings;
            bridgeMap = map;
            pretrainLosses = losses;
            history.clear();
            history.addAll(epochs);
            bestEpoch = epoch;
            keptBridgeAlone = bridgeAlone;
            startValidation = start;
            bridgeAloneValidation = bridgeAloneScore;
            bestCriterion = criterion;
            selectedByNdcg = byNdcg;
            scorer = fittedScorer;
            encodedUsers = encoded;
        }
    }

    /**
     * W2 starts at the ridge regression of the warm training users' ALS factors on their source reading, P_u ≈ W·s_u +
     * b ({@link #ridgeMap}; the H_u block of W2 at 0). The starting point is then a linear EMCDR map on s_u, and
     * training adds the encoder and the ranking loss to it. With K &gt; 1 target categories, W3 and b3 start at the
     * ridge map from that starting P̂_u to the user's category shares z_u.
     */
    private void initBridge(JointNetwork net, int[] train) {
        int r = folding.rank();
        int k = cf.rank();
        double[][] map = ridgeMap(userSourceCf, cf.users(), k, train, bridgeRidge);
        bridgeMap = map;
        INDArray w2 = net.graph.getLayer(JointNetwork.PHAT).getParam("W"); // [hidden + r, k]: H_u rows, then s_u rows
        long hidden = w2.size(0) - r;
        w2.assign(0);
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < k; j++) {
                w2.putScalar(hidden + i, j, map[i][j]);
            }
        }
        net.graph.getLayer(JointNetwork.PHAT).setParam("b", Nd4j.createFromArray(JointNetwork.toFloat(map[r]))
                .reshape(1, k));
        if (net.outputs.contains(JointNetwork.INTEREST_OUT)) {
            // the interest head likewise: I_u = W3·P̂_u + b3 starts at the ridge map from the starting P̂_u to the
            // user's category shares z_u, so a kept starting point ranks target categories too
            int numCategories = split.targetCategories.size();
            float[][] phat = new float[split.numUsers()][];
            double[] shares = new double[split.numUsers() * numCategories];
            for (int u : train) {
                phat[u] = applyMap(map, userSourceCf[u]);
                float[] z = categoryShares(u);
                for (int c = 0; c < numCategories; c++) {
                    shares[u * numCategories + c] = z[c];
                }
            }
            double[][] w3 = ridgeMap(phat, shares, numCategories, train, bridgeRidge);
            INDArray w = net.graph.getLayer(JointNetwork.INTEREST).getParam("W"); // [k, K]
            for (int j = 0; j < k; j++) {
                for (int c = 0; c < numCategories; c++) {
                    w.putScalar(j, c, w3[j][c]);
                }
            }
            net.graph.getLayer(JointNetwork.INTEREST).setParam("b", Nd4j.createFromArray(JointNetwork.toFloat(
                    w3[k])).reshape(1, numCategories));
        }
    }

    /**
     * Ridge regression y_u ≈ Wᵀ·x_u + b over {@code rows}: W = (X_cᵀX_c + λI)⁻¹ X_cᵀY_c on centred rows, b = mean(y) −
     * Wᵀ·mean(x), λ = {@code ridge}·tr(X_cᵀX_c)/r (relative to x's mean variance). x_u = {@code x[u]} (length r), y_u =
     * {@code y[u·k … u·k + k)}. Returns r + 1 rows of length k: W's rows, then b.
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
        INDArray w = org.nd4j.linalg.inverse.InvertMatrix.invert(Nd4j.createFromArray(a), false)
                .mmul(Nd4j.createFromArray(b));
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

    /** Embedding row of token t ← mean of Q_src over the source items hashed to t (first min(k, E) coordinates). */
    private void initEmbeddings(ComputationGraph g, CfFactors src) {
        INDArray w = g.getLayer(CnnEncoder.EMBEDDING).getParam("W"); // [V, E]
        int dims = (int) Math.min(src.rank(), w.size(1));
        int[] n = new int[encoderConfig.vocabSize];
        double[] y = SourceFolding.tokenFactors(split, src, tokenizer, n);
        for (int t = 0; t < n.length; t++) {
            for (int j = 0; j < dims && n[t] > 0; j++) {
                w.putScalar(t, j, y[t * src.rank() + j]);
            }
        }
    }

    /** z_uc: the share of user u's target training items in target category c (uniform without items). */
    private float[] categoryShares(int u) {
        InteractionMatrix t = split.targetTrain;
        int k = split.targetCategories.size();
        double total = 0;
        double[] cnt = new double[k];
        for (int e = t.rowStart(u); e < t.rowEnd(u); e++) {
            for (int c : split.targetItemCategories[t.col(e)]) {
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

    /** Features and labels of one batch, in the order of the network's outputs. */
    private MultiDataSet batch(JointNetwork net, int[] users, int from, int to, Random rnd) {
        int n = to - from;
        MaskedBatch mb = net.outputs.contains(CnnEncoder.DL_HEAD)
                ? MaskedBatch.of(userTokens, users, from, to, encoderConfig.seqLen, encoderConfig.vocabSize,
                        encoderConfig.maskFraction, rnd)
                : null;
        INDArray input = mb != null ? mb.input : SourceTokenizer.window(tokensOf(users, from, to),
                encoderConfig.seqLen);
        InteractionMatrix t = split.targetTrain;
        INDArray[] labels = new INDArray[net.outputs.size()];
        for (int o = 0; o < labels.length; o++) {
            switch (net.outputs.get(o)) {
                case JointNetwork.CF -> { // P_u rows
                    float[][] p = new float[n][cf.rank()];
                    for (int r = 0; r < n; r++) {
                        int u = users[from + r];
                        for (int j = 0; j < cf.rank(); j++) {
                            p[r][j] = (float) cf.users()[u * cf.rank() + j];
                        }
                    }
                    labels[o] = Nd4j.createFromArray(p);
                }
                case JointNetwork.RANK -> {
                    // y_u = (1 − η)·own_u + η·n_u: own_uv = 1/|items of u| on the user's target items, n_u the
                    // neighbourhood teacher (η = 0, or no similar warm user: own_u alone)
                    float[][] y = new float[n][split.numTargetItems()];
                    double[] nu = teacher == null ? null : new double[split.numTargetItems()];
                    for (int r = 0; r < n; r++) {
                        int u = users[from + r];
                        boolean taught = teacher != null && teacher.distribution(
                                taughtBy.computeIfAbsent(u, x -> teacher.neighbours(x, teacherK)), nu);
                        double eta = taught ? config.neighbourWeight : 0.0;
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
                    float[][] y = new float[n][split.numTargetItems()];
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
                        z[r] = categoryShares(users[from + r]);
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
            l.add(userTokens[users[r]]);
        }
        return l;
    }

    /** Mean loss on the warm validation slice (fixed masking seed, so epochs compare). */
    private double validLoss(JointNetwork net, int[] users) {
        Random rnd = new Random(config.seed ^ 0x5DEECE66DL);
        double sum = 0;
        for (int from = 0; from < users.length; from += config.batchSize) {
            int to = Math.min(users.length, from + config.batchSize);
            sum += net.graph.score(batch(net, users, from, to, rnd), false) * (to - from);
        }
        return sum / users.length;
    }

    /** NDCG@10 of the validation cold users against their hidden rows in targetValid. */
    private double validNdcg(ComputationGraph graph, int[] users) {
        JointScorer s = new JointScorer(graph, encoderConfig.seqLen, config.scoring,
                Math.max(1, split.targetCategories == null ? 1 : split.targetCategories.size()), cf, folding);
        JointScorer.Encoded enc = encodeAll(s, tokensFor(users));
        double[] scores = new double[split.numTargetItems()];
        double sum = 0;
        for (int r = 0; r < users.length; r++) {
            s.itemScores(enc.phat()[r], enc.interest() == null ? null : enc.interest()[r], scores);
            sum += ndcgAt(scores, split, split.targetValid, users[r], 10);
        }
        return sum / users.length;
    }

    private int[][] tokensFor(int[] users) {
        int[][] t = new int[users.length][];
        for (int r = 0; r < users.length; r++) {
            t[r] = userTokens[users[r]];
        }
        return t;
    }

    static JointScorer.Encoded encodeAll(JointScorer s, int[][] tokens) {
        int batch = 256;
        float[][] phat = new float[tokens.length][];
        float[][] interest = null;
        for (int from = 0; from < tokens.length; from += batch) {
            int to = Math.min(tokens.length, from + batch);
            JointScorer.Encoded e = s.encode(Arrays.asList(Arrays.copyOfRange(tokens, from, to)));
            System.arraycopy(e.phat(), 0, phat, from, to - from);
            if (e.interest() != null) {
                if (interest == null) {
                    interest = new float[tokens.length][];
                }
                System.arraycopy(e.interest(), 0, interest, from, to - from);
            }
        }
        return new JointScorer.Encoded(phat, interest);
    }

    /**
     * NDCG@k with binary relevance over the items that are prediction targets for the user (not seen in training, not
     * a twin of the user's source items: {@link CrossDomainSplit#markSeen}):
     * DCG = Σ_{i≤k, item_i relevant} 1/log2(i+1), IDCG = Σ_{i≤min(|rel|,k)} 1/log2(i+1).
     */
    static double ndcgAt(double[] scores, CrossDomainSplit split, InteractionMatrix truth, int user, int k) {
        boolean[] seen = new boolean[scores.length];
        split.markSeen(user, seen, true, false);
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
        int[] top = topK(s, k);
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

    /** Indices of the k largest scores, best first (ties by lower index). */
    static int[] topK(double[] s, int k) {
        k = Math.min(k, s.length);
        int[] top = new int[k];
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (n < k || s[i] > s[top[n - 1]]) {
                int p = n < k ? n++ : n - 1;
                while (p > 0 && s[top[p - 1]] < s[i]) {
                    top[p] = top[p - 1];
                    p--;
                }
                top[p] = i;
            }
        }
        return Arrays.copyOf(top, n);
    }

    private void requireFitted() {
        if (scorer == null) {
            throw new IllegalStateException("joint model is not fitted");
        }
    }

    @Override
    public void scoreItems(int user, double[] out) {
        requireFitted();
        scorer.itemScores(userTokens[user], encodedUsers.phat()[user],
                encodedUsers.interest() == null ? null : encodedUsers.interest()[user], out);
    }

    /** "deep": the deep path alone (encoder → P̂ → scores), without the wide path's blend. */
    @Override
    public java.util.Map<String, io.crossinterest.eval.ColdStartEvaluator.UserScorer> parts() {
        requireFitted();
        return java.util.Map.of("deep", (user, out) -> scorer.itemScores(encodedUsers.phat()[user],
                encodedUsers.interest() == null ? null : encodedUsers.interest()[user], out));
    }

    @Override
    public double[] categoryInterest(int user) {
        requireFitted();
        return encodedUsers.interest() == null ? null
                : JointScorer.interestDistribution(encodedUsers.interest()[user]);
    }

    /** The ridge map s_u → P_u that W2 started from in the last fit (rows of W, then b); null without it. */
    /** The CF space of the last fit ({@link #withCfSpaces}), or null when the model was given one factorizer. */
    public String cfSpace() {
        return chosenSpace;
    }

    /** Each candidate space's bridge validation NDCG@10 in the last fit (empty when there was no choice). */
    java.util.Map<String, Double> cfSpaceValidation() {
        return java.util.Collections.unmodifiableMap(spaceValidation);
    }

    double[][] bridgeMap() {
        return bridgeMap;
    }

    /** P̂_u of a user of the fitted split. */
    public float[] predictedFactors(int user) {
        requireFitted();
        return encodedUsers.phat()[user].clone();
    }

    public JointScorer scorer() {
        requireFitted();
        return scorer;
    }

    public SourceTokenizer tokenizer() {
        requireFitted();
        return tokenizer;
    }

    public EncoderConfig encoderConfig() {
        requireFitted();
        return encoderConfig;
    }

    /** The token sequence of a user of the fitted split. */
    public int[] userTokens(int user) {
        requireFitted();
        return userTokens[user].clone();
    }

    public CfFactors cfFactors() {
        requireFitted();
        return cf;
    }

    public CrossDomainSplit split() {
        requireFitted();
        return split;
    }

    public double[] pretrainLosses() {
        return pretrainLosses.clone();
    }

    public List<Epoch> history() {
        return List.copyOf(history);
    }

    /**
     * e.g. {@code "epoch=7 of 10, teacher k=100, validation ndcg@10=0.0446"} (epoch 0: the starting point, before
     * training; the teacher's K when there is one).
     */
    @Override
    public String selection() {
        requireFitted();
        return String.format(java.util.Locale.ROOT, "%sepoch=%d%s of %d, %s%s%s",
                chosenSpace == null ? "" : "space=" + chosenSpace + ", ", bestEpoch + 1,
                keptBridgeAlone ? " (bridge alone)" : "", history.size(),
                teacher == null ? "" : "teacher k=" + teacherK + ", ",
                selectedByNdcg ? String.format(java.util.Locale.ROOT, "validation ndcg@10=%.4f", bestCriterion)
                        : String.format(java.util.Locale.ROOT, "warm validation loss=%.4f", -bestCriterion),
                wideValidation.isEmpty() ? "" : String.format(java.util.Locale.ROOT,
                        ", wide path k=%d weight=%s (validation ndcg@10=%.4f)", wideK, wideWeight,
                        wideValidation.get(wideWeight)));
    }

    /** The wide path's weight γ in the last fit (0: the deep path alone). */
    public double wideWeight() {
        return wideWeight;
    }

    /** Validation cold NDCG@10 of each candidate γ in the last fit (empty: no wide path was tried). */
    public java.util.Map<Double, Double> wideValidation() {
        return java.util.Collections.unmodifiableMap(wideValidation);
    }

    /** The epoch whose weights were kept (0-based; -1: no epoch improved on the starting point). */
    public int bestEpoch() {
        return bestEpoch;
    }

    /**
     * Whether the kept weights are the bridge alone (the start with ranking-head bias 0), which beat every point of
     * the trained path; then {@link #bestEpoch()} is -1.
     */
    public boolean keptBridgeAlone() {
        return keptBridgeAlone;
    }

    /** The selection criterion of the start, before training (validation cold NDCG@10, or minus the warm loss). */
    public double startValidation() {
        return startValidation;
    }

    /** The selection criterion of the kept weights (validation cold NDCG@10, or minus the warm loss). */
    public double bestCriterion() {
        requireFitted();
        return bestCriterion;
    }

    /** Validation cold NDCG@10 of the bridge alone; NaN when it was not a candidate. */
    public double bridgeAloneValidation() {
        return bridgeAloneValidation;
    }

    private static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}

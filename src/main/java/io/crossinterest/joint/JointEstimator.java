package io.crossinterest.joint;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.data.CrossDomainData;
import io.crossinterest.encoder.CnnEncoder;
import io.crossinterest.neighbours.PopularityCounts;

import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fits the joint transfer model (DESIGN §3.4, docs/joint-model.md) on a {@link CrossDomainData}:
 * the estimator of {@link JointModel}, with every setting in {@link JointParams}. A fit is a short
 * sequence of steps, each its own class:
 *
 * <ol>
 *   <li>the users and their source tokens ({@link FitInput});
 *   <li>the CF space, chosen per split among the candidates ({@link CfSpaceChoice}); in each space
 *       trained:
 *       <ol>
 *         <li>the neighbourhood teacher of the ranking loss ({@link NeighbourTeacher});
 *         <li>the source fold-in s_u fed next to H_u ({@link SourceFolding});
 *         <li>the encoder's pre-training, its embeddings started from the source CF ({@link
 *             EncoderPretraining});
 *         <li>the network ({@link JointNetwork}) with its ranking head at Q and the bridge start of
 *             W2 ({@link BridgeStart});
 *         <li>the training loop with early stopping ({@link JointTraining}, {@link EarlyStopping});
 *       </ol>
 *   <li>the wide path's weight ({@link WidePathWeight}).
 * </ol>
 *
 * Model selection reads only the data's validation cold users (and a slice of the warm users).
 */
public final class JointEstimator {
    private final JointParams params;
    private final List<List<CfSpace>> families;

    /**
     * The estimator with the CF spaces of {@code params}: the separate spaces, and the collective
     * ones if any.
     */
    public JointEstimator(JointParams params) {
        this(params, spaces(params));
    }

    /** The estimator with one {@link CfSpace#given} factorisation (tests and the harness). */
    public JointEstimator(JointParams params, CfSpace space) {
        this(params, List.of(List.of(space)));
    }

    /** The estimator with candidate CF spaces in families ({@link CfSpaceChoice}). */
    public JointEstimator(JointParams params, List<List<CfSpace>> families) {
        if (families.isEmpty() || families.stream().anyMatch(List::isEmpty)) {
            throw new IllegalArgumentException(
                    "every family of CF spaces needs a candidate: " + families);
        }
        if (families.stream().flatMap(List::stream).anyMatch(s -> s.name() == null)
                && (families.size() > 1 || families.get(0).size() > 1)) {
            throw new IllegalArgumentException(
                    "a given CF space must be the only candidate: " + families);
        }
        this.params = params;
        this.families = families.stream().map(List::copyOf).toList();
    }

    /**
     * Two families trained side by side: the separate spaces, and the collective one whose start is
     * best.
     */
    private static List<List<CfSpace>> spaces(JointParams params) {
        AlsConfig als = params.als();
        CfSpace separate = CfSpace.separate(als);
        if (params.collectiveWeights.isEmpty()) {
            return List.of(List.of(separate));
        }
        List<CfSpace> collective = new ArrayList<>();
        for (double w : params.collectiveWeights) {
            collective.add(CfSpace.collective(als, w));
        }
        return List.of(List.of(separate), collective);
    }

    public JointParams params() {
        return params;
    }

    public JointModel fit(CrossDomainData data) {
        return fit(data, null);
    }

    /**
     * As {@link #fit(CrossDomainData)}, starting from an already pre-trained encoder (from {@link
     * CnnEncoder#newPretrainGraph} and {@link CnnEncoder#pretrain}, e.g. the previous model
     * version's) instead of pre-training one; its configuration must equal this fit's encoder
     * configuration (with the tokenizer's vocabulary). Null: pre-train.
     */
    public JointModel fit(CrossDomainData data, ComputationGraph pretrainedEncoder) {
        FitInput in = FitInput.of(data, params);
        // the source-block CF serves the fold-in s_u, the teacher, and the embedding initialisation
        // (item tokens)
        boolean needSourceCf =
                params.sourceFolding
                        || params.neighbourWeight > 0
                        || (pretrainedEncoder == null && in.itemTokens());
        CfSpaceChoice.Result chosen =
                CfSpaceChoice.choose(
                        in,
                        families,
                        needSourceCf,
                        (name, target, source, space) ->
                                trainIn(in, name, target, source, space, pretrainedEncoder));
        TrainedSpace t = chosen.best();
        WidePathWeight.Result wide =
                WidePathWeight.choose(in, t.scorer(), t.scorer().encodeAll(in.userTokens()));
        JointTraining.Result r = t.training();
        NeighbourTeacher teacher = t.teacher();
        JointFitReport report =
                new JointFitReport(
                        t.name(),
                        chosen.startValidation(),
                        teacher == null ? 0 : teacher.k(),
                        teacher == null ? new double[0] : teacher.kValidation(),
                        t.pretrainLosses(),
                        r.history(),
                        r.bestEpoch(),
                        r.keptBridgeAlone(),
                        r.startValidation(),
                        r.bridgeAloneValidation(),
                        r.bestCriterion(),
                        r.selectedByNdcg(),
                        params.wideNeighbours,
                        wide.weight(),
                        wide.validation(),
                        t.bridgeMap());
        return JointModel.fitted(in, wide.scorer(), t.cf(), report);
    }

    /**
     * The steps of a fit in one CF space: teacher, fold-in, encoder, network and its start,
     * training.
     */
    private TrainedSpace trainIn(
            FitInput in,
            String name,
            CfFactors cf,
            CfFactors sourceCf,
            CfSpace space,
            ComputationGraph pretrained) {
        CrossDomainData data = in.data();
        if (cf.numItems() != data.numTargetItems()) {
            throw new IllegalStateException(
                    "CF factors cover "
                            + cf.numItems()
                            + " items, the target block has "
                            + data.numTargetItems());
        }
        NeighbourTeacher teacher = NeighbourTeacher.fit(in, sourceCf);
        SourceFolding folding = null;
        float[][] userSourceCf = null;
        if (params.sourceFolding) {
            if (sourceCf == null || space.als() == null) {
                throw new IllegalStateException(
                        "sourceFolding needs the source-block CF: give the CF space a source"
                                + " factorisation and its ALS settings");
            }
            folding =
                    SourceFolding.of(
                            data, sourceCf, space.als(), in.tokenizer(), in.encoder().seqLen);
            userSourceCf = folding.foldIn(Arrays.asList(in.userTokens()));
        }
        EncoderPretraining.Result pre = EncoderPretraining.run(in, sourceCf, pretrained);
        JointNetwork net =
                JointNetwork.build(
                        params,
                        in.encoder(),
                        cf.rank(),
                        in.numCategories(),
                        data.numTargetItems(),
                        folding == null ? 0 : folding.rank());
        CnnEncoder.copyParams(
                pre.graph(),
                net.graph,
                net.outputs.contains(CnnEncoder.DL_HEAD)
                        ? CnnEncoder.encoderAndHead()
                        : CnnEncoder.ENCODER_LAYERS);
        net.initRankHead(
                cf,
                params.popularityPrior
                        ? PopularityCounts.of(data.targetTrain, PopularityCounts.Count.USERS)
                        : new double[data.numTargetItems()]);
        double[][] bridgeMap =
                params.bridgeRidge > 0
                        ? BridgeStart.init(net, in, cf, folding, userSourceCf)
                        : null;
        JointTraining.Result r =
                new JointTraining(in, net, cf, folding, userSourceCf, teacher).run();
        JointScorer scorer =
                new JointScorer(
                        net.graph,
                        in.encoder().seqLen,
                        params.scoring,
                        in.numCategories(),
                        cf,
                        folding);
        return new TrainedSpace(name, cf, teacher, bridgeMap, pre.losses(), r, scorer);
    }
}

package io.crossinterest.joint;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.eval.ColdStartModel;
import io.crossinterest.eval.ColdStartModelProvider;
import io.crossinterest.eval.ModelSettings;

/**
 * {@code joint} for {@code evaluate --models} (and {@code train}, {@code demo}): {@link JointConfig#defaults()} with the
 * run's seed and epoch bound, plus what the Amazon measurements favoured (docs/joint-model.md, changes 6–8): the token
 * embeddings start from the source block's ALS item factors, the source block's CF reading s_u is fed next to H_u into
 * W2, and the ranking loss is taught by the user's {@value #TEACHER_NEIGHBOURS} nearest warm users in the source CF
 * space with weight η = {@value #TEACHER_WEIGHT} (a fixed K: selecting it on validation as source-knn does measured
 * worse for the student, docs/joint-model.md change 9). W2 starts at the ridge map from s_u to the ALS factors P_u
 * instead of at random (change 10). The CF spaces are chosen per split (change 11): the separate target and source
 * factorisations, and a collective one [w·R_s | R_t] with w picked by its start, are each trained, and the one that
 * ranks the validation cold users better is kept. The trained deep path is then blended with the wide path (change 13):
 * the target rows of the {@value #WIDE_NEIGHBOURS} warm users whose source token sets overlap the user's most, with
 * the weight chosen on the validation cold users (0 keeps the deep path alone). All factors come from implicit ALS with
 * the baselines' settings ({@link ModelSettings#als()}), so the joint model sees the Q that target-cf and EMCDR see, or
 * the one CMF sees.
 */
public final class JointModelProvider implements ColdStartModelProvider {
    static final double TEACHER_WEIGHT = 0.8;
    static final int TEACHER_NEIGHBOURS = 300;
    /** K of the wide path's item-set neighbours (change 13; the weight γ is chosen on validation). */
    static final int WIDE_NEIGHBOURS = 300;
    /** λ of the ridge map s_u → P_u that W2 starts from, relative to the mean variance of s_u (change 10). */
    static final double BRIDGE_RIDGE = 0.01;
    /**
     * Source weights w of the collective CF spaces [w·R_s | R_t] (CMF's grid); the fit picks one by its start and
     * trains it next to the separate spaces (change 11).
     */
    static final double[] COLLECTIVE_WEIGHTS = {0.25, 1.0, 4.0};

    @Override
    public String name() {
        return "joint";
    }

    @Override
    public ColdStartModel create(ModelSettings s) {
        return create(s, JointConfig.defaults().encoder);
    }

    static JointModel create(ModelSettings s, io.crossinterest.encoder.EncoderConfig encoder) {
        return create(s, encoder, true);
    }

    /**
     * The model of {@link #create(ModelSettings)} with the encoder's pre-training epochs and window L (the last L
     * source tokens; the Conv1D's cost grows with L) given and, with {@code collectiveSpaces} false, the separate CF
     * spaces alone (no collective family trained next to them: half the pre-training and training). For runs that
     * trade quality for time, such as {@code demo}'s default; the defaults of {@code train} and {@code evaluate} are
     * {@link #create(ModelSettings)}'s.
     */
    public static JointModel create(ModelSettings s, int pretrainEpochs, int seqLen, boolean collectiveSpaces) {
        io.crossinterest.encoder.EncoderConfig e = JointConfig.defaults().encoder;
        return create(s, e.withTraining(e.learningRate, e.batchSize, pretrainEpochs).withSeqLen(seqLen),
                collectiveSpaces);
    }

    private static JointModel create(ModelSettings s, io.crossinterest.encoder.EncoderConfig encoder,
            boolean collectiveSpaces) {
        JointConfig d = JointConfig.defaults().withEncoder(encoder).withSeed(s.seed);
        JointConfig c = d.withTraining(d.learningRate, d.batchSize, s.maxEpochs, d.patience).withSourceFolding(true)
                .withNeighbourTeacher(TEACHER_WEIGHT, TEACHER_NEIGHBOURS);
        AlsConfig als = s.als();
        // two families trained side by side: the separate spaces, and the collective one whose start is best
        java.util.List<CfSpace> collective = new java.util.ArrayList<>();
        for (double w : COLLECTIVE_WEIGHTS) {
            collective.add(CfSpace.collective(als, w));
        }
        CfSpace separate = CfSpace.separate(als);
        java.util.List<java.util.List<CfSpace>> families = collectiveSpaces
                ? java.util.List.of(java.util.List.of(separate), collective)
                : java.util.List.of(java.util.List.of(separate));
        return new JointModel(c, separate.target()).withCfSpaces(families, als).withBridgeInit(BRIDGE_RIDGE)
                .withWidePath(WIDE_NEIGHBOURS);
    }

    /**
     * {@code joint-category-tokens}: the same model with the encoder reading source categories instead of hashed
     * source items (token = the category of each behaviour, one per category of a multi-category item; the fold-in
     * reads a category token as the mean ALS factor of its items). The ablation of issue "item vs category tokens":
     * meaningful where the source block has several categories (MovieLens genres); on an Amazon pair the source block
     * is one category, so its tokens only carry the history length.
     */
    public static final class CategoryTokens implements ColdStartModelProvider {
        @Override
        public String name() {
            return "joint-category-tokens";
        }

        @Override
        public boolean runsByDefault() {
            return false;
        }

        @Override
        public ColdStartModel create(ModelSettings s) {
            // the vocabulary is set from the split's source categories at fit (SourceTokenizer.forSplit)
            return JointModelProvider.create(s, JointConfig.defaults().encoder
                    .withTokens(io.crossinterest.encoder.TokenScheme.CATEGORIES, 2)).named(name());
        }
    }
}

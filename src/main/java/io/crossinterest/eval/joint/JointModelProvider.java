package io.crossinterest.eval.joint;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.encoder.EncoderConfig;
import io.crossinterest.encoder.TokenScheme;
import io.crossinterest.eval.ColdStartModel;
import io.crossinterest.eval.ColdStartModelProvider;
import io.crossinterest.eval.ModelSettings;
import io.crossinterest.joint.JointEstimator;
import io.crossinterest.joint.JointParams;

import java.util.List;

/**
 * {@code joint} for {@code evaluate --models} (and {@code train}, {@code demo}): {@link
 * JointParams#defaults()} with the run's seed, epoch bound, factor rank, ALS iterations and
 * resources ({@link #params}).
 */
public final class JointModelProvider implements ColdStartModelProvider {
    public static final String NAME = "joint";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ColdStartModel create(ModelSettings s) {
        return new JointColdStartModel(
                NAME, new JointEstimator(params(s, JointParams.defaults().encoder)));
    }

    /**
     * The joint model's settings for a run: {@link JointParams#defaults()} with {@code encoder},
     * the run's seed (the encoder's too), its largest number of epochs, and the baselines' factor
     * rank and ALS iterations, so the joint model sees the Q that target-cf and EMCDR see, or the
     * one CMF sees.
     */
    public static JointParams params(ModelSettings s, EncoderConfig encoder) {
        JointParams d = JointParams.defaults().withEncoder(encoder).withSeed(s.seed);
        return d.withTraining(d.learningRate, d.batchSize, s.maxEpochs, d.patience)
                .withCf(
                        s.rank,
                        s.alsIterations,
                        AlsConfig.IMPLICIT_LAMBDA,
                        AlsConfig.IMPLICIT_ALPHA)
                .withResources(s.threads, s.alsParallelism);
    }

    /**
     * The model of {@link #create(ModelSettings)} with the encoder's pre-training epochs and window
     * L (the last L source tokens; the Conv1D's cost grows with L) given and, with {@code
     * collectiveSpaces} false, the separate CF spaces alone (no collective family trained next to
     * them: half the pre-training and training). For runs that trade quality for time, such as
     * {@code demo}'s default; the defaults of {@code train} and {@code evaluate} are {@link
     * #create(ModelSettings)}'s.
     */
    public static JointColdStartModel create(
            ModelSettings s, int pretrainEpochs, int seqLen, boolean collectiveSpaces) {
        EncoderConfig e = JointParams.defaults().encoder;
        JointParams p =
                params(
                        s,
                        e.withTraining(e.learningRate, e.batchSize, pretrainEpochs)
                                .withSeqLen(seqLen));
        return new JointColdStartModel(
                NAME,
                new JointEstimator(collectiveSpaces ? p : p.withCollectiveWeights(List.of())));
    }

    /**
     * {@code joint-category-tokens}: the same model with the encoder reading source categories
     * instead of hashed source items (token = the category of each behaviour, one per category of a
     * multi-category item; the fold-in reads a category token as the mean ALS factor of its items).
     * The ablation of issue "item vs category tokens": meaningful where the source block has
     * several categories (MovieLens genres); on an Amazon pair the source block is one category, so
     * its tokens only carry the history length.
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
            // the vocabulary is set from the split's source categories at fit
            // (SourceTokenizer.forSplit)
            return new JointColdStartModel(
                    name(),
                    new JointEstimator(
                            params(
                                    s,
                                    JointParams.defaults()
                                            .encoder
                                            .withTokens(TokenScheme.CATEGORIES, 2))));
        }
    }
}

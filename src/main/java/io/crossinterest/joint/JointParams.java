package io.crossinterest.joint;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.encoder.EncoderConfig;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Every setting of the joint transfer model (DESIGN §3.4), the one home of its parameters: what
 * {@link JointEstimator} fits with, written into a bundle's metadata.json ({@link JointBundle}).
 * Immutable; {@code withX} returns a copy. One settings class rather than Flink ML's {@code
 * WithParams}: the joint model trains in process (not on Flink tables), its settings nest the
 * encoder's {@link EncoderConfig} and are read back from bundles as JSON, as the encoder's and
 * ALS's settings are.
 *
 * <p>Loss, summed over a mini-batch of warm training users (each term off when its weight is 0):
 *
 * <pre>
 *   L = wMse·‖P̂_u − P_u‖²/k                       (L_CF, regression onto the ALS user factors)
 *     + wRank·(−Σ_v y_uv log softmax_v(P̂_u·Q_v + b_v))   (L_CF, listwise ranking of the user's target items, y_u
 *                                                        their distribution)
 *     + wItems·BCE(σ(W4·I_u + b4), 1[v ∈ target items of u])   (L_CF on the seed's W3/W4 path)
 *     + wInterest·(−Σ_c z_uc log softmax_c(I_u))      (category-level interest; only when K &gt; 1)
 *     + wDl·L_DL                                      (the encoder's own masked-token cross-entropy)
 * </pre>
 *
 * {@code tuneQ}: the ranking head starts at the ALS item factors Q and is trained with its item
 * bias; otherwise Q is fixed (no bias). {@code freezeEncoder}: the pre-trained encoder is not
 * updated (no transfer fine-tuning). Early stopping: after each epoch, NDCG@10 of the validation
 * cold users (targetValid) when the split has them, else the loss on a held-out slice ({@code
 * validFraction}) of the warm users; the best epoch's weights are kept and training stops after
 * {@code patience} epochs without improvement on the trained path ({@link EarlyStopping}: the
 * start, then the epochs; a candidate off the path, the bridge alone, is compared with the path's
 * best at the end).
 *
 * <p>Three presets: {@link #defaults()} (what {@code joint} runs with: docs/joint-model.md, changes
 * 6–13), {@link #revisedFormulation()} (the deep path of change 5 alone) and {@link
 * #seedFormulation()} (DESIGN's).
 */
public final class JointParams implements Serializable {
    private static final long serialVersionUID = 2L;

    /** {@link #neighbours} value: select the teacher's K on the validation cold users. */
    public static final int SELECT_NEIGHBOURS = 0;

    /**
     * The candidate weights γ of the wide path, selected on the validation cold users (0: the deep
     * path alone).
     */
    static final double[] WIDE_WEIGHTS = {0, 0.25, 0.5, 0.75, 0.9, 0.99};

    public final EncoderConfig encoder;
    public final double wMse;
    public final double wRank;
    public final double wItems;
    public final double wInterest;
    public final double wDl;
    public final boolean freezeEncoder;
    public final boolean tuneQ;

    /** Feed the source block's CF reading s_u ({@link SourceFolding}) next to H_u into W2. */
    public final boolean sourceFolding;

    public final ScoringPath scoring;
    public final double learningRate;

    /**
     * L2 penalty (DL4J's l2) on the weights of W2 and the ranking head's Q (not the encoder, not
     * biases); 0 = off.
     */
    public final double l2;

    /** Dropout on the input of W2 (the probability of dropping a unit while training); 0 = off. */
    public final double dropout;

    /**
     * η: weight of the neighbourhood teacher in the ranking loss's target distribution, y_u = (1 −
     * η)·own_u + η·n_u, n_u the target behaviour of u's {@code neighbours} nearest warm users in
     * the source CF space ({@link NeighbourTeacher}); 0 = off.
     */
    public final double neighbourWeight;

    /**
     * The teacher's K; {@link #SELECT_NEIGHBOURS} (0): chosen at fit on the validation cold users
     * from {@link io.crossinterest.neighbours.KSelection#CANDIDATE_K}, by the NDCG@10 of n_u alone
     * (as source-knn chooses its K).
     */
    public final int neighbours;

    public final int batchSize;
    public final int maxEpochs;
    public final int patience;
    public final double validFraction;
    public final long seed;

    /**
     * λ of the ridge map s_u → P_u that W2 starts from ({@link BridgeStart}), relative to the mean
     * variance of s_u; 0 = W2 starts at random. Needs {@link #sourceFolding}.
     */
    public final double bridgeRidge;

    /**
     * Whether the ranking head's bias starts at the popularity prior log(1 + n_v) or at 0 (P̂_u·Q_v
     * alone).
     */
    public final boolean popularityPrior;

    /**
     * K of the wide path's item-set neighbours, blended in with the weight γ chosen on the
     * validation cold users ({@link WidePathWeight}); 0 = the deep path alone.
     */
    public final int wideNeighbours;

    /**
     * Source weights w of the collective CF spaces [w·R_s | R_t] trained next to the separate
     * spaces; one is picked by its start ({@link CfSpaceChoice}). Empty: the separate spaces alone.
     */
    public final List<Double> collectiveWeights;

    /** The implicit ALS of every CF space: rank, iterations, λ, α (its seed is {@link #seed}). */
    public final int cfRank;

    public final int cfIterations;
    public final double cfLambda;
    public final double cfAlpha;

    /**
     * Where the factorisations run (ALS threads; parallelism &gt; 1: a Flink job). Not a setting of
     * the model.
     */
    @JsonIgnore public final int threads;

    @JsonIgnore public final int alsParallelism;

    private JointParams(Builder b) {
        require(
                b.wMse >= 0 && b.wRank >= 0 && b.wItems >= 0 && b.wInterest >= 0 && b.wDl >= 0,
                "loss weights must be >= 0");
        require(
                b.wMse + b.wRank + b.wItems > 0,
                "at least one L_CF weight (wMse, wRank, wItems) must be > 0");
        require(
                b.scoring != ScoringPath.W4 || b.wItems > 0,
                "scoring W4 needs wItems > 0 (the W4 head is trained by it)");
        require(b.learningRate > 0, "learningRate must be > 0");
        require(b.l2 >= 0, "l2 must be >= 0");
        require(b.dropout >= 0 && b.dropout < 1, "dropout must be in [0, 1)");
        require(
                b.neighbourWeight >= 0 && b.neighbourWeight < 1,
                "neighbourWeight must be in [0, 1)");
        require(b.neighbours >= 0, "neighbours must be >= 1, or 0 to select it on validation");
        require(
                b.neighbourWeight == 0 || b.wRank > 0,
                "neighbourWeight shapes the ranking loss: it needs wRank > 0");
        require(
                b.batchSize >= 1 && b.maxEpochs >= 1 && b.patience >= 1,
                "batchSize, maxEpochs, patience must be >= 1");
        require(b.validFraction > 0 && b.validFraction < 1, "validFraction must be in (0, 1)");
        require(b.bridgeRidge >= 0, "bridge ridge must be >= 0, got " + b.bridgeRidge);
        require(
                b.bridgeRidge == 0 || b.sourceFolding,
                "the bridge initialisation needs source folding (s_u)");
        require(
                b.wideNeighbours >= 0,
                "wide-path neighbours must be >= 0, got " + b.wideNeighbours);
        require(
                b.collectiveWeights.stream().allMatch(w -> w > 0),
                "collective source weights must be > 0");
        require(
                b.cfRank >= 1 && b.cfIterations >= 1 && b.cfLambda >= 0 && b.cfAlpha >= 0,
                "CF rank and iterations must be >= 1, lambda and alpha >= 0");
        require(
                b.threads >= 1 && b.alsParallelism >= 1,
                "threads and ALS parallelism must be >= 1");
        this.encoder = Objects.requireNonNull(b.encoder, "encoder");
        this.wMse = b.wMse;
        this.wRank = b.wRank;
        this.wItems = b.wItems;
        this.wInterest = b.wInterest;
        this.wDl = b.wDl;
        this.freezeEncoder = b.freezeEncoder;
        this.tuneQ = b.tuneQ;
        this.sourceFolding = b.sourceFolding;
        this.scoring = Objects.requireNonNull(b.scoring, "scoring");
        this.learningRate = b.learningRate;
        this.l2 = b.l2;
        this.dropout = b.dropout;
        this.neighbourWeight = b.neighbourWeight;
        this.neighbours = b.neighbours;
        this.batchSize = b.batchSize;
        this.maxEpochs = b.maxEpochs;
        this.patience = b.patience;
        this.validFraction = b.validFraction;
        this.seed = b.seed;
        this.bridgeRidge = b.bridgeRidge;
        this.popularityPrior = b.popularityPrior;
        this.wideNeighbours = b.wideNeighbours;
        this.collectiveWeights = List.copyOf(b.collectiveWeights);
        this.cfRank = b.cfRank;
        this.cfIterations = b.cfIterations;
        this.cfLambda = b.cfLambda;
        this.cfAlpha = b.cfAlpha;
        this.threads = b.threads;
        this.alsParallelism = b.alsParallelism;
    }

    /**
     * Reads the {@code config} of a bundle's metadata.json. Settings a bundle before format 5 does
     * not hold (they were not settings of the model then) read as off (bridge, wide path,
     * collective spaces) or as the defaults (ALS).
     */
    @JsonCreator
    static JointParams fromJson(
            @JsonProperty("encoder") EncoderConfig encoder,
            @JsonProperty("wMse") double wMse,
            @JsonProperty("wRank") double wRank,
            @JsonProperty("wItems") double wItems,
            @JsonProperty("wInterest") double wInterest,
            @JsonProperty("wDl") double wDl,
            @JsonProperty("freezeEncoder") boolean freezeEncoder,
            @JsonProperty("tuneQ") boolean tuneQ,
            @JsonProperty("sourceFolding") boolean sourceFolding,
            @JsonProperty("scoring") ScoringPath scoring,
            @JsonProperty("learningRate") double learningRate,
            @JsonProperty("l2") double l2,
            @JsonProperty("dropout") double dropout,
            @JsonProperty("neighbourWeight") double neighbourWeight,
            @JsonProperty("neighbours") int neighbours,
            @JsonProperty("batchSize") int batchSize,
            @JsonProperty("maxEpochs") int maxEpochs,
            @JsonProperty("patience") int patience,
            @JsonProperty("validFraction") double validFraction,
            @JsonProperty("seed") long seed,
            @JsonProperty("bridgeRidge") Double bridgeRidge,
            @JsonProperty("popularityPrior") Boolean popularityPrior,
            @JsonProperty("wideNeighbours") Integer wideNeighbours,
            @JsonProperty("collectiveWeights") List<Double> collectiveWeights,
            @JsonProperty("cfRank") Integer cfRank,
            @JsonProperty("cfIterations") Integer cfIterations,
            @JsonProperty("cfLambda") Double cfLambda,
            @JsonProperty("cfAlpha") Double cfAlpha) {
        Builder b = new Builder(defaults());
        b.encoder = encoder;
        b.wMse = wMse;
        b.wRank = wRank;
        b.wItems = wItems;
        b.wInterest = wInterest;
        b.wDl = wDl;
        b.freezeEncoder = freezeEncoder;
        b.tuneQ = tuneQ;
        b.sourceFolding = sourceFolding;
        b.scoring = scoring;
        b.learningRate = learningRate;
        b.l2 = l2;
        b.dropout = dropout;
        b.neighbourWeight = neighbourWeight;
        b.neighbours = neighbours;
        b.batchSize = batchSize;
        b.maxEpochs = maxEpochs;
        b.patience = patience;
        b.validFraction = validFraction;
        b.seed = seed;
        b.bridgeRidge = bridgeRidge == null ? 0 : bridgeRidge;
        b.popularityPrior = popularityPrior == null || popularityPrior;
        b.wideNeighbours = wideNeighbours == null ? 0 : wideNeighbours;
        b.collectiveWeights = collectiveWeights == null ? List.of() : collectiveWeights;
        b.cfRank = cfRank == null ? b.cfRank : cfRank;
        b.cfIterations = cfIterations == null ? b.cfIterations : cfIterations;
        b.cfLambda = cfLambda == null ? b.cfLambda : cfLambda;
        b.cfAlpha = cfAlpha == null ? b.cfAlpha : cfAlpha;
        return new JointParams(b);
    }

    /**
     * What {@code joint} runs with (docs/joint-model.md): {@link #revisedFormulation()} plus what
     * the Amazon measurements favoured. The token embeddings start from the source block's ALS item
     * factors, the source block's CF reading s_u is fed next to H_u into W2 (changes 6–8), and the
     * ranking loss is taught by the user's 300 nearest warm users in the source CF space with
     * weight η = 0.8 (a fixed K: selecting it on validation as source-knn does measured worse for
     * the student, change 9). W2 starts at the ridge map from s_u to the ALS factors P_u, λ = 0.01
     * (change 10). The CF spaces are chosen per split (change 11): the separate target and source
     * factorisations, and a collective one [w·R_s | R_t] with w ∈ {0.25, 1, 4} (CMF's grid) picked
     * by its start, are each trained, and the one that ranks the validation cold users better is
     * kept. The trained deep path is then blended with the wide path of the 300 warm users whose
     * source token sets overlap the user's most (change 13). All factors come from implicit ALS
     * with the baselines' settings (rank 32, 10 iterations, λ = 0.1, α = 10), so the joint model
     * sees the Q that target-cf and EMCDR see, or the one CMF sees.
     */
    public static JointParams defaults() {
        return revisedFormulation()
                .with(
                        b -> {
                            b.sourceFolding = true;
                            b.neighbourWeight = 0.8;
                            b.neighbours = 300;
                            b.bridgeRidge = 0.01;
                            b.wideNeighbours = 300;
                            b.collectiveWeights = List.of(0.25, 1.0, 4.0);
                        });
    }

    /**
     * The revised formulation of the deep path (docs/joint-model.md, change 5): listwise ranking
     * over P̂·Q with a tuned Q and an item bias that starts at log-popularity, plus MSE onto the
     * ALS user factors; L_DL trains the encoder in pre-training only (wDl = 0 here: the vocabulary
     * softmax costs ~10× the rest of a step); fine-tuned encoder; P̂·Q scoring; Adam 2e-3, batch
     * 128, at most 20 epochs, patience 3. No fold-in, teacher, bridge start, wide path or
     * collective spaces.
     */
    public static JointParams revisedFormulation() {
        Builder b = new Builder();
        b.encoder = EncoderConfig.defaults();
        b.wMse = 1.0;
        b.wRank = 1.0;
        b.wItems = 0.0;
        b.wInterest = 1.0;
        b.wDl = 0.0;
        b.tuneQ = true;
        b.scoring = ScoringPath.PQ;
        b.learningRate = 2e-3;
        b.batchSize = 128;
        b.maxEpochs = 20;
        b.patience = 3;
        b.validFraction = 0.1;
        b.seed = 42L;
        b.popularityPrior = true;
        b.collectiveWeights = List.of();
        b.cfRank = 32;
        b.cfIterations = 10;
        b.cfLambda = AlsConfig.IMPLICIT_LAMBDA;
        b.cfAlpha = AlsConfig.IMPLICIT_ALPHA;
        b.threads = 1;
        b.alsParallelism = 1;
        return new JointParams(b);
    }

    /** The seed's formulation: MSE onto P_u, the W3/W4 path with BCE, L_DL; scored by C_u. */
    public static JointParams seedFormulation() {
        return revisedFormulation()
                .with(
                        b -> {
                            b.wRank = 0.0;
                            b.wItems = 1.0;
                            b.wDl = 1.0;
                            b.tuneQ = false;
                            b.scoring = ScoringPath.W4;
                            b.learningRate = 1e-3;
                        });
    }

    /**
     * The implicit ALS of the CF spaces: rank, iterations, λ, α of these settings, seeded with
     * {@link #seed}, on {@link #threads} threads (or a Flink job at {@link #alsParallelism}).
     */
    public AlsConfig als() {
        return AlsConfig.defaults()
                .withRank(cfRank)
                .withIterations(cfIterations)
                .withLambda(cfLambda)
                .withAlpha(cfAlpha)
                .withSeed(seed)
                .withThreads(threads)
                .withParallelism(alsParallelism);
    }

    public JointParams withEncoder(EncoderConfig v) {
        return with(b -> b.encoder = v);
    }

    public JointParams withWeights(
            double mse, double rank, double items, double interest, double dl) {
        return with(
                b -> {
                    b.wMse = mse;
                    b.wRank = rank;
                    b.wItems = items;
                    b.wInterest = interest;
                    b.wDl = dl;
                });
    }

    public JointParams withFreezeEncoder(boolean v) {
        return with(b -> b.freezeEncoder = v);
    }

    public JointParams withTuneQ(boolean v) {
        return with(b -> b.tuneQ = v);
    }

    public JointParams withScoring(ScoringPath v) {
        return with(b -> b.scoring = v);
    }

    public JointParams withSourceFolding(boolean v) {
        return with(b -> b.sourceFolding = v);
    }

    public JointParams withRegularization(double l2Penalty, double dropoutRate) {
        return with(
                b -> {
                    b.l2 = l2Penalty;
                    b.dropout = dropoutRate;
                });
    }

    public JointParams withNeighbourTeacher(double weight, int k) {
        return with(
                b -> {
                    b.neighbourWeight = weight;
                    b.neighbours = k;
                });
    }

    public JointParams withTraining(double lr, int batch, int epochs, int pat) {
        return with(
                b -> {
                    b.learningRate = lr;
                    b.batchSize = batch;
                    b.maxEpochs = epochs;
                    b.patience = pat;
                });
    }

    /**
     * The seed of the fit: the encoder's, the joint network's, the users' shuffles and the
     * factorisations'.
     */
    public JointParams withSeed(long v) {
        return with(
                b -> {
                    b.encoder = b.encoder.withSeed(v);
                    b.seed = v;
                });
    }

    /** W2's start at the ridge map s_u → P_u with this λ ({@link #bridgeRidge}); 0: at random. */
    public JointParams withBridgeRidge(double ridge) {
        return with(b -> b.bridgeRidge = ridge);
    }

    public JointParams withPopularityPrior(boolean prior) {
        return with(b -> b.popularityPrior = prior);
    }

    /** The wide path over {@code k} item-set neighbours ({@link #wideNeighbours}); 0: none. */
    public JointParams withWidePath(int k) {
        return with(b -> b.wideNeighbours = k);
    }

    /**
     * The collective CF spaces' source weights ({@link #collectiveWeights}); none: the separate
     * spaces alone.
     */
    public JointParams withCollectiveWeights(List<Double> weights) {
        return with(b -> b.collectiveWeights = weights);
    }

    /** The CF spaces' implicit ALS: rank, iterations, λ, α. */
    public JointParams withCf(int rank, int iterations, double lambda, double alpha) {
        return with(
                b -> {
                    b.cfRank = rank;
                    b.cfIterations = iterations;
                    b.cfLambda = lambda;
                    b.cfAlpha = alpha;
                });
    }

    /** Where the factorisations run: ALS threads and parallelism (1: in this JVM). */
    public JointParams withResources(int threads, int alsParallelism) {
        return with(
                b -> {
                    b.threads = threads;
                    b.alsParallelism = alsParallelism;
                });
    }

    private JointParams with(Consumer<Builder> change) {
        Builder b = new Builder(this);
        change.accept(b);
        return new JointParams(b);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    @Override
    public String toString() {
        return "JointParams{wMse="
                + wMse
                + ", wRank="
                + wRank
                + ", wItems="
                + wItems
                + ", wInterest="
                + wInterest
                + ", wDl="
                + wDl
                + ", freezeEncoder="
                + freezeEncoder
                + ", tuneQ="
                + tuneQ
                + ", sourceFolding="
                + sourceFolding
                + ", scoring="
                + scoring
                + ", lr="
                + learningRate
                + ", l2="
                + l2
                + ", dropout="
                + dropout
                + ", neighbourWeight="
                + neighbourWeight
                + ", neighbours="
                + (neighbours == SELECT_NEIGHBOURS ? "selected" : neighbours)
                + ", batch="
                + batchSize
                + ", maxEpochs="
                + maxEpochs
                + ", patience="
                + patience
                + ", seed="
                + seed
                + ", bridgeRidge="
                + bridgeRidge
                + ", popularityPrior="
                + popularityPrior
                + ", wideNeighbours="
                + wideNeighbours
                + ", collectiveWeights="
                + collectiveWeights
                + ", cf=(rank "
                + cfRank
                + ", iterations "
                + cfIterations
                + ", lambda "
                + cfLambda
                + ", alpha "
                + cfAlpha
                + "), "
                + encoder
                + "}";
    }

    /** The mutable copy {@link #with} changes; validated when it becomes a {@link JointParams}. */
    private static final class Builder {
        EncoderConfig encoder;
        double wMse;
        double wRank;
        double wItems;
        double wInterest;
        double wDl;
        boolean freezeEncoder;
        boolean tuneQ;
        boolean sourceFolding;
        ScoringPath scoring;
        double learningRate;
        double l2;
        double dropout;
        double neighbourWeight;
        int neighbours;
        int batchSize;
        int maxEpochs;
        int patience;
        double validFraction;
        long seed;
        double bridgeRidge;
        boolean popularityPrior;
        int wideNeighbours;
        List<Double> collectiveWeights;
        int cfRank;
        int cfIterations;
        double cfLambda;
        double cfAlpha;
        int threads;
        int alsParallelism;

        Builder() {}

        Builder(JointParams p) {
            encoder = p.encoder;
            wMse = p.wMse;
            wRank = p.wRank;
            wItems = p.wItems;
            wInterest = p.wInterest;
            wDl = p.wDl;
            freezeEncoder = p.freezeEncoder;
            tuneQ = p.tuneQ;
            sourceFolding = p.sourceFolding;
            scoring = p.scoring;
            learningRate = p.learningRate;
            l2 = p.l2;
            dropout = p.dropout;
            neighbourWeight = p.neighbourWeight;
            neighbours = p.neighbours;
            batchSize = p.batchSize;
            maxEpochs = p.maxEpochs;
            patience = p.patience;
            validFraction = p.validFraction;
            seed = p.seed;
            bridgeRidge = p.bridgeRidge;
            popularityPrior = p.popularityPrior;
            wideNeighbours = p.wideNeighbours;
            collectiveWeights = p.collectiveWeights;
            cfRank = p.cfRank;
            cfIterations = p.cfIterations;
            cfLambda = p.cfLambda;
            cfAlpha = p.cfAlpha;
            threads = p.threads;
            alsParallelism = p.alsParallelism;
        }
    }
}

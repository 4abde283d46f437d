package io.crossinterest.eval;

import io.crossinterest.cf.als.AlsConfig;

/**
 * Settings every model of the evaluation takes from the command line: the seed of the run (initial
 * factors, weights, sampling), the factor rank, the number of ALS iterations, the largest number of
 * training epochs (models with early stopping stop earlier on validation), and worker threads.
 * Models choose their other hyper-parameters themselves, on the validation cold users, except the
 * ALS factorisations, which every model that factorises shares ({@link #als()}).
 */
public final class ModelSettings {
    public final long seed;
    public final int rank;
    public final int alsIterations;
    public final int maxEpochs;
    public final int threads;

    /**
     * Where the ALS factorisations train: 1 in this JVM, N &gt; 1 as a bounded Flink job at
     * parallelism N (the distributed {@code Als}; the same factors for the same seed). CMF's
     * per-iteration validation stays in process.
     */
    public final int alsParallelism;

    public ModelSettings(long seed, int rank, int alsIterations, int maxEpochs, int threads) {
        this(seed, rank, alsIterations, maxEpochs, threads, 1);
    }

    public ModelSettings(
            long seed,
            int rank,
            int alsIterations,
            int maxEpochs,
            int threads,
            int alsParallelism) {
        if (alsParallelism < 1) {
            throw new IllegalArgumentException(
                    "ALS parallelism must be >= 1, got " + alsParallelism);
        }
        if (rank < 1 || alsIterations < 1 || maxEpochs < 1 || threads < 1) {
            throw new IllegalArgumentException(
                    "rank, ALS iterations, epochs and threads must be >= 1, got "
                            + rank
                            + ", "
                            + alsIterations
                            + ", "
                            + maxEpochs
                            + ", "
                            + threads);
        }
        this.seed = seed;
        this.rank = rank;
        this.alsIterations = alsIterations;
        this.maxEpochs = maxEpochs;
        this.threads = threads;
        this.alsParallelism = alsParallelism;
    }

    /** Rank 32, 10 ALS iterations, at most 50 epochs, all cores. */
    public static ModelSettings defaults(long seed) {
        return new ModelSettings(seed, 32, 10, 50, Runtime.getRuntime().availableProcessors());
    }

    /**
     * The ALS factorisation every model of the comparison uses (the baselines' and the joint
     * model's, so they see the same factors): implicit, L2 λ = {@value AlsConfig#IMPLICIT_LAMBDA},
     * α = {@value AlsConfig#IMPLICIT_ALPHA}, rank, iterations, seed, threads and parallelism from
     * these settings, the rest {@link AlsConfig#defaults()}.
     */
    public AlsConfig als() {
        return AlsConfig.defaults()
                .withRank(rank)
                .withIterations(alsIterations)
                .withLambda(AlsConfig.IMPLICIT_LAMBDA)
                .withAlpha(AlsConfig.IMPLICIT_ALPHA)
                .withSeed(seed)
                .withThreads(threads)
                .withParallelism(alsParallelism);
    }

    public ModelSettings withSeed(long s) {
        return new ModelSettings(s, rank, alsIterations, maxEpochs, threads, alsParallelism);
    }

    @Override
    public String toString() {
        return "rank="
                + rank
                + ", alsIterations="
                + alsIterations
                + ", maxEpochs="
                + maxEpochs
                + ", threads="
                + threads
                + (alsParallelism > 1 ? ", alsParallelism=" + alsParallelism : "");
    }
}

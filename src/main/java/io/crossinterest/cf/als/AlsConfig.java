package io.crossinterest.cf.als;

import java.io.Serializable;
import java.util.Locale;

/**
 * Hyper-parameters of ALS: implicit feedback (Hu, Koren, Volinsky 2008; the default) or explicit ratings
 * ({@code implicit = false}). Immutable; derive variants with the {@code with...} methods.
 *
 * <ul>
 *   <li>{@code implicit}: true fits preferences p_ui = [r_ui &gt; 0] with confidences over all U × I cells; false fits
 *       the observed ratings themselves, Σ_{(u,i) observed} (r_ui − x_uᵀy_i)², and ignores {@code alpha}.</li>
 *   <li>{@code rank} k: length of each user and item factor.</li>
 *   <li>{@code iterations}: full iterations (a user half-step then an item half-step).</li>
 *   <li>{@code lambda} λ and {@code regularization}: {@link Regularization#L2} adds λ‖x_u‖² for every row;
 *       {@link Regularization#WEIGHTED} (ALS-WR, Zhou et al. 2008, as Spark MLlib does) adds λ·n_u‖x_u‖², n_u the
 *       number of positive interactions of the row.</li>
 *   <li>{@code alpha} α: confidence c_ui = 1 + α·|r_ui|, preference p_ui = [r_ui &gt; 0].</li>
 *   <li>{@code solver}: {@link Solver#CHOLESKY} solves each row's k×k system exactly (O(k³) per row);
 *       {@link Solver#CG} runs {@code cgSteps} conjugate-gradient steps warm-started from the previous factors and
 *       never forms the k×k matrix (O(cgSteps·(k² + n_u·k)) per row).</li>
 *   <li>{@code seed}: initial factors; results are identical for any {@code threads}.</li>
 * </ul>
 */
public final class AlsConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How λ is applied to a row. */
    public enum Regularization {
        /** λ‖x‖² for every row. */
        L2,
        /**
         * λ·n_u‖x_u‖², n_u = number of positive interactions of the row (implicit) or of its observed ratings
         * (explicit) (ALS-WR, Spark MLlib's choice).
         */
        WEIGHTED;

        public static Regularization parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /** How each row's least-squares problem is solved. */
    public enum Solver {
        CHOLESKY,
        CG;

        public static Solver parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        }
    }

    public final int rank;
    public final int iterations;
    public final double lambda;
    public final double alpha;
    public final Regularization regularization;
    public final Solver solver;
    public final int cgSteps;
    public final long seed;
    public final int threads;
    public final boolean implicit;
    /**
     * Where {@link AlsSolvers#fit} trains: 1 = in this JVM ({@link ImplicitAls}, {@code threads} threads); N &gt; 1 =
     * the distributed {@link Als} as a bounded Flink job at parallelism N (the same factors for the same seed).
     */
    public final int parallelism;

    /** Implicit-feedback ALS. */
    public AlsConfig(int rank, int iterations, double lambda, double alpha, Regularization regularization,
            Solver solver, int cgSteps, long seed, int threads) {
        this(rank, iterations, lambda, alpha, regularization, solver, cgSteps, seed, threads, true);
    }

    public AlsConfig(int rank, int iterations, double lambda, double alpha, Regularization regularization,
            Solver solver, int cgSteps, long seed, int threads, boolean implicit) {
        this(rank, iterations, lambda, alpha, regularization, solver, cgSteps, seed, threads, implicit, 1);
    }

    public AlsConfig(int rank, int iterations, double lambda, double alpha, Regularization regularization,
            Solver solver, int cgSteps, long seed, int threads, boolean implicit, int parallelism) {
        require(rank >= 1, "rank must be >= 1, got " + rank);
        require(parallelism >= 1, "parallelism must be >= 1, got " + parallelism);
        require(iterations >= 0, "iterations must be >= 0, got " + iterations);
        require(lambda >= 0 && Double.isFinite(lambda), "lambda must be >= 0, got " + lambda);
        require(alpha >= 0 && Double.isFinite(alpha), "alpha must be >= 0, got " + alpha);
        require(cgSteps >= 1, "cgSteps must be >= 1, got " + cgSteps);
        require(threads >= 1, "threads must be >= 1, got " + threads);
        this.rank = rank;
        this.iterations = iterations;
        this.lambda = lambda;
        this.alpha = alpha;
        this.regularization = java.util.Objects.requireNonNull(regularization);
        this.solver = java.util.Objects.requireNonNull(solver);
        this.cgSteps = cgSteps;
        this.seed = seed;
        this.threads = threads;
        this.implicit = implicit;
        this.parallelism = parallelism;
    }

    /** Implicit, rank 10, 10 iterations, λ 0.1 (L2), α 1, Cholesky, 3 CG steps, seed 0, all cores. */
    public static AlsConfig defaults() {
        return new AlsConfig(10, 10, 0.1, 1.0, Regularization.L2, Solver.CHOLESKY, 3, 0L,
                Runtime.getRuntime().availableProcessors(), true);
    }

    public AlsConfig withRank(int v) {
        return new AlsConfig(v, iterations, lambda, alpha, regularization, solver, cgSteps, seed, threads, implicit,
                parallelism);
    }

    public AlsConfig withIterations(int v) {
        return new AlsConfig(rank, v, lambda, alpha, regularization, solver, cgSteps, seed, threads, implicit,
                parallelism);
    }

    public AlsConfig withLambda(double v) {
        return new AlsConfig(rank, iterations, v, alpha, regularization, solver, cgSteps, seed, threads, implicit,
                parallelism);
    }

    public AlsConfig withAlpha(double v) {
        return new AlsConfig(rank, iterations, lambda, v, regularization, solver, cgSteps, seed, threads, implicit,
                parallelism);
    }

    public AlsConfig withRegularization(Regularization v) {
        return new AlsConfig(rank, iterations, lambda, alpha, v, solver, cgSteps, seed, threads, implicit, parallelism);
    }

    public AlsConfig withSolver(Solver v) {
        return new AlsConfig(rank, iterations, lambda, alpha, regularization, v, cgSteps, seed, threads, implicit,
                parallelism);
    }

    public AlsConfig withCgSteps(int v) {
        return new AlsConfig(rank, iterations, lambda, alpha, regularization, solver, v, seed, threads, implicit,
                parallelism);
    }

    public AlsConfig withSeed(long v) {
        return new AlsConfig(rank, iterations, lambda, alpha, regularization, solver, cgSteps, v, threads, implicit,
                parallelism);
    }

    public AlsConfig withThreads(int v) {
        return new AlsConfig(rank, iterations, lambda, alpha, regularization, solver, cgSteps, seed, v, implicit,
                parallelism);
    }

    /** Where to train: 1 in this JVM, N &gt; 1 as a Flink job at parallelism N ({@link AlsSolvers#fit}). */
    public AlsConfig withParallelism(int v) {
        return new AlsConfig(rank, iterations, lambda, alpha, regularization, solver, cgSteps, seed, threads, implicit,
                v);
    }

    /** Implicit feedback (true) or explicit ratings (false); everything else unchanged. */
    public AlsConfig withImplicit(boolean v) {
        return new AlsConfig(rank, iterations, lambda, alpha, regularization, solver, cgSteps, seed, threads, v,
                parallelism);
    }

    /**
     * λ_u for a row with {@code n} counted interactions: its positive interactions (implicit) or its observed ratings
     * (explicit).
     */
    double rowLambda(int n) {
        return regularization == Regularization.WEIGHTED ? lambda * n : lambda;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    @Override
    public String toString() {
        return "AlsConfig{rank=" + rank + ", iterations=" + iterations + ", lambda=" + lambda + ", alpha=" + alpha
                + ", regularization=" + regularization + ", solver=" + solver + ", cgSteps=" + cgSteps + ", seed="
                + seed + ", threads=" + threads + ", implicit=" + implicit + ", parallelism=" + parallelism + "}";
    }
}

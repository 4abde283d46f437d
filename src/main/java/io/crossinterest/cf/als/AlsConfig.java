package io.crossinterest.cf.als;

import org.apache.flink.ml.param.WithParams;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * The settings of one ALS fit as the in-process solvers ({@link ImplicitAls}, {@link AlsSolvers},
 * the retrainer) take them: immutable, variants by the {@code with...} methods. What each setting
 * means and its default are declared once, in {@link AlsParams} (the Flink ML parameters of the
 * distributed {@link Als}); this class is made from them ({@link #from}, {@link #defaults()}) and
 * goes back into them ({@link AlsParams#setConfig}):
 *
 * <table>
 *   <caption>settings and their parameters</caption>
 *   <tr><th>field</th><th>parameter</th></tr>
 *   <tr><td>{@code rank} k</td><td>{@link AlsParams#RANK}</td></tr>
 *   <tr><td>{@code iterations}</td><td>{@link AlsParams#MAX_ITER}</td></tr>
 *   <tr><td>{@code lambda} λ</td><td>{@link AlsParams#REG_PARAM}</td></tr>
 *   <tr><td>{@code alpha} α</td><td>{@link AlsParams#ALPHA}</td></tr>
 *   <tr><td>{@code regularization}</td><td>{@link AlsParams#REGULARIZATION}</td></tr>
 *   <tr><td>{@code solver}</td><td>{@link AlsParams#SOLVER}</td></tr>
 *   <tr><td>{@code cgSteps}</td><td>{@link AlsParams#CG_STEPS}</td></tr>
 *   <tr><td>{@code seed}</td><td>{@link AlsParams#SEED}</td></tr>
 *   <tr><td>{@code implicit}</td><td>{@link AlsParams#IMPLICIT}</td></tr>
 * </table>
 *
 * Two fields say where to run, not what to fit, and have no parameter: {@code threads} (of the
 * in-process solver; the results are identical for any number) and {@code parallelism}.
 */
public final class AlsConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * λ of the product's implicit-feedback factorisations (L2): the evaluation's shared ALS ({@code
     * ModelSettings.als()}) and the joint model's CF space ({@code JointParams.cfLambda}) both
     * start from it.
     */
    public static final double IMPLICIT_LAMBDA = 0.1;

    /**
     * α of the product's implicit-feedback factorisations: confidence c_ui = 1 + α·r_ui on binary
     * interactions, so an observed pair weighs 11 against an unobserved one's 1. Used where {@link
     * #IMPLICIT_LAMBDA} is.
     */
    public static final double IMPLICIT_ALPHA = 10.0;

    /** How λ is applied to a row: {@link AlsParams#REGULARIZATION}. */
    public enum Regularization {
        L2,
        WEIGHTED;

        public static Regularization parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }

        /** The value of {@link AlsParams#REGULARIZATION}. */
        public String paramValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How each row's least-squares problem is solved: {@link AlsParams#SOLVER}. */
    public enum Solver {
        CHOLESKY,
        CG;

        public static Solver parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        }

        /** The value of {@link AlsParams#SOLVER}. */
        public String paramValue() {
            return name().toLowerCase(Locale.ROOT);
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
     * Where {@link AlsSolvers#fit} trains: 1 = in this JVM ({@link ImplicitAls}, {@code threads}
     * threads); N &gt; 1 = the distributed {@link Als} as a bounded Flink job at parallelism N (the
     * same factors for the same seed).
     */
    public final int parallelism;

    /** Implicit-feedback ALS. */
    public AlsConfig(
            int rank,
            int iterations,
            double lambda,
            double alpha,
            Regularization regularization,
            Solver solver,
            int cgSteps,
            long seed,
            int threads) {
        this(rank, iterations, lambda, alpha, regularization, solver, cgSteps, seed, threads, true);
    }

    public AlsConfig(
            int rank,
            int iterations,
            double lambda,
            double alpha,
            Regularization regularization,
            Solver solver,
            int cgSteps,
            long seed,
            int threads,
            boolean implicit) {
        this(
                rank,
                iterations,
                lambda,
                alpha,
                regularization,
                solver,
                cgSteps,
                seed,
                threads,
                implicit,
                1);
    }

    public AlsConfig(
            int rank,
            int iterations,
            double lambda,
            double alpha,
            Regularization regularization,
            Solver solver,
            int cgSteps,
            long seed,
            int threads,
            boolean implicit,
            int parallelism) {
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
        this.regularization = Objects.requireNonNull(regularization);
        this.solver = Objects.requireNonNull(solver);
        this.cgSteps = cgSteps;
        this.seed = seed;
        this.threads = threads;
        this.implicit = implicit;
        this.parallelism = parallelism;
    }

    /** The defaults of {@link AlsParams}, all cores, in this JVM. */
    public static AlsConfig defaults() {
        return from(new Als());
    }

    /**
     * The settings {@code params} hold (an {@link Als}, or anything with {@link AlsParams}'
     * parameters), with all cores and in this JVM ({@code parallelism} 1).
     */
    public static AlsConfig from(WithParams<?> params) {
        return new AlsConfig(
                params.get(AlsParams.RANK),
                params.get(AlsParams.MAX_ITER),
                params.get(AlsParams.REG_PARAM),
                params.get(AlsParams.ALPHA),
                Regularization.parse(params.get(AlsParams.REGULARIZATION)),
                Solver.parse(params.get(AlsParams.SOLVER)),
                params.get(AlsParams.CG_STEPS),
                params.get(AlsParams.SEED),
                Runtime.getRuntime().availableProcessors(),
                params.get(AlsParams.IMPLICIT),
                1);
    }

    public AlsConfig withRank(int v) {
        return new AlsConfig(
                v,
                iterations,
                lambda,
                alpha,
                regularization,
                solver,
                cgSteps,
                seed,
                threads,
                implicit,
                parallelism);
    }

    public AlsConfig withIterations(int v) {
        return new AlsConfig(
                rank,
                v,
                lambda,
                alpha,
                regularization,
                solver,
                cgSteps,
                seed,
                threads,
                implicit,
                parallelism);
    }

    public AlsConfig withLambda(double v) {
        return new AlsConfig(
                rank,
                iterations,
                v,
                alpha,
                regularization,
                solver,
                cgSteps,
                seed,
                threads,
                implicit,
                parallelism);
    }

    public AlsConfig withAlpha(double v) {
        return new AlsConfig(
                rank,
                iterations,
                lambda,
                v,
                regularization,
                solver,
                cgSteps,
                seed,
                threads,
                implicit,
                parallelism);
    }

    public AlsConfig withRegularization(Regularization v) {
        return new AlsConfig(
                rank,
                iterations,
                lambda,
                alpha,
                v,
                solver,
                cgSteps,
                seed,
                threads,
                implicit,
                parallelism);
    }

    public AlsConfig withSolver(Solver v) {
        return new AlsConfig(
                rank,
                iterations,
                lambda,
                alpha,
                regularization,
                v,
                cgSteps,
                seed,
                threads,
                implicit,
                parallelism);
    }

    public AlsConfig withCgSteps(int v) {
        return new AlsConfig(
                rank,
                iterations,
                lambda,
                alpha,
                regularization,
                solver,
                v,
                seed,
                threads,
                implicit,
                parallelism);
    }

    public AlsConfig withSeed(long v) {
        return new AlsConfig(
                rank,
                iterations,
                lambda,
                alpha,
                regularization,
                solver,
                cgSteps,
                v,
                threads,
                implicit,
                parallelism);
    }

    public AlsConfig withThreads(int v) {
        return new AlsConfig(
                rank,
                iterations,
                lambda,
                alpha,
                regularization,
                solver,
                cgSteps,
                seed,
                v,
                implicit,
                parallelism);
    }

    /**
     * Where to train: 1 in this JVM, N &gt; 1 as a Flink job at parallelism N ({@link
     * AlsSolvers#fit}).
     */
    public AlsConfig withParallelism(int v) {
        return new AlsConfig(
                rank,
                iterations,
                lambda,
                alpha,
                regularization,
                solver,
                cgSteps,
                seed,
                threads,
                implicit,
                v);
    }

    /** Implicit feedback (true) or explicit ratings (false); everything else unchanged. */
    public AlsConfig withImplicit(boolean v) {
        return new AlsConfig(
                rank,
                iterations,
                lambda,
                alpha,
                regularization,
                solver,
                cgSteps,
                seed,
                threads,
                v,
                parallelism);
    }

    /**
     * λ_u for a row with {@code n} counted interactions: its positive interactions (implicit) or
     * its observed ratings (explicit).
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
    public boolean equals(Object o) {
        if (!(o instanceof AlsConfig)) {
            return false;
        }
        AlsConfig c = (AlsConfig) o;
        return rank == c.rank
                && iterations == c.iterations
                && Double.compare(lambda, c.lambda) == 0
                && Double.compare(alpha, c.alpha) == 0
                && regularization == c.regularization
                && solver == c.solver
                && cgSteps == c.cgSteps
                && seed == c.seed
                && threads == c.threads
                && implicit == c.implicit
                && parallelism == c.parallelism;
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                rank,
                iterations,
                lambda,
                alpha,
                regularization,
                solver,
                cgSteps,
                seed,
                threads,
                implicit,
                parallelism);
    }

    @Override
    public String toString() {
        return "AlsConfig{rank="
                + rank
                + ", iterations="
                + iterations
                + ", lambda="
                + lambda
                + ", alpha="
                + alpha
                + ", regularization="
                + regularization
                + ", solver="
                + solver
                + ", cgSteps="
                + cgSteps
                + ", seed="
                + seed
                + ", threads="
                + threads
                + ", implicit="
                + implicit
                + ", parallelism="
                + parallelism
                + "}";
    }
}

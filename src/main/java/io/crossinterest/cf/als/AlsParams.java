package io.crossinterest.cf.als;

import org.apache.flink.ml.param.BooleanParam;
import org.apache.flink.ml.param.DoubleParam;
import org.apache.flink.ml.param.IntParam;
import org.apache.flink.ml.param.LongParam;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.param.ParamValidators;
import org.apache.flink.ml.param.StringParam;

/**
 * Parameters of {@link Als}: the model's parameters plus the training hyper-parameters. The one
 * place where ALS's settings are described and their defaults declared: the in-process solvers take
 * the same settings as an {@link AlsConfig}, made from these parameters ({@link AlsConfig#from},
 * {@link AlsConfig#defaults()}) and turned back into them ({@link #setConfig}).
 *
 * <p>{@code maxIter} and {@code seed} are declared here under Flink ML's names rather than taken
 * from {@code HasMaxIter} and {@code HasSeed}, whose defaults (20 iterations; the hash of the class
 * name) are not the ones every result of this project was fitted with (10; 0).
 */
public interface AlsParams<T> extends AlsModelParams<T> {
    String L2 = "l2";
    String WEIGHTED = "weighted";
    String CHOLESKY = "cholesky";
    String CG = "cg";

    Param<String> RATING_COL =
            new StringParam(
                    "ratingCol",
                    "Numeric column r: implicit, the interaction strength (confidence 1 + alpha·|r|, preference [r > 0]);"
                            + " explicit, the rating that x_uᵀy_i fits.",
                    "rating",
                    ParamValidators.notNull());

    Param<Boolean> IMPLICIT =
            new BooleanParam(
                    "implicit",
                    "true: implicit feedback over all cells, Σ c_ui (p_ui − x_uᵀy_i)² (Hu, Koren, Volinsky 2008); false:"
                            + " explicit ratings over the observed cells only, Σ_observed (r_ui − x_uᵀy_i)² (alpha unused).",
                    true,
                    ParamValidators.notNull());

    Param<Integer> MAX_ITER =
            new IntParam(
                    "maxIter",
                    "Full iterations: a half-step solving every item factor, then one solving every user factor.",
                    10,
                    ParamValidators.gtEq(0));

    Param<Long> SEED =
            new LongParam(
                    "seed",
                    "Seed of the initial factors; the factors are the same for any number of threads or subtasks.",
                    0L,
                    ParamValidators.notNull());

    Param<Integer> RANK =
            new IntParam(
                    "rank", "Length k of the user and item factors.", 10, ParamValidators.gt(0));

    Param<Double> REG_PARAM =
            new DoubleParam(
                    "regParam",
                    "Regularisation λ, applied per row as regularization says.",
                    0.1,
                    ParamValidators.gtEq(0));

    Param<Double> ALPHA =
            new DoubleParam(
                    "alpha",
                    "Confidence slope α in c = 1 + α·|r| (implicit only).",
                    1.0,
                    ParamValidators.gtEq(0));

    Param<String> REGULARIZATION =
            new StringParam(
                    "regularization",
                    "l2: λ‖x‖² per row; weighted: λ·n_u‖x_u‖² with n_u the row's positive interactions (implicit) or"
                            + " observed ratings (explicit) (ALS-WR, Spark).",
                    L2,
                    ParamValidators.inArray(L2, WEIGHTED));

    Param<String> SOLVER =
            new StringParam(
                    "solver",
                    "cholesky: exact k×k solve per row, O(k³); cg: cgSteps conjugate-gradient steps per row, warm-started from"
                            + " the previous factors, never forming the k×k matrix, O(cgSteps·(k² + n_u·k)).",
                    CHOLESKY,
                    ParamValidators.inArray(CHOLESKY, CG));

    Param<Integer> CG_STEPS =
            new IntParam(
                    "cgSteps",
                    "Conjugate-gradient steps per row and half-step.",
                    3,
                    ParamValidators.gt(0));

    Param<Integer> NUM_BLOCKS =
            new IntParam(
                    "numBlocks",
                    "Blocks each side (users, items) is hashed into; the unit of distribution. The factors depend on it,"
                            + " not on the job's parallelism.",
                    8,
                    ParamValidators.gt(0));

    default int getMaxIter() {
        return get(MAX_ITER);
    }

    default T setMaxIter(int value) {
        return set(MAX_ITER, value);
    }

    default long getSeed() {
        return get(SEED);
    }

    default T setSeed(long value) {
        return set(SEED, value);
    }

    /**
     * Sets every parameter {@code config} holds. Its {@code threads} and {@code parallelism} say
     * where to run, not what to fit, and have no parameter here ({@code numBlocks} is the
     * distributed job's unit of work).
     */
    default T setConfig(AlsConfig config) {
        setRank(config.rank);
        setMaxIter(config.iterations);
        setRegParam(config.lambda);
        setAlpha(config.alpha);
        setRegularization(config.regularization.paramValue());
        setSolver(config.solver.paramValue());
        setCgSteps(config.cgSteps);
        setSeed(config.seed);
        return setImplicit(config.implicit);
    }

    default String getRatingCol() {
        return get(RATING_COL);
    }

    default T setRatingCol(String value) {
        return set(RATING_COL, value);
    }

    default int getRank() {
        return get(RANK);
    }

    default T setRank(int value) {
        return set(RANK, value);
    }

    default double getRegParam() {
        return get(REG_PARAM);
    }

    default T setRegParam(double value) {
        return set(REG_PARAM, value);
    }

    default boolean getImplicit() {
        return get(IMPLICIT);
    }

    default T setImplicit(boolean value) {
        return set(IMPLICIT, value);
    }

    default double getAlpha() {
        return get(ALPHA);
    }

    default T setAlpha(double value) {
        return set(ALPHA, value);
    }

    default String getRegularization() {
        return get(REGULARIZATION);
    }

    default T setRegularization(String value) {
        return set(REGULARIZATION, value);
    }

    default String getSolver() {
        return get(SOLVER);
    }

    default T setSolver(String value) {
        return set(SOLVER, value);
    }

    default int getCgSteps() {
        return get(CG_STEPS);
    }

    default T setCgSteps(int value) {
        return set(CG_STEPS, value);
    }

    default int getNumBlocks() {
        return get(NUM_BLOCKS);
    }

    default T setNumBlocks(int value) {
        return set(NUM_BLOCKS, value);
    }
}

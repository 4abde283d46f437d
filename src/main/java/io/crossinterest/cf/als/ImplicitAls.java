package io.crossinterest.cf.als;

import io.crossinterest.data.InteractionMatrix;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * In-process ALS on an {@link InteractionMatrix}, multi-threaded over chunks of rows, without
 * Flink: implicit feedback (Hu, Koren, Volinsky 2008), or explicit ratings with {@link
 * AlsConfig#implicit} false (the name is the default's; the two formulations are in {@link
 * AlsKernels}). Usable directly by baselines and the joint model; {@link Als} runs the same kernels
 * distributed.
 *
 * <p>One iteration = item half-step (Y from X on Rᵀ, with G = XᵀX) then user half-step (X from Y,
 * with G = YᵀY). Cost per iteration: O(nnz·k² + (U+I)·k³) with Cholesky, O(cgSteps·(nnz·k +
 * (U+I)·k²)) with CG. Explicit ratings need no G (each row sees only its observed items): the same
 * without the O((U+I)·k²) Gram matrices.
 *
 * <p>Deterministic: initial factors depend only on the seed and the row index, and each chunk of
 * rows is solved independently, so the factors are bit-identical for any {@code threads}.
 */
public final class ImplicitAls {

    /** Called after every iteration (1-based). */
    public interface Listener {
        void onIteration(int iteration, Factors users, Factors items, double seconds);
    }

    private final AlsConfig cfg;

    public ImplicitAls(AlsConfig cfg) {
        this.cfg = cfg;
    }

    public AlsConfig config() {
        return cfg;
    }

    /**
     * The class of the level-1/2 BLAS the kernels run on: always a pure-JVM one
     * (dev.ludovic.netlib's VectorBLAS or Java11BLAS), never the machine's libblas (see {@link
     * AlsKernels}).
     */
    public static String levelOneTwoBlas() {
        return AlsKernels.blasName();
    }

    /** Fits R (users × items) from random initial factors. */
    public AlsResult fit(InteractionMatrix r) {
        return fit(r, null, false);
    }

    /**
     * Fits R from random initial factors; with {@code trackLoss} the objective is evaluated after
     * every iteration (O(nnz·k + (U+I)·k²) each, not counted in the iteration times).
     */
    public AlsResult fit(InteractionMatrix r, Listener listener, boolean trackLoss) {
        Factors users = Factors.random(r.numRows(), cfg.rank, cfg.seed, 0);
        Factors items = Factors.random(r.numCols(), cfg.rank, cfg.seed, 1);
        return fit(r, users, items, listener, trackLoss);
    }

    /** Fits R starting from the given factors (which are updated in place). */
    public AlsResult fit(
            InteractionMatrix r,
            Factors users,
            Factors items,
            Listener listener,
            boolean trackLoss) {
        if (users.numRows() != r.numRows()
                || items.numRows() != r.numCols()
                || users.rank() != cfg.rank
                || items.rank() != cfg.rank) {
            throw new IllegalArgumentException(
                    "factor shapes do not match the "
                            + r.numRows()
                            + " x "
                            + r.numCols()
                            + " matrix at rank "
                            + cfg.rank);
        }
        InteractionMatrix rt = r.transpose();
        double[] seconds = new double[cfg.iterations];
        double[] losses = trackLoss ? new double[cfg.iterations + 1] : new double[0];
        if (trackLoss) {
            losses[0] = AlsKernels.loss(r, users.data(), items.data(), cfg);
        }
        ExecutorService pool =
                Executors.newFixedThreadPool(
                        cfg.threads,
                        runnable -> {
                            Thread t = new Thread(runnable, "als-worker");
                            t.setDaemon(true);
                            return t;
                        });
        try {
            for (int it = 0; it < cfg.iterations; it++) {
                long t0 = System.nanoTime();
                // items from users first, then users from items (Spark's order: from random initial
                // factors, solving the side with fewer interactions per row first converged in far
                // fewer iterations on the Amazon data)
                halfStep(pool, rt, users.data(), items.data());
                halfStep(pool, r, items.data(), users.data());
                seconds[it] = (System.nanoTime() - t0) / 1e9;
                if (trackLoss) {
                    losses[it + 1] = AlsKernels.loss(r, users.data(), items.data(), cfg);
                }
                if (listener != null) {
                    listener.onIteration(it + 1, users, items, seconds[it]);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new AlsResult(users, items, losses, seconds);
    }

    /** One half-step: x_u for every row of R against Y (see {@link AlsKernels}). */
    private void halfStep(ExecutorService pool, InteractionMatrix r, double[] y, double[] x) {
        double[] gram =
                cfg.implicit ? gram(pool, y, r.numCols(), cfg.rank) : null; // explicit: no YᵀY term
        int numChunks = (r.numRows() + AlsKernels.CHUNK - 1) / AlsKernels.CHUNK;
        AtomicInteger next = new AtomicInteger();
        runOnAll(
                pool,
                () -> {
                    try (AlsKernels.Workspace ws = new AlsKernels.Workspace(cfg.rank)) {
                        for (int c; (c = next.getAndIncrement()) < numChunks; ) {
                            int from = c * AlsKernels.CHUNK;
                            AlsKernels.solveChunk(
                                    r,
                                    from,
                                    Math.min(r.numRows(), from + AlsKernels.CHUNK),
                                    y,
                                    gram,
                                    cfg,
                                    x,
                                    ws);
                        }
                    }
                });
    }

    /** G = YᵀY as the ordered sum of partial Gram matrices over fixed chunks of rows. */
    private double[] gram(ExecutorService pool, double[] y, int n, int k) {
        int numChunks = Math.max(1, (n + AlsKernels.GRAM_CHUNK - 1) / AlsKernels.GRAM_CHUNK);
        double[][] partial = new double[numChunks][k * k];
        AtomicInteger next = new AtomicInteger();
        runOnAll(
                pool,
                () -> {
                    for (int c; (c = next.getAndIncrement()) < numChunks; ) {
                        int from = c * AlsKernels.GRAM_CHUNK;
                        AlsKernels.addGram(
                                y, from, Math.min(n, from + AlsKernels.GRAM_CHUNK), k, partial[c]);
                    }
                });
        double[] g = partial[0];
        for (int c = 1; c < numChunks; c++) {
            AlsKernels.addInto(partial[c], g);
        }
        return g;
    }

    private void runOnAll(ExecutorService pool, Runnable worker) {
        List<Future<?>> futures = new ArrayList<>(cfg.threads);
        for (int t = 0; t < cfg.threads; t++) {
            futures.add(pool.submit(worker));
        }
        try {
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("ALS interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw new IllegalStateException("ALS worker failed", cause);
        }
    }

    /**
     * Fold-in: the user half-step for rows that were not part of training, against fixed item
     * factors. For each row u of {@code rows} (columns index {@code y}'s rows):
     *
     * <pre>
     *   x_u = (G + Yᵀ(C_u − I)Y + λ_u I)⁻¹ YᵀC_u p(u),   c_ui = 1 + α|r_ui|, p_ui = [r_ui &gt; 0]
     * </pre>
     *
     * exactly the user half-step of {@link #fit} (Cholesky), so a training user folded in against
     * the final item factors gets the factor the last iteration gave them. {@code gram} is G = YᵀY
     * over the item factors of the model (which may differ from {@code y}'s rows when columns stand
     * for groups of items); row-major k × k. Returns the factors row-major, rows × k.
     * Single-threaded. (With an explicit {@code cfg} it is the explicit user half-step, which
     * ignores G.)
     */
    public static double[] foldIn(
            InteractionMatrix rows, double[] y, double[] gram, AlsConfig cfg) {
        int k = cfg.rank;
        if (y.length != (long) rows.numCols() * k || gram.length != k * k) {
            throw new IllegalArgumentException(
                    "fold-in: "
                            + rows.numCols()
                            + " columns at rank "
                            + k
                            + " need "
                            + rows.numCols() * k
                            + " factor values and a "
                            + k
                            + "x"
                            + k
                            + " Gram matrix");
        }
        AlsConfig exact =
                cfg.solver == AlsConfig.Solver.CHOLESKY
                        ? cfg
                        : cfg.withSolver(AlsConfig.Solver.CHOLESKY);
        double[] x = new double[rows.numRows() * k];
        try (AlsKernels.Workspace ws = new AlsKernels.Workspace(k)) {
            for (int from = 0; from < rows.numRows(); from += AlsKernels.CHUNK) {
                AlsKernels.solveChunk(
                        rows,
                        from,
                        Math.min(rows.numRows(), from + AlsKernels.CHUNK),
                        y,
                        gram,
                        exact,
                        x,
                        ws);
            }
        }
        return x;
    }

    /** G = YᵀY (row-major k × k; symmetric) of the n row-major factors in {@code y}. */
    public static double[] gram(double[] y, int n, int k) {
        double[] g = new double[k * k];
        for (int from = 0; from < n; from += AlsKernels.GRAM_CHUNK) {
            AlsKernels.addGram(y, from, Math.min(n, from + AlsKernels.GRAM_CHUNK), k, g);
        }
        return g;
    }

    /**
     * The ALS objective (implicit or explicit, as {@code cfg} says) of the given factors on R
     * ({@link AlsKernels#loss}).
     */
    public static double loss(InteractionMatrix r, Factors users, Factors items, AlsConfig cfg) {
        return AlsKernels.loss(r, users.data(), items.data(), cfg);
    }
}

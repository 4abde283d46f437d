package io.crossinterest.cf.als;

import io.crossinterest.data.InteractionMatrix;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.BatchExecutionOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry point for training ALS factors of an in-memory matrix, in this JVM or scaled out,
 * chosen by {@link AlsConfig#parallelism}:
 *
 * <ul>
 *   <li>1: the in-process solver ({@link ImplicitAls}) with {@link AlsConfig#threads} threads;
 *   <li>N &gt; 1: the distributed Flink ML estimator {@link Als} as a bounded (BATCH) Flink job at
 *       parallelism N, users and items in N blocks each. The job runs where the command's
 *       environment points: the embedded cluster of {@code bin/cross-interest}, or the session
 *       cluster under {@code flink run}.
 * </ul>
 *
 * Both compute the same factors for the same seed: the distributed graph starts from the same
 * seeded factors and solves the same normal equations, so the results differ only in the order of
 * floating-point sums (1e-6 in {@code AlsSolversTest}). A user or item without any entry (a cold
 * user's empty target row) has a zero factor either way, and is part of the first Gram matrix
 * either way (see the zero entries below). The distributed path keeps no loss history ({@link
 * AlsResult#loss} is empty); its {@link AlsResult#secondsPerIteration} come from the job's stage
 * end times ({@link AlsBlocks#secondsPerIteration}).
 */
public final class AlsSolvers {
    /**
     * Largest factor matrix of one block: a side larger than this per subtask is cut into more
     * blocks than subtasks, so that one block's arrays stay well inside a TaskManager's heap (the
     * half-step holds a block's factors and the other side's rows it references in plain arrays,
     * and a block's messages travel as single records). The bound was 16 MiB while blocks went
     * through the keyed windows' sort buffer (which refused records above about 64 MB); the bounded
     * operators sort nothing, and more blocks than subtasks only ship more: on the power-law matrix
     * (140,000 users at rank 64, 72 MB) 5 blocks shipped 547 MB per iteration.
     */
    static final long MAX_BLOCK_BYTES = 256L << 20;

    private AlsSolvers() {}

    /**
     * Blocks per side of the distributed path: one per subtask at least, and enough that a block's
     * factors (rows / blocks · rank doubles, the larger side) stay under {@link #MAX_BLOCK_BYTES}.
     * The factors depend on this number, so two parallelisms below the size bound give different
     * blocks; above it they share one.
     */
    public static int numBlocks(int rows, int cols, int rank, int parallelism) {
        long largestSide = (long) Math.max(rows, cols) * rank * Double.BYTES;
        long bySize = (largestSide + MAX_BLOCK_BYTES - 1) / MAX_BLOCK_BYTES;
        return (int) Math.max(parallelism, bySize);
    }

    /**
     * The factors of {@code r} under {@code cfg}, in this JVM or as a Flink job ({@link
     * AlsConfig#parallelism}).
     */
    public static AlsResult fit(InteractionMatrix r, AlsConfig cfg) {
        return cfg.parallelism == 1 ? new ImplicitAls(cfg).fit(r) : distributed(r, cfg);
    }

    /**
     * The distributed {@link Als} as a bounded Flink job at parallelism {@link
     * AlsConfig#parallelism} (also 1), users and items in that many blocks: what {@link #fit} runs
     * for N &gt; 1, callable at 1 for benchmarks.
     */
    public static AlsResult fitDistributed(InteractionMatrix r, AlsConfig cfg) {
        return distributed(r, cfg);
    }

    private static AlsResult distributed(InteractionMatrix r, AlsConfig cfg) {
        Configuration conf = new Configuration();
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        conf.set(CoreOptions.DEFAULT_PARALLELISM, cfg.parallelism);
        // every operator at the parallelism asked for: the adaptive batch scheduler would otherwise
        // size the operators without an explicit one from their data (the table conversions
        // around the blocks), and start the job with a graph it completes as stages finish
        conf.set(BatchExecutionOptions.ADAPTIVE_AUTO_PARALLELISM_ENABLED, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.configure(conf, AlsSolvers.class.getClassLoader());
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        List<Row> rows = new ArrayList<>(r.nnz());
        boolean[] colSeen = new boolean[r.numCols()];
        for (int u = 0; u < r.numRows(); u++) {
            for (int q = r.rowStart(u); q < r.rowEnd(u); q++) {
                rows.add(Row.of((long) u, (long) r.col(q), r.value(q)));
                colSeen[r.col(q)] = true;
            }
        }
        if (cfg.implicit && r.numRows() > 0 && r.numCols() > 0) {
            // The distributed graph knows a user or item only from its entries, the in-process
            // solver knows every row of R: an empty row keeps its seeded initial factor until its
            // first solve, and that factor is part of the first Gram matrix XᵀX the items are
            // solved with. A zero entry makes the row known without changing the math: it has
            // confidence 1 + α·0 = 1 and preference 0, exactly an unobserved cell (and it is not a
            // positive, so λ_u of WEIGHTED does not count it). Not for explicit ratings, where 0 is
            // an observed value and the Gram matrix is not used.
            for (int u = 0; u < r.numRows(); u++) {
                if (r.rowStart(u) == r.rowEnd(u)) {
                    rows.add(Row.of((long) u, 0L, 0.0));
                }
            }
            for (int i = 0; i < r.numCols(); i++) {
                if (!colSeen[i]) {
                    rows.add(Row.of(0L, (long) i, 0.0));
                }
            }
        }
        Table ratings =
                tEnv.fromDataStream(
                        env.fromData(
                                rows,
                                Types.ROW_NAMED(
                                        new String[] {"user", "item", "rating"},
                                        Types.LONG,
                                        Types.LONG,
                                        Types.DOUBLE)));
        AlsModel model =
                new Als()
                        .setConfig(cfg)
                        .setNumBlocks(
                                numBlocks(r.numRows(), r.numCols(), cfg.rank, cfg.parallelism))
                        .fit(ratings);
        int k = cfg.rank;
        double[] users = new double[r.numRows() * k];
        double[] items = new double[r.numCols() * k];
        double[] seconds;
        DataStream<AlsModelData> factors = AlsModelData.getModelDataStream(model.getModelData()[0]);
        try (CloseableIterator<AlsModelData> it = factors.collectAsync()) {
            JobClient job =
                    factors.getExecutionEnvironment()
                            .executeAsync(
                                    "cross-interest ALS (parallelism " + cfg.parallelism + ")");
            while (it.hasNext()) {
                AlsModelData d = it.next();
                double[] target = d.side == AlsModelData.USER ? users : items;
                System.arraycopy(d.factors, 0, target, Math.toIntExact(d.id) * k, k);
            }
            JobExecutionResult done = job.getJobExecutionResult().get();
            seconds =
                    AlsBlocks.secondsPerIteration(done.getAllAccumulatorResults(), cfg.iterations);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "distributed ALS at parallelism " + cfg.parallelism + " failed: " + e, e);
        }
        return new AlsResult(
                new Factors(r.numRows(), k, users),
                new Factors(r.numCols(), k, items),
                new double[0],
                seconds);
    }
}

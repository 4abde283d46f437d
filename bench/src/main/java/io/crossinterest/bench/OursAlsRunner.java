package io.crossinterest.bench;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.cf.als.AlsResult;
import io.crossinterest.cf.als.ImplicitAls;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.openblas.global.openblas_nolapack;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * One side of the ALS benchmark in its own JVM: Cross-Interest's in-process implicit ALS ({@link
 * ImplicitAls}) with ALS-WR regularisation (λ·n_u, as Spark). Prints one line {@code RESULT
 * <json>}.
 */
@Command(name = "ours-als")
public final class OursAlsRunner implements Callable<Integer> {
    @Mixin RunSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new OursAlsRunner()).execute(args));
    }

    @Override
    public Integer call() {
        double loadAtStart = NativeBlasReport.loadAverage();
        BenchData data = spec.loadData();
        AlsConfig base =
                new AlsConfig(
                        spec.rank,
                        spec.iterations,
                        spec.lambda,
                        spec.alpha,
                        AlsConfig.Regularization.WEIGHTED,
                        AlsConfig.Solver.parse(spec.solver),
                        spec.cgSteps,
                        0L,
                        spec.threads);
        ObjectMapper om = new ObjectMapper();
        ObjectNode out = om.createObjectNode();
        ArrayNode recalls = out.putArray("recall_at_10");
        ArrayNode perIter = out.putArray("s_per_iter");
        // warm-up (class loading, JIT, native libraries), not timed
        new ImplicitAls(base.withIterations(1)).fit(data.train);
        for (long seed : spec.seeds) {
            AlsConfig cfg = base.withSeed(seed);
            // s/iter = (t(T iterations) − t(1 iteration)) / (T − 1): setup and the first iteration
            // cancel out
            long t0 = System.nanoTime();
            new ImplicitAls(cfg.withIterations(1)).fit(data.train);
            long t1 = System.nanoTime();
            AlsResult fit = new ImplicitAls(cfg).fit(data.train);
            long t2 = System.nanoTime();
            perIter.add(((t2 - t1) - (t1 - t0)) / 1e9 / (spec.iterations - 1));
            recalls.add(
                    RecallEvaluator.recallAt10(
                            data, fit.users.data(), fit.items.data(), spec.rank));
        }
        out.put("solver", spec.solver);
        out.put("cg_steps", spec.cgSteps);
        out.put("regularization", "weighted (ALS-WR: lambda * n_u, as Spark)");
        out.put("users", data.train.numRows());
        out.put("items", data.train.numCols());
        out.put("nnz", data.train.nnz());
        out.put("eval_users", data.evalUsers.length);
        out.put("description", data.description);
        out.put("machine_peak_gflops", peakGflops(spec.threads));
        out.put("load_average_at_start", loadAtStart);
        ObjectNode blas = NativeBlasReport.capture();
        blas.put(
                "level_1_2",
                ImplicitAls.levelOneTwoBlas() + " (dev.ludovic.netlib JavaBLAS, on the JVM)");
        blas.put(
                "level_3_lapack",
                "OpenBLAS bundled by org.bytedeco (JavaCPP), "
                        + openblas_nolapack.blas_get_num_threads()
                        + " thread(s)");
        out.set("blas", blas);
        System.out.println("RESULT " + out);
        return 0;
    }

    /** Measured peak: a 512³ DGEMM per thread, single-threaded OpenBLAS, all threads at once. */
    static double peakGflops(int threads) {
        int n = 512;
        int reps = 8;
        Thread[] ts = new Thread[threads];
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            ts[t] =
                    new Thread(
                            () -> {
                                double[] init = new double[n * n];
                                Arrays.fill(init, 0.5);
                                try (DoublePointer a = new DoublePointer(init);
                                        DoublePointer b = new DoublePointer(init);
                                        DoublePointer c = new DoublePointer((long) n * n)) {
                                    for (int r = 0; r < reps; r++) {
                                        openblas.cblas_dgemm(
                                                openblas.CblasColMajor,
                                                openblas.CblasNoTrans,
                                                openblas.CblasNoTrans,
                                                n,
                                                n,
                                                n,
                                                1.0,
                                                a,
                                                n,
                                                b,
                                                n,
                                                0.0,
                                                c,
                                                n);
                                    }
                                }
                            });
            ts[t].start();
        }
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Double.NaN;
            }
        }
        double s = (System.nanoTime() - start) / 1e9;
        return 2.0 * n * n * n * reps * threads / s / 1e9;
    }
}

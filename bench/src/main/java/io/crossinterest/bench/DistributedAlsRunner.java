package io.crossinterest.bench;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.cf.als.AlsResult;
import io.crossinterest.cf.als.AlsShuffleCost;
import io.crossinterest.cf.als.AlsSolvers;
import io.crossinterest.cf.als.ImplicitAls;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The distributed side of the ALS benchmark in its own JVM, on the job jar's classpath (Flink, no
 * Spark): for each parallelism p, the distributed {@code Als} as a bounded Flink job on a
 * MiniCluster at parallelism p (p blocks per side), and next to it, in the same JVM and under the
 * same load, the in-process kernels at p threads; the same s/iter definition, seeds and recall@10
 * as the other two sides; and what each half-step ships ({@link AlsShuffleCost}) at p and at the
 * projected TaskManager counts, at the number of blocks the distributed path uses there. Prints one
 * line {@code RESULT <json>}.
 */
@Command(name = "distributed-als")
public final class DistributedAlsRunner implements Callable<Integer> {
    @Mixin RunSpec spec;

    @Option(names = "--parallelism", required = true, split = ",")
    List<Integer> parallelism;

    @Option(
            names = "--project",
            required = true,
            split = ",",
            description = "TaskManager counts to project to")
    List<Integer> project;

    public static void main(String[] args) {
        System.exit(new CommandLine(new DistributedAlsRunner()).execute(args));
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
                        1);
        ObjectMapper om = new ObjectMapper();
        ObjectNode out = om.createObjectNode();
        out.put("load_average_at_start", loadAtStart);
        // warm-up (class loading, JIT, the MiniCluster's first job), not timed
        AlsSolvers.fitDistributed(
                data.train, base.withIterations(1).withParallelism(parallelism.get(0)));
        new ImplicitAls(base.withIterations(1)).fit(data.train);
        ObjectNode byP = out.putObject("parallelism");
        for (int p : parallelism) {
            AlsConfig cfg = base.withThreads(p).withParallelism(p);
            ObjectNode r = byP.putObject(Integer.toString(p));
            r.put("load_average_at_start", NativeBlasReport.loadAverage());
            System.err.println("== distributed, parallelism " + p);
            measure(r, "distributed", data, cfg, c -> AlsSolvers.fitDistributed(data.train, c));
            System.err.println("== in-process, " + p + " thread(s)");
            measure(r, "in_process", data, cfg, c -> new ImplicitAls(c).fit(data.train));
            r.set("shuffle", shuffle(om, data, p));
        }
        ObjectNode projected = out.putObject("projected");
        for (int n : project) {
            projected.set(Integer.toString(n), shuffle(om, data, n));
        }
        out.set("blas", NativeBlasReport.capture());
        System.out.println("RESULT " + out);
        return 0;
    }

    /**
     * s/iter = (t(T iterations) − t(1 iteration)) / (T − 1) per seed; in-job s/iter, the mean of
     * the T-iteration fit's own per-iteration wall times (the in-process solver's clock around each
     * iteration; the distributed job's stage end times, stage scheduling included), which leave out
     * the one-off costs of a fit (for the job: building the input, the table conversions, the
     * blocks, collecting the factors) whose run-to-run spread the difference of two fits inherits;
     * and recall@10 of the T-iteration factors.
     */
    private void measure(
            ObjectNode r,
            String name,
            BenchData data,
            AlsConfig cfg,
            Function<AlsConfig, AlsResult> fit) {
        ArrayNode perIter = r.putArray(name + "_s_per_iter");
        ArrayNode inJob = r.putArray(name + "_in_job_s_per_iter");
        ArrayNode recalls = r.putArray(name + "_recall_at_10");
        for (long seed : spec.seeds) {
            AlsConfig c = cfg.withSeed(seed);
            long t0 = System.nanoTime();
            fit.apply(c.withIterations(1));
            long t1 = System.nanoTime();
            AlsResult result = fit.apply(c);
            long t2 = System.nanoTime();
            perIter.add(((t2 - t1) - (t1 - t0)) / 1e9 / (spec.iterations - 1));
            double[] seconds = result.secondsPerIteration;
            if (seconds.length == 0) {
                inJob.addNull();
            } else {
                inJob.add(Arrays.stream(seconds).sum() / seconds.length);
            }
            recalls.add(
                    RecallEvaluator.recallAt10(
                            data, result.users.data(), result.items.data(), spec.rank));
        }
    }

    /**
     * What each half-step ships with {@code subtasks} subtasks, at the number of blocks the
     * distributed path uses there ({@link AlsSolvers#numBlocks}).
     */
    private ObjectNode shuffle(ObjectMapper om, BenchData data, int subtasks) {
        ObjectNode s = om.createObjectNode();
        int blocks =
                AlsSolvers.numBlocks(
                        data.train.numRows(), data.train.numCols(), spec.rank, subtasks);
        s.put("blocks", blocks);
        boolean warmStart = AlsConfig.Solver.parse(spec.solver) == AlsConfig.Solver.CG;
        for (AlsShuffleCost.HalfStep h :
                AlsShuffleCost.perIteration(data.train, blocks, spec.rank, true, warmStart)) {
            ObjectNode n = s.putObject(h.solves());
            n.put("rows_solved", h.rows());
            n.put("block_bytes", h.blockBytes());
            n.put("own_factor_bytes", h.ownFactorBytes());
            n.put("factor_bytes", h.factorBytes());
            n.put("remote_factor_bytes", h.remoteFactorBytes());
            n.put("gram_bytes", h.gramBytes());
            n.put("remote_gram_bytes", h.remoteGramBytes());
            n.put("total_bytes", h.totalBytes());
            n.put("remote_bytes", h.remoteBytes());
            n.put("max_block_work_share", h.maxBlockWorkShare());
        }
        return s;
    }
}

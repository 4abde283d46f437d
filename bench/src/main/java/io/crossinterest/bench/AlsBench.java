package io.crossinterest.bench;

import io.crossinterest.report.RunInfo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code als --vs spark}: Cross-Interest's implicit ALS against Spark MLlib ALS on the same data,
 * rank, λ (ALS-WR scaling on both sides), α, iterations and cores. Each side runs in its own JVM
 * with the same flags and heap (they need different majors of dev.ludovic.netlib: Flink ML's 2.2.1
 * for ours, 3.0.3 for Spark). Writes {@code DIR/als-bench.json}.
 */
@Command(
        name = "als",
        mixinStandardHelpOptions = true,
        description = "Implicit ALS: ours vs Spark MLlib (seconds per iteration, recall@10).")
public final class AlsBench implements Callable<Integer> {
    /**
     * Spark's JDK 17 module options (its launcher's defaults) plus the vector API for both sides'
     * Java BLAS.
     */
    static final List<String> CHILD_FLAGS =
            List.of(
                    "-XX:+IgnoreUnrecognizedVMOptions",
                    "--add-modules=jdk.incubator.vector",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
                    "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
                    "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "-Djdk.reflect.useDirectMethodHandle=false");

    /** Assumed network bandwidth per TaskManager for the projection (10 GbE), bytes/s. */
    static final double LINK_BYTES_PER_S = 1.25e9;

    @Spec CommandSpec commandSpec;

    @Option(names = "--vs", required = true, description = "reference system: spark")
    String vs;

    @Option(names = "--rank", required = true, description = "factor rank, e.g. 16, 64 or 128")
    int rank;

    @Option(names = "--output", required = true, description = "folder for als-bench.json")
    Path output;

    @Option(names = "--iterations", defaultValue = "10")
    int iterations;

    @Option(
            names = "--lambda",
            defaultValue = "0.1",
            description = "λ, scaled by n_u on both sides (ALS-WR)")
    double lambda;

    @Option(names = "--alpha", defaultValue = "1.0")
    double alpha;

    @Option(
            names = "--seeds",
            defaultValue = "1,2,3",
            split = ",",
            description =
                    "model seeds (recall is reported for each); the first also draws the held-out split")
    List<Long> seeds;

    @Option(names = "--threads", description = "cores for both sides (default: all)")
    Integer threads;

    @Option(
            names = "--data",
            defaultValue = "amazon,powerlaw",
            split = ",",
            description = "amazon, powerlaw")
    List<String> datasets;

    @Option(names = "--shared-data", defaultValue = "../shared/data")
    Path sharedData;

    @Option(
            names = "--eval-users",
            defaultValue = "3000",
            description = "users sampled for recall@10")
    int evalUsers;

    @Option(
            names = "--powerlaw-users",
            defaultValue = "140000",
            description =
                    "≈ 15 distinct interactions each: 140,000 give ≈ 2.1M training interactions")
    int powerLawUsers;

    @Option(names = "--solver", defaultValue = "cg", description = "ours: cg | cholesky")
    String solver;

    @Option(names = "--cg-steps", defaultValue = "3")
    int cgSteps;

    @Option(names = "--heap", defaultValue = "6g", description = "-Xmx of each side's JVM")
    String heap;

    @Option(
            names = "--distributed",
            description =
                    "also the distributed Als (a Flink job on a MiniCluster) at each --parallelism")
    boolean distributed;

    @Option(
            names = "--parallelism",
            defaultValue = "1,2",
            split = ",",
            description = "parallelisms of the distributed run (with --distributed)")
    List<Integer> parallelism;

    @Option(
            names = "--project",
            defaultValue = "8,32",
            split = ",",
            description = "TaskManager counts the distributed cost model is projected to")
    List<Integer> project;

    /**
     * {@code AlsBench --vs spark --rank 64 --output DIR} (what {@code bin/cross-interest bench als
     * ...} runs).
     */
    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new AlsBench());
        cl.setParameterExceptionHandler(
                (ex, a) -> {
                    System.err.println(ex.getMessage());
                    return 2;
                });
        System.exit(cl.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!"spark".equals(vs)) {
            throw new CommandLine.ParameterException(
                    commandSpec.commandLine(), "--vs: only 'spark' is supported");
        }
        if (rank < 1 || iterations < 2) {
            throw new CommandLine.ParameterException(
                    commandSpec.commandLine(), "--rank must be >= 1 and --iterations >= 2");
        }
        if (!solver.equals("cg") && !solver.equals("cholesky")) {
            throw new CommandLine.ParameterException(
                    commandSpec.commandLine(), "--solver: cg or cholesky");
        }
        for (String d : datasets) {
            if (!d.equals("amazon") && !d.equals("powerlaw")) {
                throw new CommandLine.ParameterException(
                        commandSpec.commandLine(), "--data: unknown data set " + d);
            }
        }
        if (datasets.contains("amazon")
                && !Files.isDirectory(sharedData.resolve("amazon-cdr-disencdr"))) {
            throw new CommandLine.ParameterException(
                    commandSpec.commandLine(),
                    "--shared-data: no amazon-cdr-disencdr in " + sharedData);
        }
        String jobsClasspath = System.getProperty("cross-interest.jobs.classpath");
        if (distributed) {
            if (parallelism.stream().anyMatch(p -> p < 1)
                    || project.stream().anyMatch(p -> p < 1)) {
                throw new CommandLine.ParameterException(
                        commandSpec.commandLine(),
                        "--parallelism and --project: positive integers");
            }
            if (jobsClasspath == null || jobsClasspath.isBlank()) {
                throw new CommandLine.ParameterException(
                        commandSpec.commandLine(),
                        "--distributed needs the job jar's"
                                + " classpath (-Dcross-interest.jobs.classpath); run it through bin/cross-interest bench als");
            }
        }
        int cores = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        Files.createDirectories(output);
        RunInfo run =
                RunInfo.capture(
                        "bin/cross-interest bench als "
                                + String.join(
                                        " ",
                                        commandSpec.commandLine().getParseResult().originalArgs()),
                        Path.of(System.getProperty("cross-interest.home", ".")));

        RunSpec spec = new RunSpec();
        spec.sharedData = sharedData.toAbsolutePath();
        spec.rank = rank;
        spec.iterations = iterations;
        spec.lambda = lambda;
        spec.alpha = alpha;
        spec.seeds = seeds;
        spec.threads = cores;
        spec.evalUsers = evalUsers;
        spec.powerLawUsers = powerLawUsers;
        spec.solver = solver;
        spec.cgSteps = cgSteps;

        ObjectMapper om = new ObjectMapper();
        ObjectNode report = om.createObjectNode();
        report.put("benchmark", "implicit ALS, Cross-Interest vs Spark MLlib");
        run.writeTo(report.putObject("run"));
        report.put("rank", rank);
        report.put("iterations", iterations);
        report.put("lambda", lambda);
        report.put("alpha", alpha);
        report.put(
                "regularization",
                "ALS-WR on both sides: lambda * (number of interactions of the row)");
        report.put(
                "ours_solver",
                solver + (solver.equals("cg") ? " (" + cgSteps + " steps, warm start)" : ""));
        report.put("spark_solver", "Cholesky (normal equations, LAPACK dppsv), float factors");
        report.put("threads", cores);
        report.put("seeds", om.valueToTree(seeds));
        report.put(
                "s_per_iter_definition",
                "(wall time of fit with T iterations - wall time of fit with 1 iteration) / (T - 1), median over"
                        + " seeds; each side in its own JVM with the same flags and -Xmx"
                        + heap);
        report.put(
                "recall_definition",
                "full-ranking recall@10 of the held-out item (leave-one-out from the"
                        + " training file) over items unseen in training, on up to "
                        + evalUsers
                        + " sampled users");
        report.put("machine", machine(cores));
        report.set("netlib_properties", om.valueToTree(netlibProperties()));
        ArrayNode results = report.putArray("datasets");
        for (String d : datasets) {
            spec.data = d;
            System.err.println("== " + d + ": ours");
            JsonNode ours = runChild(OursAlsRunner.class, ourClasspath(), spec);
            System.err.println("== " + d + ": spark");
            JsonNode spark =
                    runChild(SparkAlsRunner.class, System.getProperty("java.class.path"), spec);
            ObjectNode combined = combine(om, d, ours, spark, spec);
            if (distributed) {
                System.err.println("== " + d + ": distributed Als, parallelism " + parallelism);
                List<String> extra = new ArrayList<>();
                extra.add("--parallelism=" + join(parallelism));
                extra.add("--project=" + join(project));
                String cp =
                        Path.of(
                                        AlsBench.class
                                                .getProtectionDomain()
                                                .getCodeSource()
                                                .getLocation()
                                                .toURI())
                                + File.pathSeparator
                                + jobsClasspath;
                try {
                    JsonNode dist = runChild(DistributedAlsRunner.class, cp, spec, extra);
                    addDistributed(om, combined, dist, oursRecall(combined));
                } catch (IllegalStateException e) {
                    // the in-process and Spark figures stand; the failure is recorded (its cause is
                    // on stderr)
                    combined.put("distributed_error", e.getMessage() + "; see the run's stderr");
                }
            }
            results.add(combined);
            Files.writeString(
                    output.resolve("als-bench.json"),
                    om.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        }
        System.out.println(om.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        System.err.println("wrote " + output.resolve("als-bench.json"));
        return 0;
    }

    private ObjectNode combine(
            ObjectMapper om, String d, JsonNode ours, JsonNode spark, RunSpec spec) {
        ObjectNode r = om.createObjectNode();
        r.put(
                "name",
                ours.get("description").asText().startsWith("amazon")
                        ? "amazon_electronic_cloth"
                        : d);
        r.put("description", ours.get("description").asText());
        long users = ours.get("users").asLong();
        long items = ours.get("items").asLong();
        long nnz = ours.get("nnz").asLong();
        r.put("users", users);
        r.put("items", items);
        r.put("interactions_train", nnz);
        r.put("eval_users", ours.get("eval_users").asInt());
        double oursS = median(ours.get("s_per_iter"));
        double sparkS = median(spark.get("s_per_iter"));
        r.put("ours_s_per_iter", oursS);
        r.put("spark_s_per_iter", sparkS);
        r.put("speedup", sparkS / oursS);
        double oursRecall = mean(ours.get("recall_at_10"));
        double sparkRecall = mean(spark.get("recall_at_10"));
        r.put("ours_recall@10", oursRecall);
        r.put("spark_recall@10", sparkRecall);
        r.put("recall_relative_difference", (oursRecall - sparkRecall) / sparkRecall);
        r.set("ours_recall@10_per_seed", ours.get("recall_at_10"));
        r.set("spark_recall@10_per_seed", spark.get("recall_at_10"));
        r.set("ours_s_per_iter_per_seed", ours.get("s_per_iter"));
        r.set("spark_s_per_iter_per_seed", spark.get("s_per_iter"));
        double k = rank;
        double rows = users + items;
        double flops;
        String model;
        if (spec.solver.equals("cg")) {
            int s = spec.cgSteps;
            // Grams 2(U+I)k²; per row and CG pass (s steps + the initial residual): G·v 2k², sparse
            // part 4·n_u·k; right-hand sides 4·nnz·k over both half-steps
            flops = 2 * rows * k * k + (s + 1) * (2 * rows * k * k + 8.0 * nnz * k) + 4.0 * nnz * k;
            model = "2(U+I)k^2 + (s+1)(2(U+I)k^2 + 8 nnz k) + 4 nnz k, s = " + s + " CG steps";
        } else {
            // Grams 2(U+I)k²; dsyrk n_u·k² per row (2·nnz·k² over both half-steps); right-hand
            // sides 4·nnz·k; dposv k³/3 + 2k² per row
            flops =
                    2 * rows * k * k
                            + 2.0 * nnz * k * k
                            + 4.0 * nnz * k
                            + rows * (k * k * k / 3 + 2 * k * k);
            model = "2(U+I)k^2 + 2 nnz k^2 + 4 nnz k + (U+I)(k^3/3 + 2k^2)";
        }
        r.put("cost_model", model);
        r.put("cost_model_gflop_per_iter", flops / 1e9);
        r.put("ours_gflops", flops / 1e9 / oursS);
        r.put("machine_peak_gflops", ours.get("machine_peak_gflops").asDouble());
        r.put("spark_version", spark.get("spark_version").asText());
        r.put("ours_load_average_at_start", ours.path("load_average_at_start").asDouble());
        r.put("spark_load_average_at_start", spark.path("load_average_at_start").asDouble());
        r.set("ours_blas", ours.get("blas"));
        r.set("spark_blas", spark.get("blas"));
        return r;
    }

    /**
     * The parent's {@code dev.ludovic.netlib.*} system properties, passed on to every side: which
     * native library netlib loads ({@code ...blas.nativeLib}, {@code ...blas.nativeLibPath}, the
     * same for lapack), e.g. a name that does not exist to run as on a machine without a system
     * BLAS.
     */
    static List<String> netlibProperties() {
        return System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("dev.ludovic.netlib."))
                .sorted()
                .map(k -> "-D" + k + "=" + System.getProperty(k))
                .collect(Collectors.toList());
    }

    private static double oursRecall(ObjectNode combined) {
        return combined.get("ours_recall@10").asDouble();
    }

    private static String join(List<Integer> v) {
        return v.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    /**
     * The distributed figures, per parallelism, next to the in-process kernels at as many threads
     * in the same JVM, and the cost model: bytes per half-step (measured from the data, {@code
     * AlsShuffleCost}), the time it costs here, and the projection to more TaskManagers.
     */
    private void addDistributed(
            ObjectMapper om, ObjectNode r, JsonNode dist, double inProcessRecall) {
        ObjectNode sPerIter = r.putObject("distributed_s_per_iter");
        ObjectNode inProcess = r.putObject("in_process_s_per_iter_same_jvm");
        ObjectNode ratio = r.putObject("distributed_over_in_process");
        ObjectNode inJob = r.putObject("distributed_in_job_s_per_iter");
        ObjectNode inJobInProcess = r.putObject("in_process_in_job_s_per_iter_same_jvm");
        ObjectNode inJobRatio = r.putObject("distributed_over_in_process_in_job");
        ObjectNode recallByP = r.putObject("distributed_recall@10_by_parallelism");
        ObjectNode loads = r.putObject("distributed_load_average_at_start");
        ObjectNode model = r.putObject("distributed_cost_model");
        r.put(
                "in_job_s_per_iter_definition",
                "the mean of the T-iteration fit's own per-iteration wall times, median over seeds:"
                        + " in-process, the solver's clock around each iteration; distributed, the"
                        + " job's stage end times (iteration t from the end of the stage before it to"
                        + " the end of its user half-step, stage scheduling included). Leaves out the"
                        + " one-off costs of a fit that (t(T) - t(1)) / (T - 1) cancels only on average");
        model.put(
                "what_is_shipped",
                "per half-step (solve side S from side O, B blocks per side: p, or more when a side's"
                        + " factors pass 256 MiB; block b on subtask b mod p): every O block sends each S block the"
                        + " factors of exactly the O rows it references (8k bytes each; remote when the blocks differ)"
                        + " and its partial Gram (8k^2 bytes, B^2 messages); with CG each S block also gets its own"
                        + " current factors from its previous half-step (8k bytes per row, same block); and the"
                        + " half-step reads the S blocks, built once (ids, interactions 12 bytes each, out-links,"
                        + " block pointers; never their factors). Array payload bytes, no serializer framing.");
        ObjectNode perP = model.putObject("per_half_step");
        List<double[]> points =
                new ArrayList<>(); // (bytes per iteration / p, overhead s per iteration)
        double recallSum = 0;
        int recallN = 0;
        double inProcess1 = Double.NaN;
        for (Integer p : parallelism) {
            JsonNode d = dist.get("parallelism").get(p.toString());
            String key = p.toString();
            double rec = mean(d.get("distributed_recall_at_10"));
            recallByP.put(key, rec);
            recallSum += rec;
            recallN++;
            loads.put(key, d.path("load_average_at_start").asDouble());
            double dj = median(d.get("distributed_in_job_s_per_iter"));
            double ij = median(d.get("in_process_in_job_s_per_iter"));
            if (dj > 0 && ij > 0) {
                inJob.put(key, dj);
                inJobInProcess.put(key, ij);
                inJobRatio.put(key, dj / ij);
            }
            double ds = median(d.get("distributed_s_per_iter"));
            double is = median(d.get("in_process_s_per_iter"));
            if (!(ds > 0) || !(is > 0)) {
                // s/iter is (t(T) - t(1)) / (T - 1): with few iterations the noise of the two fits
                // can exceed the difference; a time <= 0 is not a measurement, so no figure and no
                // point for the overhead model
                sPerIter.putNull(key);
                inProcess.putNull(key);
                ratio.putNull(key);
                r.put(
                        "distributed_unmeasured_" + key,
                        "t(T iterations) - t(1 iteration) was not positive (distributed "
                                + ds
                                + ", in-process "
                                + is
                                + " s/iter): too few --iterations to separate an iteration from"
                                + " the noise");
                continue;
            }
            sPerIter.put(key, ds);
            inProcess.put(key, is);
            ratio.put(key, ds / is);
            ObjectNode h = perP.putObject(key);
            h.setAll((ObjectNode) d.get("shuffle").deepCopy());
            double bytes = iterationBytes(d.get("shuffle"), "total_bytes");
            h.put("bytes_per_iteration", bytes);
            h.put("overhead_s_per_iteration", ds - is);
            h.put("overhead_s_per_half_step", (ds - is) / 2);
            points.add(new double[] {bytes / p, ds - is});
            if (p == 1) {
                inProcess1 = is;
            }
        }
        r.put("distributed_recall@10", recallSum / recallN);
        r.put(
                "distributed_recall_relative_difference",
                (recallSum / recallN - inProcessRecall) / inProcessRecall);
        // overhead(p) = a + c · bytes(p) / p: a per iteration (scheduling 2 stages), c the
        // serializer's s/byte (each of the p subtasks serializes its share); least squares over the
        // measured p, clamped to a, c ≥ 0
        double[] ac = fitOverhead(points);
        model.put(
                "overhead_model",
                "distributed - in-process s/iter = a + c * bytes_per_iteration / p, fitted on"
                        + " the measured parallelisms (a, c >= 0)");
        model.put("a_s_per_iteration", ac[0]);
        model.put("c_s_per_byte", ac[1]);
        model.put("c_mb_per_s", ac[1] > 0 ? 1e-6 / ac[1] : Double.POSITIVE_INFINITY);
        ObjectNode proj = model.putObject("projection");
        if (Double.isNaN(inProcess1)) {
            proj.put(
                    "skipped",
                    "needs parallelism 1 in --parallelism (the single-core compute time)");
            return;
        }
        proj.put(
                "model",
                "s/iter(N) = t1 * w(N) + a + c * bytes(N) / N + remote_bytes(N) / N / link; t1 = in-process"
                        + " s/iter at 1 thread, w(N) = busiest block's work share (mean of the two half-steps), bytes from"
                        + " the data at N blocks, link = "
                        + LINK_BYTES_PER_S / 1e9
                        + " GB/s per TaskManager (assumed 10 GbE,"
                        + " not measured), one core per TaskManager as measured here; ignores stragglers and JobManager"
                        + " scheduling beyond a");
        for (Integer n : project) {
            JsonNode s = dist.get("projected").get(n.toString());
            double bytes = iterationBytes(s, "total_bytes");
            double remote = iterationBytes(s, "remote_bytes");
            double w =
                    (s.get("items").get("max_block_work_share").asDouble()
                                    + s.get("users").get("max_block_work_share").asDouble())
                            / 2;
            ObjectNode o = proj.putObject(n.toString());
            o.setAll((ObjectNode) s.deepCopy());
            o.put("bytes_per_iteration", bytes);
            o.put("remote_bytes_per_iteration", remote);
            double compute = inProcess1 * w;
            double serialize = ac[0] + ac[1] * bytes / n;
            double network = remote / n / LINK_BYTES_PER_S;
            o.put("compute_s_per_iter", compute);
            o.put("serialize_s_per_iter", serialize);
            o.put("network_s_per_iter", network);
            o.put("s_per_iter", compute + serialize + network);
        }
    }

    private static double iterationBytes(JsonNode shuffle, String field) {
        return shuffle.get("items").get(field).asDouble()
                + shuffle.get("users").get(field).asDouble();
    }

    /**
     * Least squares of y = a + c x with a, c ≥ 0 (one point, or a negative fit: a = 0, c = mean
     * y/x).
     */
    static double[] fitOverhead(List<double[]> xy) {
        int n = xy.size();
        if (n >= 2) {
            double mx = 0;
            double my = 0;
            for (double[] p : xy) {
                mx += p[0] / n;
                my += p[1] / n;
            }
            double sxx = 0;
            double sxy = 0;
            for (double[] p : xy) {
                sxx += (p[0] - mx) * (p[0] - mx);
                sxy += (p[0] - mx) * (p[1] - my);
            }
            if (sxx > 0) {
                double c = sxy / sxx;
                double a = my - c * mx;
                if (a >= 0 && c >= 0) {
                    return new double[] {a, c};
                }
            }
        }
        double c = 0;
        for (double[] p : xy) {
            c += Math.max(0, p[1]) / p[0] / n;
        }
        return new double[] {0, c};
    }

    private static double median(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asDouble();
        }
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double mean(JsonNode a) {
        double s = 0;
        for (JsonNode n : a) {
            s += n.asDouble();
        }
        return s / a.size();
    }

    private JsonNode runChild(Class<?> main, String classpath, RunSpec spec)
            throws IOException, InterruptedException {
        return runChild(main, classpath, spec, List.of());
    }

    private JsonNode runChild(Class<?> main, String classpath, RunSpec spec, List<String> extraArgs)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.addAll(CHILD_FLAGS);
        cmd.addAll(netlibProperties());
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(main.getName());
        cmd.addAll(spec.toArgs());
        cmd.addAll(extraArgs);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String result = null;
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("RESULT ")) {
                    result = line.substring("RESULT ".length());
                } else {
                    System.err.println(line);
                }
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || result == null) {
            throw new IllegalStateException(main.getSimpleName() + " failed with exit code " + rc);
        }
        return new ObjectMapper().readTree(result);
    }

    /**
     * Our side's classpath: this process's (Spark's) classpath with dev.ludovic.netlib:blas 3.0.3
     * replaced by the 2.2.1 that Flink ML is built against (copied to target/ours-blas/ at package
     * time).
     */
    private static String ourClasspath() throws URISyntaxException {
        Path classes =
                Path.of(AlsBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path blas = classes.getParent().resolve("ours-blas").resolve("blas-2.2.1.jar");
        if (!Files.isRegularFile(blas)) {
            throw new IllegalStateException(
                    "missing " + blas + ": build with mvn -Pbench -pl bench -am package");
        }
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(
                        e ->
                                e.contains(
                                                "dev"
                                                        + File.separator
                                                        + "ludovic"
                                                        + File.separator
                                                        + "netlib"
                                                        + File.separator
                                                        + "blas")
                                        ? blas.toString()
                                        : e)
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static ObjectNode machine(int cores) {
        ObjectNode m = new ObjectMapper().createObjectNode();
        m.put("available_processors", Runtime.getRuntime().availableProcessors());
        m.put("threads_used", cores);
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        try {
            List<String> cpu = Files.readAllLines(Path.of("/proc/cpuinfo"));
            cpu.stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .ifPresent(l -> m.put("cpu", l.substring(l.indexOf(':') + 1).trim()));
            Files.readAllLines(Path.of("/proc/loadavg")).stream()
                    .findFirst()
                    .ifPresent(l -> m.put("loadavg_at_start", l));
        } catch (IOException e) {
            m.put("cpu", "unknown");
        }
        return m;
    }
}

package io.crossinterest.bench;

import io.crossinterest.encoder.CnnEncoder;
import io.crossinterest.encoder.EncoderConfig;
import io.crossinterest.encoder.ProjectedEncoder;
import io.crossinterest.encoder.SourceTokenizer;
import io.crossinterest.report.RunInfo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The encoder benchmark (DESIGN §6, issue 16): users/s encoded (H_u, inference) at batch 1, 32 and
 * 256 on the seed's full-size network ({@link EncoderConfig#defaults()}), side by side in one run:
 *
 * <ul>
 *   <li>{@code dl4j}: the DL4J graph's forward pass ({@link CnnEncoder#encode}), at ND4J's thread
 *       setting;
 *   <li>{@code projected}: the product's inference path ({@link ProjectedEncoder}, what {@code
 *       JointScorer} and the stream scorer run), one Java thread;
 *   <li>{@code pytorch}: the same network in PyTorch ({@code encoder_bench.py} next to this class),
 *       at the same thread count as ND4J ({@code torch.set_num_threads}), and {@code
 *       pytorchProjected}, PyTorch with the same folding of the embedding into the convolution.
 *       When no Python with torch is found, the PyTorch figures of issue 16 stand in (marked as
 *       such).
 * </ul>
 *
 * Goal: the product's encoder within 1.5× of PyTorch's users/s at every batch. Timing: a warm-up,
 * then each measurement runs until at least {@code minSeconds} have passed; users/s = users encoded
 * / elapsed wall time. The machine is shared: the four are measured in turn at each batch (PyTorch
 * in one Python process that answers requests, so its measurements interleave with the JVM's), the
 * whole set {@code rounds} times, and the best of the rounds kept for each figure. Also: where the
 * DL4J graph spends its time at batch 256 (layer by layer), and seconds per pre-training epoch on
 * the source block of an Amazon pair. Writes {@code encoder-bench.json}.
 */
public final class EncoderBench {
    static final int[] BATCHES = {1, 32, 256};

    /**
     * Users/s of PyTorch 1.13 (Debian's python3-torch) on this machine, issue 16: used only without
     * a PyTorch.
     */
    static final Map<String, Double> PYTORCH_ISSUE_16 =
            Map.of("1", 935.0, "32", 4965.0, "256", 5068.0);

    static final double GOAL_FACTOR = 1.5;

    /**
     * Source tokens of the benchmark's users (a typical user; the Amazon pairs' median is lower).
     */
    static final int TYPICAL_TOKENS = 20;

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EncoderBench() {}

    /**
     * What to run; {@code python} null: look for a Python with torch ({@link #findPython}); "": no
     * PyTorch.
     */
    public record Options(
            Path outputDir,
            Path pairSourceDir,
            double minSeconds,
            int rounds,
            String python,
            RunInfo run) {}

    /**
     * Runs the benchmark and writes {@code outputDir/encoder-bench.json}; returns the JSON file.
     */
    public static Path run(Options o, Consumer<String> progress)
            throws IOException, InterruptedException {
        EncoderConfig c = EncoderConfig.defaults();
        ObjectNode root = JSON.createObjectNode();
        o.run().writeTo(root.putObject("run"));
        ObjectNode machine = root.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.version"));
        machine.put("nd4jBackend", Nd4j.getBackend().getClass().getName());
        machine.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
        machine.put(
                "loadAverageAtStart",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        int nd4jThreads = Nd4j.getEnvironment().maxThreads();
        ObjectNode threads = root.putObject("threads");
        // ND4J's threads per op (the launcher sets OMP_NUM_THREADS=1: one core per Flink subtask)
        threads.put(
                "OMP_NUM_THREADS",
                System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset: all cores)"));
        threads.put("dl4j", nd4jThreads);
        threads.put("projected", 1);
        root.set("encoder", JSON.valueToTree(c));
        root.put(
                "users",
                TYPICAL_TOKENS
                        + " random item tokens each, right-aligned in the window of L, padding before "
                        + "them; projectedFullWindow: "
                        + c.seqLen
                        + " tokens each (the projected encoder's cost grows with a "
                        + "user's tokens, the layers' does not)");
        root.put("minSeconds", o.minSeconds());
        root.put("rounds", o.rounds());

        ComputationGraph g = CnnEncoder.newPretrainGraph(c);
        long p0 = System.nanoTime();
        ProjectedEncoder projected = ProjectedEncoder.of(g, c.seqLen);
        root.put("projectionSeconds", (System.nanoTime() - p0) / 1e9);
        Random rnd = new Random(c.seed);
        Map<Integer, List<int[]>> users = new LinkedHashMap<>();
        Map<Integer, List<int[]>> fullUsers = new LinkedHashMap<>();
        for (int batch : BATCHES) {
            users.put(batch, randomUsers(batch, TYPICAL_TOKENS, c.vocabSize, rnd));
            fullUsers.put(batch, randomUsers(batch, c.seqLen, c.vocabSize, rnd));
        }

        String python = o.python() != null ? o.python() : findPython();
        Map<String, Map<String, Double>> best = new LinkedHashMap<>();
        List<Map<String, Map<String, Double>>> rounds = new ArrayList<>();
        try (PyTorch torchSide = python.isEmpty() ? null : PyTorch.start(python, c, nd4jThreads)) {
            for (int round = 1; round <= o.rounds(); round++) {
                Map<String, Map<String, Double>> r = new LinkedHashMap<>();
                for (int batch : BATCHES) {
                    List<int[]> seqs = users.get(batch);
                    INDArray x = SourceTokenizer.window(seqs, c.seqLen);
                    put(
                            r,
                            "dl4j",
                            batch,
                            usersPerSecond(() -> CnnEncoder.encode(g, x), batch, o.minSeconds()));
                    put(
                            r,
                            "projected",
                            batch,
                            usersPerSecond(() -> projected.encode(seqs), batch, o.minSeconds()));
                    List<int[]> full = fullUsers.get(batch);
                    put(
                            r,
                            "projectedFullWindow",
                            batch,
                            usersPerSecond(() -> projected.encode(full), batch, o.minSeconds()));
                    String line =
                            String.format(
                                    "round %d, batch %d: DL4J graph %.0f users/s, projected %.0f (full "
                                            + "window %.0f)",
                                    round,
                                    batch,
                                    r.get("dl4j").get("" + batch),
                                    r.get("projected").get("" + batch),
                                    r.get("projectedFullWindow").get("" + batch));
                    if (torchSide != null) {
                        put(
                                r,
                                "pytorch",
                                batch,
                                torchSide.usersPerSecond("standard", batch, o.minSeconds()));
                        put(
                                r,
                                "pytorchProjected",
                                batch,
                                torchSide.usersPerSecond("projected", batch, o.minSeconds()));
                        line +=
                                String.format(
                                        ", PyTorch %.0f, PyTorch projected %.0f",
                                        r.get("pytorch").get("" + batch),
                                        r.get("pytorchProjected").get("" + batch));
                    }
                    progress.accept(line);
                }
                rounds.add(r);
                r.forEach(
                        (name, byBatch) ->
                                byBatch.forEach(
                                        (b, v) ->
                                                best.computeIfAbsent(
                                                                name, k -> new LinkedHashMap<>())
                                                        .merge(b, v, Math::max)));
            }
            if (torchSide != null) {
                root.put(
                        "pytorchSource",
                        "measured in this run: " + python + ", torch " + torchSide.version);
                threads.put("pytorch", torchSide.threads);
            }
        }
        best.forEach((name, byBatch) -> root.set(name, JSON.valueToTree(byBatch)));
        root.set("perRound", JSON.valueToTree(rounds));
        Map<String, Double> torch = best.get("pytorch");
        if (torch == null) {
            torch = new LinkedHashMap<>();
            for (int b : BATCHES) {
                torch.put("" + b, PYTORCH_ISSUE_16.get("" + b));
            }
            root.set("pytorch", JSON.valueToTree(torch));
            root.put(
                    "pytorchSource",
                    "not measured in this run (no Python with torch found): the figures of issue 16,"
                            + " PyTorch 1.13 at batch 1/32/256 on this machine");
        }
        ObjectNode ratios = root.putObject("ratios");
        ratios.set("projectedOverPytorch", JSON.valueToTree(ratio(best.get("projected"), torch)));
        ratios.set("dl4jOverPytorch", JSON.valueToTree(ratio(best.get("dl4j"), torch)));
        if (best.containsKey("pytorchProjected")) {
            ratios.set(
                    "projectedOverPytorchProjected",
                    JSON.valueToTree(ratio(best.get("projected"), best.get("pytorchProjected"))));
        }
        ObjectNode goal = root.putObject("goal");
        goal.put(
                "statement",
                "the product's encoder within "
                        + GOAL_FACTOR
                        + "x of PyTorch's users/s on the same "
                        + "network, batch and threads, at batch 1, 32 and 256");
        goal.put(
                "productPath",
                "projected (ProjectedEncoder, what JointScorer and the stream scorer run)");
        goal.put("met", within(best.get("projected"), torch));
        goal.put("dl4jGraphWithin", within(best.get("dl4j"), torch));
        root.set(
                "dl4jLayerMillisAtBatch256",
                JSON.valueToTree(
                        layerProfile(
                                g,
                                SourceTokenizer.window(users.get(256), c.seqLen),
                                o.minSeconds())));

        if (o.pairSourceDir() != null) {
            int[][] tokens = readTokens(o.pairSourceDir().resolve("train.txt"), c.vocabSize);
            EncoderConfig one = c.withTraining(c.learningRate, c.batchSize, 1);
            long t0 = System.nanoTime();
            double[] loss = CnnEncoder.pretrain(g, tokens, one, null);
            double secs = (System.nanoTime() - t0) / 1e9;
            ObjectNode t = root.putObject("training");
            t.put("data", o.pairSourceDir().toString());
            t.put("users", tokens.length);
            t.put("batchSize", c.batchSize);
            t.put("secondsPerEpoch", secs);
            t.put("loss", loss[0]);
            progress.accept(
                    String.format(
                            "encoder pre-training on %s: %d users, %.1f s per epoch",
                            o.pairSourceDir().getFileName(), tokens.length, secs));
        }
        Files.createDirectories(o.outputDir());
        Path out = o.outputDir().resolve("encoder-bench.json");
        JSON.writeValue(out.toFile(), root);
        return out;
    }

    /**
     * Users/s of {@code encode} on a batch: a warm-up (≥ 3 calls and a fifth of the time), then ≥
     * minSeconds.
     */
    static double usersPerSecond(Runnable encode, int batch, double minSeconds) {
        long w0 = System.nanoTime();
        for (int calls = 0; calls < 3 || System.nanoTime() - w0 < minSeconds * 0.2e9; calls++) {
            encode.run();
        }
        long users = 0;
        long t0 = System.nanoTime();
        double elapsed;
        do {
            encode.run();
            users += batch;
            elapsed = (System.nanoTime() - t0) / 1e9;
        } while (elapsed < minSeconds);
        return users / elapsed;
    }

    /**
     * Milliseconds per batch of each layer of the DL4J graph at inference, each timed on its own
     * input (the activations of the layer before it; the dense layer's input is the flattened
     * pooling output).
     */
    static Map<String, Double> layerProfile(ComputationGraph g, INDArray x, double minSeconds) {
        Map<String, INDArray> acts = CnnEncoder.forwardUntil(g, x, CnnEncoder.H);
        Map<String, Double> out = new LinkedHashMap<>();
        String[][] layers = {
            {CnnEncoder.EMBEDDING, CnnEncoder.INPUT},
            {CnnEncoder.CONV, CnnEncoder.EMBEDDING},
            {CnnEncoder.POOL, CnnEncoder.CONV},
            {CnnEncoder.H, CnnEncoder.FLAT}
        };
        LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
        for (String[] l : layers) {
            INDArray in = acts.get(l[1]).dup();
            double usersPerS =
                    usersPerSecond(
                            () -> g.getLayer(l[0]).activate(in, false, none),
                            (int) x.size(0),
                            minSeconds);
            out.put(l[0], 1000.0 * x.size(0) / usersPerS);
        }
        return out;
    }

    static List<int[]> randomUsers(int n, int tokens, int vocab, Random rnd) {
        List<int[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int[] t = new int[tokens];
            for (int j = 0; j < t.length; j++) {
                t[j] = 1 + rnd.nextInt(vocab - 1);
            }
            out.add(t);
        }
        return out;
    }

    /**
     * The first of {@code python3} and {@code /usr/bin/python3} that imports torch (Debian's
     * python3-torch installs into the system Python, which a pyenv or venv {@code python3} on the
     * PATH does not see), or "" for none.
     */
    static String findPython() throws InterruptedException {
        for (String p : List.of("python3", "/usr/bin/python3")) {
            if (importsTorch(p)) {
                return p;
            }
        }
        return "";
    }

    /** Whether {@code python} runs and imports torch. */
    public static boolean importsTorch(String python) throws InterruptedException {
        try {
            Process proc =
                    new ProcessBuilder(python, "-c", "import torch")
                            .redirectErrorStream(true)
                            .start();
            proc.getInputStream().readAllBytes();
            if (proc.waitFor(60, TimeUnit.SECONDS)) {
                return proc.exitValue() == 0;
            }
            proc.destroyForcibly();
            return false;
        } catch (IOException e) {
            return false; // not installed
        }
    }

    /**
     * The PyTorch side: one {@code encoder_bench.py} process (copied from the class path) that
     * builds the network once and answers "FORMULATION BATCH SECONDS" requests on stdin with
     * users/s.
     */
    static final class PyTorch implements AutoCloseable {
        final String version;
        final int threads;
        private final Process process;
        private final Path script;
        private final Path err;
        private final BufferedReader out;
        private final Writer in;

        private PyTorch(Process process, Path script, Path err) throws IOException {
            this.process = process;
            this.script = script;
            this.err = err;
            this.out =
                    new BufferedReader(
                            new InputStreamReader(
                                    process.getInputStream(), StandardCharsets.UTF_8));
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            JsonNode header = JSON.readTree(readLine());
            this.version = header.path("torch").asText();
            this.threads = header.path("threads").asInt();
        }

        static PyTorch start(String python, EncoderConfig c, int threads) throws IOException {
            Path script = Files.createTempFile("encoder_bench", ".py");
            Path err = Files.createTempFile("encoder_bench", ".err");
            try (InputStream res = EncoderBench.class.getResourceAsStream("encoder_bench.py")) {
                if (res == null) {
                    throw new IOException("encoder_bench.py is missing from the class path");
                }
                Files.copy(res, script, StandardCopyOption.REPLACE_EXISTING);
            }
            Process p =
                    new ProcessBuilder(
                                    python,
                                    script.toString(),
                                    "--vocab",
                                    "" + c.vocabSize,
                                    "--seq-len",
                                    "" + c.seqLen,
                                    "--embed",
                                    "" + c.embedDim,
                                    "--filters",
                                    "" + c.filters,
                                    "--kernel",
                                    "" + c.kernel,
                                    "--pool",
                                    "" + c.pool,
                                    "--hidden",
                                    "" + c.hidden,
                                    "--threads",
                                    "" + threads,
                                    "--seed",
                                    "" + c.seed)
                            .redirectError(err.toFile())
                            .start();
            return new PyTorch(p, script, err);
        }

        double usersPerSecond(String formulation, int batch, double minSeconds) throws IOException {
            in.write(formulation + " " + batch + " " + minSeconds + "\n");
            in.flush();
            return Double.parseDouble(readLine());
        }

        private String readLine() throws IOException {
            String line = out.readLine();
            if (line == null) {
                throw new IOException(
                        "the PyTorch benchmark ("
                                + script
                                + ") stopped: "
                                + Files.readString(err, StandardCharsets.UTF_8).strip());
            }
            return line;
        }

        @Override
        public void close() throws IOException {
            try {
                in.close();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            } finally {
                Files.deleteIfExists(script);
                Files.deleteIfExists(err);
            }
        }
    }

    /** a[b] / b[b] for each batch. */
    static Map<String, Double> ratio(Map<String, Double> a, Map<String, Double> b) {
        Map<String, Double> out = new LinkedHashMap<>();
        a.forEach((batch, v) -> out.put(batch, v / b.get(batch)));
        return out;
    }

    /** Whether {@code ours} reaches at least 1/1.5 of {@code reference} at every batch. */
    static boolean within(Map<String, Double> ours, Map<String, Double> reference) {
        return ours.entrySet().stream()
                .allMatch(e -> e.getValue() * GOAL_FACTOR >= reference.get(e.getKey()));
    }

    private static void put(Map<String, Map<String, Double>> r, String name, int batch, double v) {
        r.computeIfAbsent(name, k -> new LinkedHashMap<>()).put("" + batch, v);
    }

    /** Each user's hashed item tokens from a {@code user<TAB>item} file, in file order. */
    static int[][] readTokens(Path file, int vocab) throws IOException {
        Map<String, List<Integer>> byUser = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length < 2) {
                throw new IOException(file + ": expected user<TAB>item, got '" + line + "'");
            }
            byUser.computeIfAbsent(
                            f[0],
                            u -> {
                                order.add(u);
                                return new ArrayList<>();
                            })
                    .add(SourceTokenizer.hashItem(f[1], vocab));
        }
        int[][] out = new int[order.size()][];
        for (int u = 0; u < out.length; u++) {
            out[u] = byUser.get(order.get(u)).stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }
}

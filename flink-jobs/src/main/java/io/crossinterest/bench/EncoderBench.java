package io.crossinterest.bench;

import io.crossinterest.encoder.SourceTokenizer;
import io.crossinterest.encoder.EncoderConfig;
import io.crossinterest.encoder.CnnEncoder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The encoder benchmark (DESIGN §6): users/s encoded (H_u, inference) at batch 1, 32 and 256, and seconds per
 * pre-training epoch on the source block of an Amazon pair, written to {@code encoder-bench.json}. The network is the
 * seed's full-size architecture ({@link EncoderConfig#defaults()}). Timing: after a warm-up, each batch size runs
 * until at least {@code minSeconds} have passed; users/s = users encoded / elapsed wall time.
 */
public final class EncoderBench {
    private EncoderBench() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: EncoderBench OUTPUT_DIR [PAIR_DIR]");
            System.exit(2);
        }
        run(Path.of(args[0]), args.length > 1 ? Path.of(args[1]) : null, 3.0, System.out::println);
    }

    /**
     * Runs the benchmark and writes {@code outputDir/encoder-bench.json}; returns the JSON file.
     *
     * @param pairSourceDir a folder with the source block's {@code train.txt} ({@code user<TAB>item[<TAB>...]}); null
     *                      skips the training measurement
     */
    public static Path run(Path outputDir, Path pairSourceDir, double minSeconds, Consumer<String> progress)
            throws IOException {
        EncoderConfig c = EncoderConfig.defaults();
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        ObjectNode machine = root.putObject("machine");
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.version"));
        machine.put("nd4jBackend", Nd4j.getBackend().getClass().getName());
        machine.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
        // ND4J's OpenMP threads per op; on a machine shared with other work, 1 avoids busy-waiting at barriers
        machine.put("OMP_NUM_THREADS", System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset: all cores)"));
        machine.put("loadAverageAtStart",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        root.set("encoder", json.valueToTree(c));

        ComputationGraph g = CnnEncoder.newPretrainGraph(c);
        Random rnd = new Random(c.seed);
        ArrayNode inference = root.putArray("inference");
        for (int batch : new int[] {1, 32, 256}) {
            List<int[]> seqs = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) { // a typical user: 20 source items, the rest padding
                int[] t = new int[20];
                for (int j = 0; j < t.length; j++) {
                    t[j] = 1 + rnd.nextInt(c.vocabSize - 1);
                }
                seqs.add(t);
            }
            INDArray x = SourceTokenizer.window(seqs, c.seqLen);
            for (int w = 0; w < 3; w++) {
                CnnEncoder.encode(g, x);
            }
            long users = 0;
            long t0 = System.nanoTime();
            double elapsed;
            do {
                CnnEncoder.encode(g, x);
                users += batch;
                elapsed = (System.nanoTime() - t0) / 1e9;
            } while (elapsed < minSeconds);
            ObjectNode r = inference.addObject();
            r.put("batch", batch);
            r.put("users", users);
            r.put("seconds", elapsed);
            r.put("usersPerSecond", users / elapsed);
            progress.accept(String.format("encoder inference batch %d: %.0f users/s", batch, users / elapsed));
        }
        if (pairSourceDir != null) {
            int[][] tokens = readTokens(pairSourceDir.resolve("train.txt"), c.vocabSize);
            EncoderConfig one = c.withTraining(c.learningRate, c.batchSize, 1);
            long t0 = System.nanoTime();
            double[] loss = CnnEncoder.pretrain(g, tokens, one, null);
            double secs = (System.nanoTime() - t0) / 1e9;
            ObjectNode t = root.putObject("training");
            t.put("data", pairSourceDir.toString());
            t.put("users", tokens.length);
            t.put("batchSize", c.batchSize);
            t.put("secondsPerEpoch", secs);
            t.put("loss", loss[0]);
            progress.accept(String.format("encoder pre-training on %s: %d users, %.1f s per epoch",
                    pairSourceDir.getFileName(), tokens.length, secs));
        }
        Files.createDirectories(outputDir);
        Path out = outputDir.resolve("encoder-bench.json");
        json.writeValue(out.toFile(), root);
        return out;
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
            byUser.computeIfAbsent(f[0], u -> {
                order.add(u);
                return new ArrayList<>();
            }).add(SourceTokenizer.hashItem(f[1], vocab));
        }
        int[][] out = new int[order.size()][];
        for (int u = 0; u < out.length; u++) {
            out[u] = byUser.get(order.get(u)).stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }
}

package io.crossinterest.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crossinterest.ingest.InputFormats;
import io.crossinterest.ingest.ParseFunction;
import io.crossinterest.ingest.ParseLimits;
import io.crossinterest.ingest.RecordParser;
import io.crossinterest.pipeline.Environments;
import io.crossinterest.bench.StreamBenchmark;
import io.crossinterest.bench.TaobaoReplay;
import io.crossinterest.profile.ProfileConfig;
import org.apache.commons.io.FileUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code bench stream}: the Taobao sample re-keyed to {@code --events} events (default 10 million) through parse +
 * aggregate with RocksDB at {@code --parallelism} (default 2) in STREAMING mode with checkpoints, next to the ceiling (a
 * plain single-threaded loop that makes, parses and aggregates the same events in memory). Writes
 * {@code DIR/stream-bench.json}. A benchmark, not a test: run it on a quiet machine.
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
        description = "Stream benchmark: Taobao replay through parse + aggregate (RocksDB) vs an in-memory loop.")
public class BenchStreamCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Folder for stream-bench.json.")
    Path output;

    @Option(names = "--events", defaultValue = "10000000", description = "Events to replay (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--sample", paramLabel = "FILE",
            description = "Taobao CSV to replay (default: ../shared/data/taobao-userbehavior/UserBehavior_timeslice_110k.csv).")
    Path sample;

    @Option(names = "--managed-memory", defaultValue = "1536m",
            description = "Managed memory of the embedded task manager, for RocksDB (default ${DEFAULT-VALUE}).")
    String managedMemory;

    @Option(names = "--mini-batch-users", paramLabel = "N",
            description = "Users the profile operator buffers on the heap between state flushes; 0 = write every event "
                    + "through (default: the profile default, " + ProfileConfig.DEFAULT_MINI_BATCH_USERS + ").")
    Integer miniBatchUsers;

    @Option(names = "--checkpoint-interval", paramLabel = "SECONDS", defaultValue = "30",
            description = "Seconds between checkpoints of the Flink run "
                    + "(default ${DEFAULT-VALUE}, the stream command's).")
    int checkpointSeconds;

    @Override
    public Integer call() throws Exception {
        if (events < 1 || parallelism < 1) {
            throw new UsageError("--events and --parallelism must be >= 1");
        }
        if (checkpointSeconds < 1) {
            throw new UsageError("--checkpoint-interval must be >= 1 second");
        }
        if (miniBatchUsers != null && miniBatchUsers < 0) {
            throw new UsageError("--mini-batch-users must be >= 0");
        }
        Path csv = sample != null ? sample : defaultSample();
        if (!Files.isRegularFile(csv)) {
            throw new UsageError("--sample: no such file: " + csv);
        }
        MemorySize memory;
        try {
            memory = MemorySize.parse(managedMemory);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--managed-memory: " + e.getMessage());
        }
        Files.createDirectories(output);
        PrintWriter out = spec.commandLine().getOut();
        TaobaoReplay replay = new TaobaoReplay(csv, TaobaoReplay.roundUp(events, parallelism), parallelism);
        RecordParser parser = InputFormats.parser(InputFormats.TAOBAO, ParseLimits.DEFAULTS);
        ProfileConfig config = ProfileConfig.defaults();
        if (miniBatchUsers != null) {
            config = config.withMiniBatchUsers(miniBatchUsers);
        }

        StreamBenchmark.Result r = new StreamBenchmark.Result();
        r.events = replay.count();
        r.parallelism = parallelism;
        r.cores = Math.min(parallelism, Runtime.getRuntime().availableProcessors());

        out.printf(Locale.ROOT, "bench stream: %d events, Flink STREAMING + RocksDB, parallelism %d ...%n", r.events,
                parallelism);
        out.flush();
        Path checkpoints = Files.createTempDirectory("cross-interest-bench-checkpoints");
        try {
            Configuration conf = Environments.withLocalManagedMemory(
                    Environments.streaming(parallelism, checkpoints, Duration.ofSeconds(checkpointSeconds)), memory);
            StreamExecutionEnvironment env = JobEnvironments.create(conf);
            r.flinkSeconds = StreamBenchmark.runFlink(env, replay, new ParseFunction(parser),
                    ParseFunction.DEAD_LETTERS, config);
            out.printf(Locale.ROOT, "  flink: %.1f s, %.0f events/s, %.0f events/s per core%n", r.flinkSeconds,
                    r.eventsPerS(), r.eventsPerSPerCore());
            out.println("bench stream: ceiling (one thread, in memory) ...");
            out.flush();
            long[] users = new long[1];
            r.ceilingSeconds = StreamBenchmark.runCeiling(replay, parser, config, users);
            r.ceilingUsers = users[0];
            out.printf(Locale.ROOT, "  ceiling: %.1f s, %.0f events/s (%d users)%n", r.ceilingSeconds,
                    r.ceilingEventsPerS(), r.ceilingUsers);
        } finally {
            deleteCheckpoints(checkpoints);
        }
        ObjectNode json = r.toJson();
        json.put("sample", csv.toString());
        json.put("mini_batch_users", config.miniBatchUsers());
        json.put("checkpoint_interval_s", checkpointSeconds);
        Path file = output.resolve("stream-bench.json");
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
        out.printf(Locale.ROOT, "  ratio (Flink per core / ceiling): %.2f -> %s%n", r.ratio(), file);
        out.flush();
        return CrossInterest.EXIT_OK;
    }

    /**
     * Deletes the run's checkpoint folder. Flink discards the finished job's last checkpoint asynchronously, so a
     * deletion racing with it can leave empty folders behind; it is retried until the folder is gone (by the time the
     * ceiling has run, the discard is long done).
     */
    private static void deleteCheckpoints(Path dir) throws InterruptedException {
        for (int attempt = 0; attempt < 20 && Files.exists(dir); attempt++) {
            FileUtils.deleteQuietly(dir.toFile());
            if (Files.exists(dir)) {
                Thread.sleep(250);
            }
        }
    }

    private static Path defaultSample() {
        String home = System.getProperty("cross-interest.home", ".");
        return Path.of(home).resolve("../shared/data/taobao-userbehavior/UserBehavior_timeslice_110k.csv").normalize();
    }
}

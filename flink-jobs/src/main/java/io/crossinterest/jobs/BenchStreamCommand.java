package io.crossinterest.jobs;

import io.crossinterest.bench.Replay;
import io.crossinterest.bench.StreamBenchmark;
import io.crossinterest.bench.TaobaoReplay;
import io.crossinterest.bench.WholeUserReplay;
import io.crossinterest.ingest.InputFormats;
import io.crossinterest.ingest.ParseFunction;
import io.crossinterest.ingest.ParseLimits;
import io.crossinterest.ingest.RecordParser;
import io.crossinterest.pipeline.Environments;
import io.crossinterest.profile.ProfileConfig;
import io.crossinterest.report.RunInfo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.io.FileUtils;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
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
 * {@code bench stream}: two Taobao replays of at least {@code --events} events (default 10 million)
 * through parse + aggregate with RocksDB at {@code --parallelism} (default 2) in STREAMING mode
 * with checkpoints, each next to its ceiling (a plain single-threaded loop that makes, parses and
 * aggregates the same events in memory):
 *
 * <ul>
 *   <li>the worst case ({@link TaobaoReplay}): the time slice re-keyed, 1.66 events per user, so
 *       almost every event is a new RocksDB key; next to it the floor, a job that only does the
 *       keyed get and put per event;
 *   <li>the realistic case ({@link WholeUserReplay}): whole nine-day users side by side, ~88 events
 *       per user.
 * </ul>
 *
 * Writes {@code DIR/stream-bench.json}: the worst case's figures at the top level (as before), the
 * floor, the realistic case under {@code realistic}, the goals met or missed under {@code goals},
 * the run's provenance under {@code run}. A benchmark, not a test: on a shared machine its figures
 * are measured under load.
 */
@Command(
        name = "stream",
        mixinStandardHelpOptions = true,
        description =
                "Stream benchmark: Taobao replays (worst case, realistic) through parse + aggregate (RocksDB)"
                        + " vs an in-memory loop, and the worst case vs a get-and-put floor.")
public class BenchStreamCommand implements Callable<Integer> {
    static final String TIME_SLICE = "UserBehavior_timeslice_110k.csv";
    static final String WHOLE_USERS = "UserBehavior_wholeusers_113u.csv";

    @Spec CommandSpec spec;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "DIR",
            description = "Folder for stream-bench.json.")
    Path output;

    @Option(
            names = "--events",
            defaultValue = "10000000",
            description = "Events to replay (default ${DEFAULT-VALUE}).")
    long events;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Flink parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--sample",
            paramLabel = "FILE",
            description =
                    "Taobao CSV to replay (default: ../shared/data/taobao-userbehavior/UserBehavior_timeslice_110k.csv).")
    Path sample;

    @Option(
            names = "--realistic-sample",
            paramLabel = "FILE",
            description =
                    "Whole-user Taobao CSV for the realistic replay (default: ../shared/data/taobao-userbehavior/"
                            + WHOLE_USERS
                            + ").")
    Path realisticSample;

    @Option(
            names = "--managed-memory",
            defaultValue = "1536m",
            description =
                    "Managed memory of the embedded task manager, for RocksDB (default ${DEFAULT-VALUE}).")
    String managedMemory;

    @Option(
            names = "--mini-batch-users",
            paramLabel = "N",
            description =
                    "Users the profile operator buffers on the heap between state flushes; 0 = write every event "
                            + "through (default: the profile default, "
                            + ProfileConfig.DEFAULT_MINI_BATCH_USERS
                            + ").")
    Integer miniBatchUsers;

    @Option(
            names = "--checkpoint-interval",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description =
                    "Seconds between checkpoints of the Flink run "
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
        Path csv = sample != null ? sample : defaultSample(TIME_SLICE);
        if (!Files.isRegularFile(csv)) {
            throw new UsageError("--sample: no such file: " + csv);
        }
        Path wholeUsers = realisticSample != null ? realisticSample : defaultSample(WHOLE_USERS);
        if (!Files.isRegularFile(wholeUsers)) {
            throw new UsageError("--realistic-sample: no such file: " + wholeUsers);
        }
        MemorySize memory;
        try {
            memory = MemorySize.parse(managedMemory);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--managed-memory: " + e.getMessage());
        }
        Files.createDirectories(output);
        PrintWriter out = spec.commandLine().getOut();
        RunInfo run =
                RunInfo.capture(
                        String.join(" ", spec.commandLine().getParseResult().originalArgs()),
                        Path.of(System.getProperty("cross-interest.home", ".")));
        TaobaoReplay worst =
                new TaobaoReplay(csv, TaobaoReplay.roundUp(events, parallelism), parallelism);
        WholeUserReplay realistic = WholeUserReplay.atLeast(wholeUsers, events, parallelism);
        RecordParser parser = InputFormats.parser(InputFormats.TAOBAO, ParseLimits.DEFAULTS);
        ProfileConfig config = ProfileConfig.defaults();
        if (miniBatchUsers != null) {
            config = config.withMiniBatchUsers(miniBatchUsers);
        }
        int cores = Math.min(parallelism, Runtime.getRuntime().availableProcessors());

        Path checkpoints = Files.createTempDirectory("cross-interest-bench-checkpoints");
        StreamBenchmark.Result w = new StreamBenchmark.Result();
        StreamBenchmark.Result r = new StreamBenchmark.Result();
        double floorSeconds;
        try {
            Configuration conf =
                    Environments.withLocalManagedMemory(
                            Environments.streaming(
                                    parallelism,
                                    checkpoints,
                                    Duration.ofSeconds(checkpointSeconds)),
                            memory);
            measure(
                    out,
                    "worst case (time slice re-keyed: every event a new user)",
                    worst,
                    conf,
                    parser,
                    config,
                    cores,
                    w);
            out.printf(
                    Locale.ROOT,
                    "bench stream: floor (keyBy + one RocksDB get and put per event), %d events ...%n",
                    worst.count());
            out.flush();
            floorSeconds = StreamBenchmark.runFloor(JobEnvironments.create(conf), worst);
            out.printf(
                    Locale.ROOT,
                    "  floor: %.1f s, %.0f events/s per core%n",
                    floorSeconds,
                    worst.count() / floorSeconds / cores);
            measure(
                    out,
                    "realistic (whole users side by side)",
                    realistic,
                    conf,
                    parser,
                    config,
                    cores,
                    r);
        } finally {
            deleteCheckpoints(checkpoints);
        }
        double floorPerCore = worst.count() / floorSeconds / cores;

        ObjectNode json = w.toJson();
        json.put("parallelism", parallelism);
        json.put("cores", cores);
        json.put("state_backend", "rocksdb");
        json.put("sample", csv.toString());
        json.put("mini_batch_users", config.miniBatchUsers());
        json.put("checkpoint_interval_s", checkpointSeconds);
        json.put("load_average_at_start", run.loadAverageAtStart());
        json.put("available_processors", Runtime.getRuntime().availableProcessors());
        json.put("java", System.getProperty("java.version"));
        json.put("os_arch", System.getProperty("os.arch"));
        json.put("floor_seconds", floorSeconds);
        json.put("floor_events_per_s", Math.round(worst.count() / floorSeconds));
        json.put("floor_events_per_s_per_core", Math.round(floorPerCore));
        ObjectNode real = r.toJson();
        real.put("sample", wholeUsers.toString());
        real.put("replicas", realistic.replicas());
        json.set("realistic", real);
        ObjectNode goals = json.putObject("goals");
        goals.set(
                "realistic_per_core_over_ceiling",
                StreamBenchmark.goal(
                        "realistic replay: Flink events/s per core with RocksDB / single-thread in-memory ceiling",
                        r.ratio(),
                        0.5));
        goals.set(
                "worst_case_over_floor",
                StreamBenchmark.goal(
                        "worst-case replay: events/s of the profile job / events/s of the floor job (same run)",
                        w.eventsPerS() / (worst.count() / floorSeconds),
                        0.8));
        run.writeTo(json.putObject("run"));
        Path file = output.resolve("stream-bench.json");
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
        out.printf(
                Locale.ROOT,
                "  worst case / floor: %.2f (goal >= 0.8); realistic per core / ceiling: %.2f "
                        + "(goal >= 0.5) -> %s%n",
                w.eventsPerS() / (worst.count() / floorSeconds),
                r.ratio(),
                file);
        out.flush();
        return CrossInterest.EXIT_OK;
    }

    /** The Flink job and then the ceiling over {@code replay}, into {@code result}. */
    private static void measure(
            PrintWriter out,
            String what,
            Replay replay,
            Configuration conf,
            RecordParser parser,
            ProfileConfig config,
            int cores,
            StreamBenchmark.Result result)
            throws Exception {
        result.events = replay.count();
        result.cores = cores;
        replay.load();
        result.users = replay.users();
        out.printf(
                Locale.ROOT,
                "bench stream: %s: %d events of %d users, Flink STREAMING + RocksDB ...%n",
                what,
                result.events,
                result.users);
        out.flush();
        result.flinkSeconds =
                StreamBenchmark.runFlink(
                        JobEnvironments.create(conf),
                        replay,
                        new ParseFunction(parser),
                        ParseFunction.DEAD_LETTERS,
                        config);
        out.printf(
                Locale.ROOT,
                "  flink: %.1f s, %.0f events/s, %.0f events/s per core%n",
                result.flinkSeconds,
                result.eventsPerS(),
                result.eventsPerSPerCore());
        out.println("  ceiling (one thread, in memory) ...");
        out.flush();
        long[] users = new long[1];
        result.ceilingSeconds = StreamBenchmark.runCeiling(replay, parser, config, users);
        result.ceilingUsers = users[0];
        out.printf(
                Locale.ROOT,
                "  ceiling: %.1f s, %.0f events/s (%d users); per core / ceiling %.2f%n",
                result.ceilingSeconds,
                result.ceilingEventsPerS(),
                result.ceilingUsers,
                result.ratio());
        out.flush();
    }

    /**
     * Deletes the run's checkpoint folder. Flink discards the finished job's last checkpoint
     * asynchronously, so a deletion racing with it can leave empty folders behind; it is retried
     * until the folder is gone (by the time the ceiling has run, the discard is long done).
     */
    private static void deleteCheckpoints(Path dir) throws InterruptedException {
        for (int attempt = 0; attempt < 20 && Files.exists(dir); attempt++) {
            FileUtils.deleteQuietly(dir.toFile());
            if (Files.exists(dir)) {
                Thread.sleep(250);
            }
        }
    }

    private static Path defaultSample(String file) {
        String home = System.getProperty("cross-interest.home", ".");
        return Path.of(home)
                .resolve("../shared/data/taobao-userbehavior")
                .resolve(file)
                .normalize();
    }
}

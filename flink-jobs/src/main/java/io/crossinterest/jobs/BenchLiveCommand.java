package io.crossinterest.jobs;

import io.crossinterest.bench.EventFeed;
import io.crossinterest.bench.GcPauses;
import io.crossinterest.bench.LatencyMatcher;
import io.crossinterest.bench.LiveBenchmark;
import io.crossinterest.bench.OutputWatch;
import io.crossinterest.bench.PairMapping;
import io.crossinterest.bench.TaobaoSample;
import io.crossinterest.bench.WholeUserReplay;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.EvalDatasets;
import io.crossinterest.eval.ModelSettings;
import io.crossinterest.eval.joint.JointModelProvider;
import io.crossinterest.joint.JointBundle;
import io.crossinterest.joint.JointParams;
import io.crossinterest.kafka.LocalKafkaBroker;
import io.crossinterest.report.RunInfo;
import io.crossinterest.ui.FlinkRestMetrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.io.FileUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench live}: the whole live graph of {@code stream} (Kafka source, parse, profiles in
 * RocksDB, encode + joint scoring, Kafka sinks) on a local broker, fed with the realistic Taobao
 * replay ({@link WholeUserReplay}: whole users side by side, mapped onto the demo model's two
 * blocks by {@link PairMapping}) as JSON events. Four runs of the {@code stream} command, each on
 * fresh topics, state and consumer group:
 *
 * <ol>
 *   <li>throughput: a backlog of {@code --events} events read from the start, in the command's
 *       default configuration (emit interval 10 s, scoring delay 200 ms, Flink's buffer timeout 100
 *       ms, exactly-once);
 *   <li>the same with {@code --latency-backlog} events in the low-latency configuration ({@code
 *       --latency-emit-interval} 0: one update and one scoring per event at once, {@code
 *       --latency-scoring-delay}, {@code --latency-buffer-timeout}, at-least-once): what that
 *       configuration carries;
 *   <li>latency at half the rate of run 2 in the low-latency configuration, outputs read
 *       uncommitted, for {@code --latency-seconds} after a warm-up;
 *   <li>the soak at half the rate of run 1 in the default configuration (exactly-once), outputs
 *       read committed (their visibility latency), for {@code --soak-minutes}: resident memory and
 *       state at its start and end.
 * </ol>
 *
 * {@code --rate} replaces both halves. The model is trained first on the bundled Amazon pair as
 * {@code train} does, with a smaller budget ({@link #train}), unless {@code --model} names a
 * bundle. Writes {@code DIR/live-bench.json} (see {@link LiveBenchmark}). A benchmark, not a test:
 * on a shared machine its figures are measured under load (the file records the load average).
 */
@Command(
        name = "live",
        mixinStandardHelpOptions = true,
        description =
                "Live benchmark: the Taobao replay as JSON through the whole stream graph on a local Kafka: "
                        + "events/s, latency at half load, memory and state over a soak.")
public class BenchLiveCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "DIR",
            description = "Folder for live-bench.json.")
    Path output;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT",
            description =
                    "A Kafka to use (default: start a local single-node KRaft broker for the run).")
    String bootstrapServers;

    @Option(
            names = "--soak-minutes",
            defaultValue = "10",
            paramLabel = "M",
            description = "Minutes of the soak at half load (default ${DEFAULT-VALUE}).")
    double soakMinutes;

    @Option(
            names = "--events",
            defaultValue = "3000000",
            paramLabel = "N",
            description = "Events of the throughput backlog (default ${DEFAULT-VALUE}).")
    long events;

    @Option(
            names = "--replicas",
            defaultValue = "300",
            paramLabel = "R",
            description =
                    "Copies of the whole-user sample's 113 users: the user population (default ${DEFAULT-VALUE}).")
    int replicas;

    @Option(
            names = "--latency-seconds",
            defaultValue = "60",
            paramLabel = "S",
            description =
                    "Seconds of latency measurement at half load, after the warm-up (default ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(
            names = "--warmup-seconds",
            defaultValue = "60",
            paramLabel = "S",
            description =
                    "Seconds of the latency run and the soak before latencies count (default ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(
            names = "--soak-warmup-passes",
            // after 2 passes RocksDB's live data still rose 13 % over the soak (token sequences
            // filling), after 6 it rose 2 % (results/performance/live-soak-experiments)
            defaultValue = "6",
            paramLabel = "N",
            description =
                    "Passes of the replay over the whole population before the soak's first sample "
                            + "(default ${DEFAULT-VALUE}; at least --warmup-seconds).")
    double soakWarmupPasses;

    @Option(
            names = "--phases",
            defaultValue = "throughput,latency,soak",
            split = ",",
            paramLabel = "PHASE",
            description =
                    "The runs to make (default ${DEFAULT-VALUE}); without throughput, --rate is "
                            + "required, and a run without every phase writes live-bench-partial.json, "
                            + "never live-bench.json.")
    List<String> phases;

    @Option(
            names = "--rate",
            paramLabel = "EVENTS_PER_S",
            description =
                    "Events/s of the latency run and the soak (default: half the throughput run's; a given "
                            + "rate is recorded as such).")
    Double rate;

    @Option(
            names = "--latency-backlog",
            defaultValue = "300000",
            paramLabel = "N",
            description =
                    "Events of the backlog read in the latency run's configuration, whose rate sets the "
                            + "latency run's (half of it) (default ${DEFAULT-VALUE}).")
    long latencyBacklog;

    @Option(
            names = "--latency-emit-interval",
            defaultValue = "0",
            paramLabel = "DURATION",
            description =
                    "--emit-interval of the latency run (default ${DEFAULT-VALUE}: every event's update at once).")
    String latencyEmitInterval;

    @Option(
            names = "--latency-scoring-delay",
            defaultValue = "10ms",
            paramLabel = "DURATION",
            description = "--max-scoring-delay of the latency run (default ${DEFAULT-VALUE}).")
    String latencyScoringDelay;

    @Option(
            names = "--latency-buffer-timeout",
            defaultValue = "5ms",
            paramLabel = "DURATION",
            description = "--buffer-timeout of the latency run (default ${DEFAULT-VALUE}).")
    String latencyBufferTimeout;

    @Option(
            names = "--checkpoint-interval",
            defaultValue = "10",
            paramLabel = "SECONDS",
            description = "Checkpoint interval of the stream runs (default ${DEFAULT-VALUE}).")
    int checkpointSeconds;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--model",
            paramLabel = "DIR",
            description = "A model bundle trained on --data (default: train one).")
    Path model;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description =
                    "The Amazon pair folder (default: data/amazon-sport-phone of the repository).")
    Path data;

    @Option(
            names = "--sample",
            paramLabel = "FILE",
            description =
                    "Whole-user Taobao CSV (default: ../shared/data/taobao-userbehavior/"
                            + BenchStreamCommand.WHOLE_USERS
                            + ").")
    Path sample;

    static final List<String> PHASES = List.of("throughput", "latency", "soak");

    static final int PRETRAIN_EPOCHS = 1;
    static final int MAX_EPOCHS = 2;

    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        if (soakMinutes <= 0
                || events < 1
                || latencyBacklog < 1
                || replicas < 1
                || latencySeconds < 1
                || warmupSeconds < 0
                || soakWarmupPasses < 0
                || checkpointSeconds < 1
                || parallelism < 1
                || (rate != null && !(rate > 0))) {
            throw new UsageError(
                    "--soak-minutes, --events, --latency-backlog, --replicas, --latency-seconds, "
                            + "--checkpoint-interval, --parallelism and --rate must be positive, "
                            + "--warmup-seconds and --soak-warmup-passes >= 0");
        }
        for (String phase : phases) {
            if (!PHASES.contains(phase)) {
                throw new UsageError(
                        "--phases: unknown phase '" + phase + "' (one of " + PHASES + ")");
            }
        }
        if (!phases.contains("throughput") && rate == null) {
            throw new UsageError("--phases without throughput needs --rate");
        }
        ProfileOptions.duration("--latency-emit-interval", latencyEmitInterval, true);
        ProfileOptions.duration("--latency-scoring-delay", latencyScoringDelay, true);
        ProfileOptions.duration("--latency-buffer-timeout", latencyBufferTimeout, true);
        Path home = Path.of(System.getProperty("cross-interest.home", "."));
        Path pair = data != null ? data : home.resolve("data").resolve("amazon-sport-phone");
        Path sourceFolder = pair.resolve("sport_phone");
        Path targetFolder = pair.resolve("phone_sport");
        if (!Files.isRegularFile(sourceFolder.resolve("train.txt"))
                || !Files.isRegularFile(targetFolder.resolve("train.txt"))) {
            throw new UsageError(
                    "--data: "
                            + pair
                            + " does not hold sport_phone/train.txt and phone_sport/train.txt");
        }
        Path csv =
                sample != null
                        ? sample
                        : home.resolve("../shared/data/taobao-userbehavior")
                                .resolve(BenchStreamCommand.WHOLE_USERS)
                                .normalize();
        if (!Files.isRegularFile(csv)) {
            throw new UsageError("--sample: no such file: " + csv);
        }
        if (model != null && !Files.isRegularFile(model.resolve("metadata.json"))) {
            throw new UsageError("--model: not a model bundle (no metadata.json): " + model);
        }
        Files.createDirectories(output);
        out = spec.commandLine().getOut();
        RunInfo run =
                RunInfo.capture(
                        String.join(" ", spec.commandLine().getParseResult().originalArgs()), home);
        // checkpoints, the broker's log folder and a trained model: a temporary folder, deleted at
        // the end
        Path work = Files.createTempDirectory("cross-interest-bench-live");
        try {
            return run(home, pair, sourceFolder, targetFolder, csv, run, work);
        } finally {
            FileUtils.deleteQuietly(work.toFile());
        }
    }

    private int run(
            Path home,
            Path pair,
            Path sourceFolder,
            Path targetFolder,
            Path csv,
            RunInfo run,
            Path work)
            throws Exception {

        Path bundle = model;
        if (bundle == null) {
            bundle = train(sourceFolder, targetFolder, work.resolve("model"));
        }
        PairMapping mapping = PairMapping.of(sourceFolder, targetFolder);
        int rows = TaobaoSample.read(csv).rows();
        WholeUserReplay replay = new WholeUserReplay(csv, replicas, rows, 1);
        replay.load();

        LiveBenchmark.Result r = new LiveBenchmark.Result();
        r.cores = Math.min(parallelism, Runtime.getRuntime().availableProcessors());
        r.checkpointIntervalS = checkpointSeconds;
        r.throughput.config = LiveBenchmark.Config.DEFAULTS;
        r.latencyConfig =
                new LiveBenchmark.Config(
                        latencyEmitInterval,
                        latencyScoringDelay,
                        latencyBufferTimeout,
                        "at-least-once");
        r.lowLatencyThroughput.config = r.latencyConfig;
        r.soakConfig = LiveBenchmark.Config.DEFAULTS;
        r.users = replay.users();
        LocalKafkaBroker broker = null;
        try {
            String kafka = bootstrapServers;
            if (kafka == null) {
                say("bench live: starting a local Kafka broker ...");
                broker =
                        LocalKafkaBroker.start(
                                brokerClasspath(home.resolve("flink-jobs/target/launcher")),
                                work.resolve("broker.log"),
                                null);
                kafka = broker.bootstrapServers();
            }
            if (phases.contains("throughput")) {
                throughput(
                        kafka,
                        bundle,
                        replay,
                        mapping,
                        work,
                        "throughput",
                        events,
                        r.throughput,
                        r);
                throughput(
                        kafka,
                        bundle,
                        replay,
                        mapping,
                        work,
                        "throughput-low-latency",
                        latencyBacklog,
                        r.lowLatencyThroughput,
                        r);
            }
            r.rateGiven = rate != null;
            r.soakRate = rate != null ? rate : r.throughput.eventsPerS / 2;
            r.latencyRate = rate != null ? rate : r.lowLatencyThroughput.eventsPerS / 2;
            if (phases.contains("latency")) {
                latency(kafka, bundle, replay, mapping, work, r);
            }
            if (phases.contains("soak")) {
                soak(kafka, bundle, replay, mapping, work, r);
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }

        ObjectNode json = r.toJson();
        json.put(
                "replay",
                "whole-user Taobao sample x "
                        + replicas
                        + " ("
                        + r.users
                        + " users, "
                        + String.format(Locale.ROOT, "%.1f", (double) replay.count() / r.users)
                        + " events per user), "
                        + "mapped onto the model's blocks");
        json.put("sample", csv.toString());
        json.put(
                "model",
                model != null
                        ? model.toString()
                        : "trained by the run on "
                                + pair
                                + " ("
                                + PRETRAIN_EPOCHS
                                + " pre-training epoch, at most "
                                + MAX_EPOCHS
                                + " epochs)");
        json.put("parallelism", parallelism);
        json.put("available_processors", Runtime.getRuntime().availableProcessors());
        json.put(
                "load_average_at_end",
                Math.round(
                                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()
                                        * 100)
                        / 100.0);
        run.writeTo(json.putObject("run"));
        json.putPOJO("phases", phases);
        // a partial run is for exploring; the README's tables read only a run of every phase
        Path file =
                output.resolve(
                        phases.containsAll(PHASES) ? "live-bench.json" : "live-bench-partial.json");
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
        say("bench live: -> " + file);
        return CrossInterest.EXIT_OK;
    }

    /**
     * Trains the model the stream serves, as {@code train} does on the pair (seed 1, the split's
     * warm users), with the shape of {@code train}'s model (the encoder's window of {@code L} = 100
     * tokens: what scoring costs) and a smaller budget (what only its quality depends on): {@value
     * #PRETRAIN_EPOCHS} encoder pre-training epoch, at most {@value #MAX_EPOCHS} epochs, the
     * separate CF spaces only.
     */
    private Path train(Path sourceFolder, Path targetFolder, Path dir) throws Exception {
        say(
                "bench live: training the model on "
                        + sourceFolder.getParent()
                        + " (train's model shape, a smaller "
                        + "budget: "
                        + PRETRAIN_EPOCHS
                        + " pre-training epoch, at most "
                        + MAX_EPOCHS
                        + " epochs) ...");
        PrintWriter err = spec.commandLine().getErr();
        EvalDatasets.Loaded pairData = EvalDatasets.amazonPair(sourceFolder, targetFolder);
        CrossDomainSplit split = pairData.split(0.2, 0.1, 1);
        ModelSettings settings =
                new ModelSettings(
                        1, 32, 10, MAX_EPOCHS, Runtime.getRuntime().availableProcessors());
        TrainCommand.trainJoint(
                JointModelProvider.create(
                        settings, PRETRAIN_EPOCHS, JointParams.defaults().encoder.seqLen, false),
                split,
                settings,
                1,
                dir.resolve("bundle"),
                dir.resolve("cold-users.jsonl"),
                10,
                err,
                "bench live");
        return dir.resolve("bundle");
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }

    /**
     * Topics of one run: events (parallelism partitions), profiles, dead letters, recommendations,
     * control.
     */
    private Map<String, String> topics(String kafka, String run) throws Exception {
        Map<String, String> t = new LinkedHashMap<>();
        long stamp = System.currentTimeMillis();
        for (String name :
                List.of(
                        "events",
                        "profiles",
                        "dead-letters",
                        "recommendations",
                        "control",
                        "control-errors")) {
            t.put(name, "bench-live-" + run + "-" + stamp + "-" + name);
        }
        Map<String, Integer> partitions = new LinkedHashMap<>();
        t.forEach((k, v) -> partitions.put(v, k.startsWith("control") ? 1 : parallelism));
        LocalKafkaBroker.createTopics(kafka, partitions);
        return t;
    }

    /**
     * Starts the stream command on {@code topics} with the model; its output goes to the returned
     * writer.
     */
    private StreamCommand.Running stream(
            String kafka,
            Map<String, String> topics,
            Path bundle,
            Path checkpoints,
            String group,
            LiveBenchmark.Config config,
            StringWriter log)
            throws Exception {
        StreamCommand cmd = new StreamCommand();
        CommandLine cl = new CommandLine(cmd);
        PrintWriter w = new PrintWriter(log, true);
        cl.setOut(w);
        cl.setErr(w);
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--bootstrap-servers",
                                kafka,
                                "--input-topic",
                                topics.get("events"),
                                "--output-topic",
                                topics.get("profiles"),
                                "--dead-letter-topic",
                                topics.get("dead-letters"),
                                "--group-id",
                                group,
                                "--checkpoint-dir",
                                checkpoints.toString(),
                                "--checkpoint-interval",
                                checkpointSeconds + "s",
                                "--parallelism",
                                Integer.toString(parallelism),
                                "--restore",
                                "none",
                                "--output-timestamps",
                                "event",
                                "--model",
                                bundle.toString(),
                                "--control-topic",
                                topics.get("control"),
                                "--control-error-topic",
                                topics.get("control-errors"),
                                "--recommendations-topic",
                                topics.get("recommendations")));
        args.addAll(config.args());
        cl.parseArgs(args.toArray(String[]::new));
        StreamCommand.Running running = cmd.start();
        say("  " + log.toString().strip().replace("\n", "\n  "));
        return running;
    }

    /**
     * The local broker's classpath from the files the build writes into {@code launcher}: {@code
     * broker-classpath.txt} (the job's test classpath without the connector's kafka-clients) and
     * {@code broker-clients-jar.txt} (the broker version's kafka-clients); a missing file names the
     * build to run.
     */
    private static String brokerClasspath(Path launcher) throws IOException {
        Path cp = launcher.resolve("broker-classpath.txt");
        Path clients = launcher.resolve("broker-clients-jar.txt");
        if (!Files.isRegularFile(cp) || !Files.isRegularFile(clients)) {
            throw new IOException(
                    "no broker classpath in "
                            + launcher
                            + " (built by `mvn -B -DskipTests package`)");
        }
        return LocalKafkaBroker.withClients(
                Files.readString(cp, StandardCharsets.UTF_8).strip(),
                Path.of(Files.readString(clients, StandardCharsets.UTF_8).strip()));
    }

    /** The model's source-block categories: profile updates without them are not scored. */
    private static Set<String> sourceCategories(Path bundle) throws IOException {
        return new HashSet<>(JointBundle.readMetadata(bundle).sourceCategories());
    }

    private static void cancel(StreamCommand.Running running) throws Exception {
        running.job().cancel().get(60, TimeUnit.SECONDS);
    }

    /** Reads a backlog of {@code count} events in {@code t.config}; fills in {@code t}. */
    private void throughput(
            String kafka,
            Path bundle,
            WholeUserReplay replay,
            PairMapping mapping,
            Path work,
            String name,
            long count,
            LiveBenchmark.Throughput t,
            LiveBenchmark.Result r)
            throws Exception {
        Map<String, String> topics = topics(kafka, name);
        say(
                String.format(
                        Locale.ROOT,
                        "bench live: %s: writing a backlog of %d events ...",
                        name,
                        count));
        try (EventFeed feed = new EventFeed(kafka, topics.get("events"), replay, mapping, 5)) {
            // stamped as if they had come at the goal's rate on these cores
            feed.backlog(count, LiveBenchmark.GOAL_EVENTS_PER_S_PER_CORE * r.cores);
        }
        t.backlogEvents = count;
        String group = "bench-live-" + name;
        StringWriter log = new StringWriter();
        say("bench live: " + name + ": the stream job reads the backlog (" + t.config + ") ...");
        long t0 = System.currentTimeMillis();
        StreamCommand.Running running =
                stream(
                        kafka,
                        topics,
                        bundle,
                        work.resolve("checkpoints-" + name),
                        group,
                        t.config,
                        log);
        List<long[]> samples = new ArrayList<>();
        long deadline = t0 + TimeUnit.MINUTES.toMillis(30);
        try (Admin admin = LocalKafkaBroker.admin(kafka)) {
            long committed = 0;
            while (committed < count && System.currentTimeMillis() < deadline) {
                Thread.sleep(1000);
                committed = 0;
                for (Map.Entry<TopicPartition, OffsetAndMetadata> e :
                        admin.listConsumerGroupOffsets(group)
                                .partitionsToOffsetAndMetadata()
                                .get(30, TimeUnit.SECONDS)
                                .entrySet()) {
                    if (e.getKey().topic().equals(topics.get("events")) && e.getValue() != null) {
                        committed += e.getValue().offset();
                    }
                }
                samples.add(new long[] {System.currentTimeMillis(), committed});
                if (running.job()
                        .getJobStatus()
                        .get(30, TimeUnit.SECONDS)
                        .isGloballyTerminalState()) {
                    throw new IllegalStateException("the stream job ended: " + log);
                }
            }
        } finally {
            cancel(running);
        }
        t.seconds = (samples.get(samples.size() - 1)[0] - t0) / 1000.0;
        t.eventsPerS = LiveBenchmark.consumptionRate(samples, count, t0);
        t.commitSlope = LiveBenchmark.commitSlope(samples, count);
        if (Double.isNaN(t.eventsPerS)) {
            throw new IllegalStateException(
                    "the backlog was not all committed within the run: " + log);
        }
        say(
                String.format(
                        Locale.ROOT,
                        "  %.0f events/s (%.0f per core): the backlog over %.0f s from submission to "
                                + "its last commit (a lower bound); between commits %.0f events/s",
                        t.eventsPerS,
                        t.eventsPerS / r.cores,
                        t.seconds,
                        t.commitSlope));
    }

    private void latency(
            String kafka,
            Path bundle,
            WholeUserReplay replay,
            PairMapping mapping,
            Path work,
            LiveBenchmark.Result r)
            throws Exception {
        Map<String, String> topics = topics(kafka, "latency");
        say(
                String.format(
                        Locale.ROOT,
                        "bench live: latency at %.0f events/s (%s), %s, read "
                                + "uncommitted: %d s warm-up, %d s measured ...",
                        r.latencyRate,
                        r.rateGiven ? "--rate" : "half the throughput of this configuration",
                        r.latencyConfig,
                        warmupSeconds,
                        latencySeconds));
        LatencyMatcher matcher = new LatencyMatcher();
        StringWriter log = new StringWriter();
        StreamCommand.Running running =
                stream(
                        kafka,
                        topics,
                        bundle,
                        work.resolve("checkpoints-latency"),
                        "bench-live-latency",
                        r.latencyConfig,
                        log);
        try (OutputWatch watch =
                        new OutputWatch(
                                kafka,
                                topics.get("profiles"),
                                topics.get("recommendations"),
                                false,
                                sourceCategories(bundle),
                                matcher);
                EventFeed feed = new EventFeed(kafka, topics.get("events"), replay, mapping, 1)) {
            feed.start(0, r.latencyRate, matcher);
            Thread.sleep(warmupSeconds * 1000L);
            long windowStart = System.currentTimeMillis();
            matcher.countFrom(windowStart);
            try (GcPauses gc = new GcPauses()) {
                Thread.sleep(latencySeconds * 1000L);
                r.latencyGc = gc.counts();
                for (long[] pause : gc.longPauses()) {
                    r.latencyLongPauses.add(new long[] {pause[0] - windowStart, pause[1]});
                }
            }
            r.latencyWorstBySecond = matcher.worstMsBySecond();
            for (long[] c :
                    running.restMetrics().checkpoints(windowStart, System.currentTimeMillis())) {
                c[0] -= windowStart;
                r.latencyCheckpoints.add(c);
            }
            feed.check();
            watch.check();
            r.latencyMs = LiveBenchmark.quantiles(matcher);
            r.latencyEvents = matcher.matched();
            r.latencyUnmatched = matcher.unmatched();
            r.latencyWithoutSourceHistory = matcher.withoutSourceHistory();
            r.latencySeconds = latencySeconds;
        } finally {
            cancel(running);
        }
        say(
                String.format(
                        Locale.ROOT,
                        "  p50 %d ms, p99 %d ms, p99.9 %d ms over %d events (%d not yet matched, %d "
                                + "without source-block history: never scored); garbage collection "
                                + "meanwhile: %d pauses, %d ms in all, longest %d ms",
                        r.latencyMs[0],
                        r.latencyMs[1],
                        r.latencyMs[2],
                        r.latencyEvents,
                        r.latencyUnmatched,
                        r.latencyWithoutSourceHistory,
                        r.latencyGc[0],
                        r.latencyGc[1],
                        r.latencyGc[2]));
    }

    private void soak(
            String kafka,
            Path bundle,
            WholeUserReplay replay,
            PairMapping mapping,
            Path work,
            LiveBenchmark.Result r)
            throws Exception {
        Map<String, String> topics = topics(kafka, "soak");
        // the soak starts once the replay has gone over the whole population soakWarmupPasses
        // times: before that, state grows with users seen for the first time and sequences filling
        r.soakWarmupSeconds =
                Math.max(
                        Math.max(warmupSeconds, 2L * checkpointSeconds),
                        (long) Math.ceil(soakWarmupPasses * replay.count() / r.soakRate));
        say(
                String.format(
                        Locale.ROOT,
                        "bench live: soak at %.0f events/s, %s, read committed: %d s warm-up "
                                + "(%.1f passes over the population), %.1f min ...",
                        r.soakRate,
                        r.soakConfig,
                        r.soakWarmupSeconds,
                        r.soakWarmupSeconds * r.soakRate / replay.count(),
                        soakMinutes));
        LatencyMatcher matcher = new LatencyMatcher();
        StringWriter log = new StringWriter();
        Path checkpoints = work.resolve("checkpoints-soak");
        StreamCommand.Running running =
                stream(kafka, topics, bundle, checkpoints, "bench-live-soak", r.soakConfig, log);
        try (OutputWatch watch =
                        new OutputWatch(
                                kafka,
                                topics.get("profiles"),
                                topics.get("recommendations"),
                                true,
                                sourceCategories(bundle),
                                matcher);
                EventFeed feed = new EventFeed(kafka, topics.get("events"), replay, mapping, 1)) {
            feed.start(0, r.soakRate, matcher);
            FlinkRestMetrics metrics = running.restMetrics();
            // the job manager fetches metrics when asked and answers from its last fetch: a first
            // read halfway through the warm-up, so that the soak's first sample has RocksDB's live
            // data (without it the first sample had none, and the file no start/end figure)
            long halfWarmupMs = r.soakWarmupSeconds * 500L;
            Thread.sleep(halfWarmupMs);
            liveStateBytes(metrics);
            Thread.sleep(r.soakWarmupSeconds * 1000L - halfWarmupMs);
            matcher.countFrom(System.currentTimeMillis());
            long start = System.currentTimeMillis();
            long end = start + (long) (soakMinutes * 60_000);
            List<Double> rss = new ArrayList<>();
            List<Double> state = new ArrayList<>();
            List<Double> live = new ArrayList<>();
            long next = start;
            while (next <= end) {
                Thread.sleep(Math.max(0, next - System.currentTimeMillis()));
                feed.check();
                watch.check();
                double[] sample = {
                    (System.currentTimeMillis() - start) / 1000.0,
                    LiveBenchmark.residentBytes() / 1e6,
                    stateBytes(checkpoints) / 1e6,
                    liveStateBytes(metrics) / 1e6
                };
                r.soakSamples.add(sample);
                rss.add(sample[1]);
                state.add(sample[2]);
                if (!Double.isNaN(sample[3])) {
                    live.add(sample[3]);
                }
                say(
                        String.format(
                                Locale.ROOT,
                                "  %s: RSS %.0f MB, state %.1f MB (RocksDB live data %.1f MB), %d"
                                        + " events sent, %d recommendations read",
                                LocalTime.now().withNano(0),
                                sample[1],
                                sample[2],
                                sample[3],
                                feed.sent(),
                                watch.recommendations()));
                next += LiveBenchmark.SOAK_SAMPLE_SECONDS * 1000L;
            }
            double[] rssThirds = LiveBenchmark.thirds(rss);
            double[] stateThirds = LiveBenchmark.thirds(state);
            r.rssMbStart = rssThirds[0];
            r.rssMbEnd = rssThirds[1];
            r.stateMbStart = stateThirds[0];
            r.stateMbEnd = stateThirds[1];
            if (live.size() == r.soakSamples.size()) {
                double[] liveThirds = LiveBenchmark.thirds(live);
                r.liveStateMbStart = liveThirds[0];
                r.liveStateMbEnd = liveThirds[1];
            }
            r.stateBytesPerUser =
                    Math.round(state.get(state.size() - 1) * 1e6 / Math.max(1, matcher.users()));
            r.visibilityMs = LiveBenchmark.quantiles(matcher);
            r.visibilityEvents = matcher.matched();
            r.soakMinutes = soakMinutes;
        } finally {
            cancel(running);
        }
        say(
                String.format(
                        Locale.ROOT,
                        "  first third -> last third: RSS %.0f -> %.0f MB, state %.1f -> %.1f MB (%d "
                                + "bytes per user); visibility p50 %d ms, p99 %d ms (checkpoints "
                                + "every %d s)",
                        r.rssMbStart,
                        r.rssMbEnd,
                        r.stateMbStart,
                        r.stateMbEnd,
                        r.stateBytesPerUser,
                        r.visibilityMs[0],
                        r.visibilityMs[1],
                        checkpointSeconds));
    }

    /**
     * RocksDB's estimate of its live data in the running job (bytes), or NaN when the job does not
     * report it (the metric is off, or the REST API did not answer).
     */
    private static double liveStateBytes(FlinkRestMetrics metrics) throws InterruptedException {
        try {
            JsonNode s = metrics.snapshot().path("state").path("liveBytes");
            return s.isNumber() ? s.asDouble() : Double.NaN;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /**
     * The retained checkpoint's files (retried while a checkpoint is being written or subsumed).
     */
    private static long stateBytes(Path checkpoints) throws InterruptedException {
        for (int attempt = 0; attempt < 10; attempt++) {
            long b = LiveBenchmark.directoryBytes(checkpoints);
            if (b >= 0) {
                return b;
            }
            Thread.sleep(200);
        }
        return -1;
    }
}

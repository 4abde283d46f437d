package io.crossinterest.jobs;

import io.crossinterest.event.DeadLetter;
import io.crossinterest.ingest.DeadLetterJson;
import io.crossinterest.ingest.InputFormats;
import io.crossinterest.ingest.InputPlan;
import io.crossinterest.ingest.InputSpecException;
import io.crossinterest.ingest.ParseLimits;
import io.crossinterest.ingest.RawLineFormat;
import io.crossinterest.ingest.RawRecord;
import io.crossinterest.ingest.RawRecordKafkaDeserializer;
import io.crossinterest.ingest.RecordParser;
import io.crossinterest.pipeline.Environments;
import io.crossinterest.pipeline.KafkaIo;
import io.crossinterest.pipeline.KafkaOutput;
import io.crossinterest.pipeline.ProfileJobs;
import io.crossinterest.pipeline.ProfilePipeline;
import io.crossinterest.pipeline.RetainedCheckpoints;
import io.crossinterest.pipeline.ScoringJobs;
import io.crossinterest.pipeline.SourceDispatchParser;
import io.crossinterest.profile.ProfileConfig;
import io.crossinterest.profile.UserProfile;
import io.crossinterest.ui.FlinkRestMetrics;
import io.crossinterest.ui.LivePage;

import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * {@code stream}: the profile graph in STREAMING mode, from a Kafka topic of JSON events (or, with
 * {@code --history}, from those files first and then the topic, through a HybridSource), into
 * exactly-once Kafka topics of profile updates and dead letters. RocksDB state, checkpoints in
 * {@code --checkpoint-dir}, bounded restarts. Runs until cancelled (Ctrl-C on the embedded cluster,
 * {@code flink cancel} / stop-with-savepoint on a cluster).
 *
 * <p>Restarts: by default ({@code --restore latest}) the job restores the newest retained
 * checkpoint or savepoint in {@code --checkpoint-dir}, so a plain restart after a crash continues
 * every profile and the input from the restored offsets. Starting without state on a group that has
 * committed offsets would continue those offsets with empty profiles; that needs {@code
 * --start-from earliest|committed}. The start-up lines say which it is.
 */
@Command(
        name = "stream",
        mixinStandardHelpOptions = true,
        description =
                "The job graph in STREAMING mode: Kafka (optionally after history files) -> profiles,"
                        + " optional joint scoring with hot-swapped models and periodic CF retraining -> Kafka.")
public class StreamCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--bootstrap-servers",
            required = true,
            description = "Kafka bootstrap servers, host:port[,...].")
    String bootstrapServers;

    @Option(
            names = "--input-topic",
            required = true,
            description = "Topic of behaviour events (JSON lines).")
    String inputTopic;

    @Option(
            names = "--output-topic",
            required = true,
            description = "Topic for profile updates (JSON, key = user).")
    String outputTopic;

    @Option(
            names = "--dead-letter-topic",
            required = true,
            description = "Topic for dead letters (JSON).")
    String deadLetterTopic;

    @Option(
            names = "--group-id",
            defaultValue = "cross-interest",
            description = "Consumer group (default ${DEFAULT-VALUE}).")
    String groupId;

    @Option(
            names = "--history",
            paramLabel = "FILE|DIR",
            description = "Files to replay before the topic (HybridSource).")
    Path history;

    @Option(
            names = "--format",
            description =
                    "Format of --history: taobao, amazon-pair, douban, movielens, jsonl or split.")
    String format;

    @Option(
            names = "--checkpoint-dir",
            defaultValue = "/tmp/cross-interest/checkpoints",
            paramLabel = "DIR",
            description = "Checkpoint folder (default ${DEFAULT-VALUE}).")
    Path checkpointDir;

    @Option(
            names = "--checkpoint-interval",
            defaultValue = "30s",
            paramLabel = "DURATION",
            description = "Time between checkpoints = Kafka commits (default ${DEFAULT-VALUE}).")
    String checkpointInterval;

    @Option(
            names = "--buffer-timeout",
            paramLabel = "DURATION",
            description =
                    "Longest wait of a record in a network buffer between operators (Flink's "
                            + "execution.buffer-timeout.interval; default: the cluster's, 100ms unless configured). "
                            + "With --emit-interval 0: 5ms or less for low latency.")
    String bufferTimeout;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--restore",
            defaultValue = "latest",
            paramLabel = "latest|none|PATH",
            description =
                    "State to start from: the newest retained checkpoint or savepoint in --checkpoint-dir "
                            + "(latest), none, or a checkpoint/savepoint folder (default ${DEFAULT-VALUE}).")
    String restore;

    @Option(
            names = "--start-from",
            paramLabel = "earliest|committed",
            description =
                    "Without state to restore: read the input from its earliest offsets (rebuilds profiles) or "
                            + "from the group's committed offsets (profiles start from zero). Needed when the group has "
                            + "committed offsets.")
    String startFrom;

    @Option(
            names = "--idle-timeout",
            defaultValue = "30s",
            paramLabel = "DURATION",
            description =
                    "An input subtask without records this long no longer holds back event time (default "
                            + "${DEFAULT-VALUE}; 0 = never).")
    String idleTimeout;

    @Option(
            names = "--max-emit-delay",
            defaultValue = "60s",
            paramLabel = "DURATION",
            description =
                    "Pending updates go out once event time has stood still this long, e.g. when the input is "
                            + "quiet (default ${DEFAULT-VALUE}; 0 = watermark only).")
    String maxEmitDelay;

    @Option(
            names = "--delivery",
            defaultValue = "exactly-once",
            paramLabel = "exactly-once|at-least-once",
            description =
                    "Output guarantee; exactly-once outputs become visible to read_committed consumers at "
                            + "checkpoints (default ${DEFAULT-VALUE}).")
    String delivery;

    @Option(
            names = "--output-timestamps",
            defaultValue = "produced",
            paramLabel = "produced|event",
            description =
                    "Kafka timestamp of output records: when they are written (retention counts from then) or "
                            + "the event time (default ${DEFAULT-VALUE}).")
    String outputTimestamps;

    @Option(
            names = "--dead-letter-max-raw",
            defaultValue = "16384",
            paramLabel = "BYTES",
            description =
                    "Raw input kept in a dead letter; longer input keeps this prefix, its length and SHA-256 "
                            + "(default ${DEFAULT-VALUE}).")
    int deadLetterMaxRaw;

    @Mixin ProfileOptions profile;

    @Mixin ScoringOptions scoring;

    @Mixin RetrainOptions retraining;

    @Mixin UiOptions ui;

    @Mixin KafkaClientOptions kafka;

    @Mixin PseudonymOptions pseudonyms;

    /**
     * Whether this run was submitted detached ({@code flink run -d}): Flink's client then sets
     * {@code execution.attached=false} explicitly; an embedded run ({@code bin/cross-interest}) or
     * a test's MiniCluster leaves it unset and the command waits for its job, as on a terminal.
     */
    static boolean detached(StreamExecutionEnvironment env) {
        return !env.getConfiguration().getOptional(DeploymentOptions.ATTACHED).orElse(true);
    }

    @Override
    public Integer call() throws Exception {
        long started = System.currentTimeMillis();
        Running running = start();
        if (running.detached()) {
            return CrossInterest
                    .EXIT_OK; // `flink run -d`: the job runs on; the client returns with its id
        }
        JobClient job = running.job();
        job.getJobExecutionResult().get();
        // an unbounded job ends normally only when stopped (stop-with-savepoint): name the
        // savepoint to restart from
        Optional<Path> savepoint =
                RetainedCheckpoints.savepointSince(checkpointDir.toAbsolutePath(), started);
        PrintWriter out = spec.commandLine().getOut();
        out.println(
                "stream: job "
                        + job.getJobID()
                        + " stopped"
                        + savepoint
                                .map(
                                        p ->
                                                "; savepoint "
                                                        + p
                                                        + " (the next start restores it with the default --restore latest)")
                                .orElse(""));
        out.flush();
        return CrossInterest.EXIT_OK;
    }

    /**
     * The submitted job, whether it was submitted detached ({@link #detached}), and the REST
     * address of the cluster it runs on.
     */
    record Running(JobClient job, boolean detached, String restUrl) {
        /** The job's metrics and checkpoint statistics, read from the cluster's REST API. */
        FlinkRestMetrics restMetrics() {
            return new FlinkRestMetrics(restUrl, job.getJobID().toHexString());
        }
    }

    /**
     * Checks the options, builds the graph, submits it and prints the start-up lines ({@code
     * stream: job ID running: ...}); returns without waiting for the job. {@link #call} waits for
     * it; {@code bench live} runs the command's graph this way and cancels it when it has measured.
     */
    Running start() throws Exception {
        if (parallelism < 1) {
            throw new UsageError("--parallelism: must be >= 1: " + parallelism);
        }
        if ((history == null) != (format == null)) {
            throw new UsageError(
                    history == null
                            ? "--format: only with --history"
                            : "--history: needs --format");
        }
        if (deadLetterMaxRaw < 1) {
            throw new UsageError("--dead-letter-max-raw: must be >= 1: " + deadLetterMaxRaw);
        }
        Duration idle = ProfileOptions.duration("--idle-timeout", idleTimeout, true);
        Duration emitDelay = ProfileOptions.duration("--max-emit-delay", maxEmitDelay, true);
        DeliveryGuarantee guarantee =
                switch (delivery.trim().toLowerCase(Locale.ROOT)) {
                    case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
                    case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
                    default ->
                            throw new UsageError(
                                    "--delivery: 'exactly-once' or 'at-least-once', got '"
                                            + delivery
                                            + "'");
                };
        KafkaOutput.Timestamps stamps =
                switch (outputTimestamps.trim().toLowerCase(Locale.ROOT)) {
                    case "produced" -> KafkaOutput.Timestamps.PRODUCED;
                    case "event" -> KafkaOutput.Timestamps.EVENT;
                    default ->
                            throw new UsageError(
                                    "--output-timestamps: 'produced' or 'event', got '"
                                            + outputTimestamps
                                            + "'");
                };
        if (startFrom != null && !startFrom.equals("earliest") && !startFrom.equals("committed")) {
            throw new UsageError(
                    "--start-from: 'earliest' or 'committed', got '" + startFrom + "'");
        }
        scoring.validate();
        retraining.validate();
        ui.validate();
        Properties client = kafka.properties();
        Duration interval =
                ProfileOptions.duration("--checkpoint-interval", checkpointInterval, false);
        Duration flushEvery =
                bufferTimeout == null
                        ? null
                        : ProfileOptions.duration("--buffer-timeout", bufferTimeout, true);
        ProfileConfig profileConfig =
                profile.config().withIdleTimeout(idle).withMaxEmitDelay(emitDelay);
        scoring.checkHistoryLength(profileConfig.sequenceLength());
        InputPlan plan = null;
        if (history != null) {
            try {
                plan = InputFormats.resolve(format, history);
            } catch (InputSpecException e) {
                throw new UsageError(e.getMessage());
            }
        }
        // the live page's port is an argument too: a port in use is exit 2 before the brokers are
        // asked anything
        LivePage page = ui.enabled() ? ui.bind(liveTopics()) : null;
        // every mistake in the arguments is reported above, before the brokers are asked anything
        String snapshot;
        String state;
        try {
            snapshot = snapshotToRestore();
            state = snapshot != null ? "state restored from " + snapshot : emptyStateStart();
        } catch (RuntimeException e) {
            if (page != null) {
                page.close();
            }
            throw e;
        }
        boolean fromEarliest = snapshot == null && "earliest".equals(startFrom);

        List<String> outputTopics = new ArrayList<>(List.of(outputTopic, deadLetterTopic));
        if (scoring.enabled()) {
            outputTopics.addAll(scoring.outputTopics());
        }
        KafkaOutput output =
                new KafkaOutput(
                        guarantee,
                        stamps,
                        askBrokers(
                                () ->
                                        KafkaIo.maxRecordBytes(
                                                bootstrapServers, client, outputTopics)),
                        client);
        RecordParser json = InputFormats.parser(InputFormats.JSONL, ParseLimits.DEFAULTS);
        KafkaSource<RawRecord> live =
                KafkaIo.source(
                        bootstrapServers,
                        client,
                        inputTopic,
                        groupId,
                        new RawRecordKafkaDeserializer(),
                        fromEarliest);
        Source<RawRecord, ?, ?> source = live;
        RecordParser parser = json;
        if (plan != null) {
            source = ProfileJobs.history(RawLineFormat.fileSource(plan), live);
            parser = new SourceDispatchParser(inputTopic, plan.parser(), json);
        }
        parser = pseudonyms.wrap(parser);
        Configuration conf =
                Environments.streaming(parallelism, checkpointDir.toAbsolutePath(), interval);
        Environments.withLocalManagedMemory(conf, MemorySize.parse("1g"));
        if (flushEvery != null) {
            conf.set(ExecutionOptions.BUFFER_TIMEOUT, flushEvery);
        }
        if (snapshot != null) {
            Environments.restoringFrom(conf, snapshot);
        }
        StreamExecutionEnvironment env = JobEnvironments.create(conf);
        KafkaSink<UserProfile> profiles =
                KafkaIo.profileSink(
                        bootstrapServers, outputTopic, "cross-interest-profiles", output);
        KafkaSink<DeadLetter> dead =
                KafkaIo.deadLetterSink(
                        bootstrapServers,
                        deadLetterTopic,
                        "cross-interest-dead-letters",
                        new DeadLetterJson(deadLetterMaxRaw),
                        output);
        // parse -> keyBy(user) -> profiles (and dead letters); then, on the same graph, the
        // optional stages
        ProfilePipeline.Outputs graph =
                ProfileJobs.wire(env, source, "raw records", parser, profileConfig, profiles, dead);
        if (scoring.enabled()) {
            ScoringJobs.attach(
                    graph.profiles,
                    scoring.control(bootstrapServers, client, groupId),
                    scoring.config(profileConfig.sequenceLength()),
                    scoring.recommendations(bootstrapServers, output),
                    scoring.controlErrors(bootstrapServers, output));
        }
        if (retraining.enabled()) {
            retraining.attach(graph.events, bootstrapServers, output);
        }
        JobClient job = env.executeAsync("cross-interest stream");
        PrintWriter out = spec.commandLine().getOut();
        out.println(
                "stream: job "
                        + job.getJobID()
                        + " running: "
                        + (history != null ? history + " then " : "")
                        + inputTopic
                        + " -> "
                        + outputTopic
                        + " (dead letters: "
                        + deadLetterTopic
                        + ")"
                        + (scoring.enabled()
                                ? " -> recommendations " + scoring.describe(snapshot != null)
                                : "")
                        + (retraining.enabled() ? "; " + retraining.describe() : ""));
        out.println(
                "stream: "
                        + state
                        + "; outputs "
                        + output
                        + "; checkpoints every "
                        + checkpointInterval
                        + " in "
                        + checkpointDir.toAbsolutePath());
        if (page != null) {
            ui.watch(page, job, env.getConfiguration(), bootstrapServers, out);
        }
        out.flush();
        return new Running(job, detached(env), ui.restUrl(env.getConfiguration()));
    }

    /** The keyed output topics the live page's user lookup reads. */
    private Map<String, String> liveTopics() {
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put(LivePage.PROFILE, outputTopic);
        if (scoring.enabled()) {
            topics.put(LivePage.RECOMMENDATIONS, scoring.recommendationsTopic);
        }
        if (retraining.enabled()) {
            topics.put(LivePage.CF_RECOMMENDATIONS, retraining.topic);
        }
        return topics;
    }

    /** The snapshot {@code --restore} names, null for none; one line for a bad path. */
    private String snapshotToRestore() {
        // flink run -s PATH: the client already restores that snapshot; it takes precedence
        Optional<String> given =
                StreamExecutionEnvironment.getExecutionEnvironment()
                        .getConfiguration()
                        .getOptional(StateRecoveryOptions.SAVEPOINT_PATH);
        if (given.isPresent()) {
            return given.get();
        }
        switch (restore) {
            case "none":
                return null;
            case "latest": // a local folder (bin/cross-interest); on shared storage name the
                // snapshot
                return RetainedCheckpoints.latest(checkpointDir.toAbsolutePath())
                        .map(Path::toString)
                        .orElse(null);
            default:
                if (restore.contains("://")) {
                    return restore; // shared storage (s3://, hdfs://): Flink checks it when the job
                    // starts
                }
                Path p = Path.of(restore).toAbsolutePath();
                if (!RetainedCheckpoints.isSnapshot(p)) {
                    throw new UsageError(
                            "--restore: not 'latest', 'none' or a checkpoint/savepoint folder (no "
                                    + "_metadata): "
                                    + restore);
                }
                return p.toString();
        }
    }

    /**
     * Starting without state: fine on a group without committed offsets; otherwise the user
     * chooses, because continuing from the committed offsets with empty state silently restarts
     * every profile from zero.
     */
    private String emptyStateStart() {
        Map<Integer, Long> committed =
                askBrokers(
                        () ->
                                KafkaIo.committedOffsets(
                                        bootstrapServers, kafka.properties(), groupId, inputTopic));
        String none =
                restore.equals("none")
                        ? "--restore none"
                        : "no checkpoint or savepoint in " + checkpointDir;
        if (committed.isEmpty()) {
            return "empty state ("
                    + none
                    + "); group "
                    + groupId
                    + " has no committed offsets on "
                    + inputTopic
                    + ": reading from the earliest offsets";
        }
        if (startFrom == null) {
            throw new UsageError(
                    "--start-from: "
                            + none
                            + ", but group "
                            + groupId
                            + " has committed offsets on "
                            + inputTopic
                            + " "
                            + committed
                            + ": choose --start-from earliest (rebuild the profiles from the "
                            + "retained events) or --start-from committed (continue there; profiles start from zero)");
        }
        return "empty state ("
                + none
                + "); reading "
                + inputTopic
                + (startFrom.equals("earliest")
                        ? " from the earliest offsets (profiles are rebuilt from the retained events)"
                        : " from group "
                                + groupId
                                + "'s committed offsets "
                                + committed
                                + " (profiles start from zero)");
    }

    /**
     * An admin request to the brokers; no answer is a one-line error naming {@code
     * --bootstrap-servers}.
     */
    private <T> T askBrokers(Callable<T> request) {
        try {
            return request.call();
        } catch (Exception e) {
            Throwable cause =
                    e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new UsageError(
                    "--bootstrap-servers: no answer from " + bootstrapServers + ": " + cause);
        }
    }
}

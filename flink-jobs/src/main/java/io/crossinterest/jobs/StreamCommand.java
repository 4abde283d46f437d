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
import io.crossinterest.pipeline.ProfileJobs;
import io.crossinterest.pipeline.ProfilePipeline;
import io.crossinterest.pipeline.ScoringJobs;
import io.crossinterest.pipeline.SourceDispatchParser;
import io.crossinterest.profile.UserProfile;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.MemorySize;
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
import java.util.Properties;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code stream}: the profile graph in STREAMING mode, from a Kafka topic of JSON events (or, with {@code --history},
 * from those files first and then the topic, through a HybridSource), into exactly-once Kafka topics of profile
 * updates and dead letters. RocksDB state, checkpoints in {@code --checkpoint-dir}, bounded restarts. Runs until
 * cancelled (Ctrl-C on the embedded cluster, {@code flink cancel} / stop-with-savepoint on a cluster).
 */
@Command(name = "stream", mixinStandardHelpOptions = true,
        description = "The job graph in STREAMING mode: Kafka (optionally after history files) -> profiles,"
                + " optional joint scoring with hot-swapped models and periodic CF retraining -> Kafka.")
public class StreamCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers, host:port[,...].")
    String bootstrapServers;

    @Option(names = "--input-topic", required = true, description = "Topic of behaviour events (JSON lines).")
    String inputTopic;

    @Option(names = "--output-topic", required = true, description = "Topic for profile updates (JSON, key = user).")
    String outputTopic;

    @Option(names = "--dead-letter-topic", required = true, description = "Topic for dead letters (JSON).")
    String deadLetterTopic;

    @Option(names = "--group-id", defaultValue = "cross-interest", description = "Consumer group (default ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--history", paramLabel = "FILE|DIR", description = "Files to replay before the topic (HybridSource).")
    Path history;

    @Option(names = "--format", description = "Format of --history: taobao, amazon-pair, douban, movielens, jsonl or split.")
    String format;

    @Option(names = "--checkpoint-dir", defaultValue = "/tmp/cross-interest/checkpoints", paramLabel = "DIR",
            description = "Checkpoint folder (default ${DEFAULT-VALUE}).")
    Path checkpointDir;

    @Option(names = "--checkpoint-interval", defaultValue = "30s", paramLabel = "DURATION",
            description = "Time between checkpoints = Kafka commits (default ${DEFAULT-VALUE}).")
    String checkpointInterval;

    @Option(names = "--parallelism", defaultValue = "2", description = "Parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Mixin
    ProfileOptions profile;

    @Mixin
    ScoringOptions scoring;

    @Mixin
    RetrainOptions retraining;

    @Mixin
    KafkaClientOptions kafka;

    @Mixin
    PseudonymOptions pseudonyms;

    /**
     * Whether this run was submitted detached ({@code flink run -d}): Flink's client then sets
     * {@code execution.attached=false} explicitly; an embedded run ({@code bin/cross-interest}) or a test's
     * MiniCluster leaves it unset and the command waits for its job, as on a terminal.
     */
    static boolean detached(StreamExecutionEnvironment env) {
        return !env.getConfiguration().getOptional(DeploymentOptions.ATTACHED).orElse(true);
    }

    @Override
    public Integer call() throws Exception {
        if (parallelism < 1) {
            throw new UsageError("--parallelism: must be >= 1: " + parallelism);
        }
        if ((history == null) != (format == null)) {
            throw new UsageError(history == null ? "--format: only with --history" : "--history: needs --format");
        }
        scoring.validate();
        retraining.validate();
        Properties client = kafka.properties();
        RecordParser json = InputFormats.parser(InputFormats.JSONL, ParseLimits.DEFAULTS);
        KafkaSource<RawRecord> live = KafkaIo.source(bootstrapServers, client, inputTopic, groupId,
                new RawRecordKafkaDeserializer());
        Source<RawRecord, ?, ?> source = live;
        RecordParser parser = json;
        if (history != null) {
            InputPlan plan;
            try {
                plan = InputFormats.resolve(format, history);
            } catch (InputSpecException e) {
                throw new UsageError(e.getMessage());
            }
            source = ProfileJobs.history(RawLineFormat.fileSource(plan), live);
            parser = new SourceDispatchParser(inputTopic, plan.parser(), json);
        }
        parser = pseudonyms.wrap(parser);
        Configuration conf = Environments.streaming(parallelism, checkpointDir.toAbsolutePath(),
                ProfileOptions.duration("--checkpoint-interval", checkpointInterval, false));
        Environments.withLocalManagedMemory(conf, MemorySize.parse("1g"));
        StreamExecutionEnvironment env = JobEnvironments.create(conf);
        KafkaSink<UserProfile> profiles = KafkaIo.profileSink(bootstrapServers, client, outputTopic,
                "cross-interest-profiles");
        KafkaSink<DeadLetter> dead = KafkaIo.deadLetterSink(bootstrapServers, client, deadLetterTopic,
                "cross-interest-dead-letters", new DeadLetterJson());
        // parse -> keyBy(user) -> profiles (and dead letters); then, on the same graph, the optional stages
        ProfilePipeline.Outputs graph = ProfileJobs.wire(env, source, "raw records", parser, profile.config(),
                profiles, dead);
        if (scoring.enabled()) {
            ScoringJobs.attach(graph.profiles, scoring.control(bootstrapServers, client, groupId), scoring.config(),
                    scoring.recommendations(bootstrapServers, client), scoring.controlErrors(bootstrapServers, client));
        }
        if (retraining.enabled()) {
            retraining.attach(graph.events, bootstrapServers, client);
        }
        JobClient job = env.executeAsync("cross-interest stream");
        PrintWriter out = spec.commandLine().getOut();
        out.println("stream: job " + job.getJobID() + " running: " + (history != null ? history + " then " : "")
                + inputTopic + " -> " + outputTopic + " (dead letters: " + deadLetterTopic + ")"
                + (scoring.enabled() ? " -> recommendations " + scoring.describe() : "")
                + (retraining.enabled() ? "; " + retraining.describe() : ""));
        out.flush();
        if (detached(env)) {
            return CrossInterest.EXIT_OK; // `flink run -d`: the job runs on; the client returns with its id
        }
        job.getJobExecutionResult().get();
        return CrossInterest.EXIT_OK;
    }
}

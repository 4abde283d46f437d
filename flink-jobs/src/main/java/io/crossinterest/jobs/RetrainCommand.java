package io.crossinterest.jobs;

import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.EvalDatasets;
import io.crossinterest.eval.ModelSettings;
import io.crossinterest.serving.ModelAnnouncement;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code cross-interest retrain}: retrains the model a running {@code stream} job serves, as a
 * bounded run beside it, and hands the result over through the stream's control topic. It trains
 * the joint model like {@code train} (with {@code --parallelism N} its ALS factorisations are Flink
 * jobs at parallelism N: on the session cluster when submitted with {@code bin/flink run}), saves
 * the bundle of model version {@code --model-version N} (default: the UTC time as yyyyMMddHHmmss,
 * as {@code train}'s) under {@code OUTPUT/bundle} (a path the task managers can read) and announces
 * it on {@code --control-topic} as {@code {"bundle": "OUTPUT/bundle"}}; the stream job reads the
 * version from the bundle, loads it off its hot path and swaps when N is greater than the version
 * it serves (docs/cluster.md). Every recommendation of the new model names N.
 *
 * <pre>
 * bin/flink run -m 127.0.0.1:PORT flink-jobs/target/cross-interest-jobs.jar retrain --format amazon-pair \
 *     --source .../sport_phone --target .../phone_sport --parallelism 2 --output /models/v2 \
 *     --bootstrap-servers kafka:9092 --control-topic models --model-version 2
 * </pre>
 */
@Command(
        name = "retrain",
        mixinStandardHelpOptions = true,
        description =
                "Retrain the served model (ALS at --parallelism N as Flink jobs) and announce the new bundle to "
                        + "a running stream job's control topic.")
public class RetrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin CrossDomainOptions data;

    @Mixin KafkaClientOptions kafka;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description = "seed of the split and the model (default ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--model-version",
            paramLabel = "N",
            description =
                    "the new model's version, a whole number >= 0 written into the bundle: greater than the "
                            + "served one, or the stream ignores it (default: the UTC time as yyyyMMddHHmmss, as "
                            + "train's, so it is greater than any model trained before with the default)")
    Long modelVersion;

    @Option(
            names = "--top-n",
            defaultValue = "10",
            description = "items per cold user in cold-users.jsonl (default ${DEFAULT-VALUE})")
    int topN;

    @Option(
            names = "--output",
            required = true,
            description = "output folder (bundle/ and cold-users.jsonl)")
    Path output;

    @Option(
            names = "--bootstrap-servers",
            required = true,
            description = "Kafka bootstrap servers, host:port[,...].")
    String bootstrapServers;

    @Option(
            names = "--control-topic",
            required = true,
            paramLabel = "TOPIC",
            description = "the stream job's --control-topic (model announcements)")
    String controlTopic;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        String fmt = data.checkedFormat(cl);
        if (modelVersion != null && modelVersion < 0) {
            throw new CommandLine.ParameterException(
                    cl, "--model-version: must be >= 0, got " + modelVersion);
        }
        long version = modelVersion != null ? modelVersion : TrainCommand.defaultVersion();
        if (topN < 1) {
            throw new CommandLine.ParameterException(cl, "--top-n: must be >= 1, got " + topN);
        }
        ModelSettings settings = data.settings(cl, seed);
        Properties client = kafka.properties();
        PrintWriter err = cl.getErr();
        EvalDatasets.Loaded loaded = data.load(fmt);
        err.println("retrain: read " + loaded.summary());
        CrossDomainSplit split = data.split(loaded, seed);
        Path bundle = output.toAbsolutePath().resolve("bundle");
        TrainCommand.trainJoint(
                split,
                settings,
                version,
                bundle,
                output.resolve("cold-users.jsonl"),
                topN,
                err,
                "retrain");

        ModelAnnouncement announcement = ModelAnnouncement.of(bundle);
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            RecordMetadata m =
                    producer.send(new ProducerRecord<>(controlTopic, announcement.toJson()))
                            .get(90, TimeUnit.SECONDS);
            err.println(
                    "retrain: announced version "
                            + announcement.version
                            + " on "
                            + controlTopic
                            + " (partition "
                            + m.partition()
                            + ", offset "
                            + m.offset()
                            + ")");
        }
        cl.getOut().println(announcement.toJson());
        return CrossInterest.EXIT_OK;
    }
}

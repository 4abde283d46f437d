package io.crossinterest.pipeline;

import io.crossinterest.cf.als.Recommendation;
import io.crossinterest.cf.als.RecommendationJson;
import io.crossinterest.event.DeadLetter;
import io.crossinterest.ingest.DeadLetterJson;
import io.crossinterest.profile.ProfileJsonEncoder;
import io.crossinterest.profile.UserProfile;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka ends of the streaming job: a {@link KafkaSource} of raw records (JSON lines, parsed
 * downstream so a poison message becomes a dead letter) and {@link KafkaSink}s for profile updates
 * and dead letters, written as a {@link KafkaOutput} says (delivery guarantee, record timestamps,
 * the largest record sent: {@link KafkaRecords}).
 *
 * <p>Exactly-once (the default): the sinks write in Kafka transactions committed when a checkpoint
 * completes; consumers must read with {@code isolation.level=read_committed}. {@code
 * transaction.timeout.ms} is 10 minutes, under the broker's default maximum ({@code
 * transaction.max.timeout.ms} = 15 min; Flink's default of 1 h would be refused), and must stay
 * above the checkpoint interval plus the time to restart. Profile records are keyed by user, so all
 * updates of a user land in one partition in order.
 *
 * <p>Client properties: every source and sink takes the same extra Kafka client properties (a
 * source's {@code client}, a sink's {@link KafkaOutput#client}: security such as {@code
 * security.protocol}, {@code sasl.*}, {@code ssl.*}, or any other client setting); the settings
 * each one needs for its contract (bootstrap servers, group, offsets, transactions) are applied
 * over them, except that a {@code transaction.timeout.ms} given there is kept.
 */
public final class KafkaIo {
    public static final String TRANSACTION_TIMEOUT_MS = "600000";

    private KafkaIo() {}

    /**
     * A source reading {@code topic} from the group's committed offsets (the earliest offset for a
     * new group), unbounded.
     *
     * @param deserializer message → raw record (source = topic-partition, position = offset)
     */
    public static <T> KafkaSource<T> source(
            String bootstrapServers,
            String topic,
            String groupId,
            KafkaRecordDeserializationSchema<T> deserializer) {
        return source(bootstrapServers, new Properties(), topic, groupId, deserializer, false);
    }

    /**
     * As {@link #source(String, String, String, KafkaRecordDeserializationSchema)} with client
     * properties, or from the earliest retained offset whatever the group committed ({@code
     * fromEarliest}). Offsets restored from a checkpoint take precedence over both.
     */
    public static <T> KafkaSource<T> source(
            String bootstrapServers,
            Properties client,
            String topic,
            String groupId,
            KafkaRecordDeserializationSchema<T> deserializer,
            boolean fromEarliest) {
        return KafkaSource.<T>builder()
                .setProperties(client)
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(
                        fromEarliest
                                ? OffsetsInitializer.earliest()
                                : OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(deserializer)
                .setProperty("partition.discovery.interval.ms", "60000")
                .build();
    }

    /**
     * As {@link #source(String, String, String, KafkaRecordDeserializationSchema)} with client
     * properties.
     */
    public static <T> KafkaSource<T> source(
            String bootstrapServers,
            Properties client,
            String topic,
            String groupId,
            KafkaRecordDeserializationSchema<T> deserializer) {
        return source(bootstrapServers, client, topic, groupId, deserializer, false);
    }

    /**
     * As {@link #source} but bounded: stops at the offsets that are the latest when the job starts.
     */
    public static <T> KafkaSource<T> boundedSource(
            String bootstrapServers,
            String topic,
            String groupId,
            KafkaRecordDeserializationSchema<T> deserializer) {
        return KafkaSource.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(
                        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(deserializer)
                .build();
    }

    /** Profile updates as JSON ({@code user} as the record key), written as {@code output} says. */
    public static KafkaSink<UserProfile> profileSink(
            String bootstrapServers,
            String topic,
            String transactionalIdPrefix,
            KafkaOutput output) {
        return sink(
                bootstrapServers,
                transactionalIdPrefix,
                output,
                new KafkaRecords<>(
                        topic,
                        (UserProfile p) -> p.user,
                        new ProfileJsonEncoder(),
                        (UserProfile p) -> "profile of user " + p.user,
                        output));
    }

    /**
     * Dead letters, one JSON object per message ({@code json} caps the raw text: {@link
     * DeadLetterJson}).
     */
    public static KafkaSink<DeadLetter> deadLetterSink(
            String bootstrapServers,
            String topic,
            String transactionalIdPrefix,
            SerializationSchema<DeadLetter> json,
            KafkaOutput output) {
        return sink(
                bootstrapServers,
                transactionalIdPrefix,
                output,
                new KafkaRecords<>(
                        topic,
                        null,
                        json,
                        (DeadLetter d) -> "dead letter of " + d.source + "@" + d.position,
                        output));
    }

    /** CF recommendations of the retraining stage as JSON ({@code user} as the record key). */
    public static KafkaSink<Recommendation> recommendationSink(
            String bootstrapServers,
            String topic,
            String transactionalIdPrefix,
            KafkaOutput output) {
        return sink(
                bootstrapServers,
                transactionalIdPrefix,
                output,
                new KafkaRecords<>(
                        topic,
                        (Recommendation r) -> r.user,
                        new RecommendationJson(),
                        (Recommendation r) -> "CF recommendations of user " + r.user,
                        output));
    }

    /**
     * A sink with {@code output}'s delivery guarantee. Exactly-once: transactions committed with
     * checkpoints, {@code transaction.timeout.ms} below the broker's default maximum (15 min) so
     * the producer is not refused and the job does not restart-loop. {@code max.request.size} is
     * {@code output.maxRecordBytes}, the bound that {@link KafkaRecords} checks before sending.
     */
    public static <T> KafkaSink<T> sink(
            String bootstrapServers,
            String transactionalIdPrefix,
            KafkaOutput output,
            KafkaRecordSerializationSchema<T> schema) {
        Properties p = new Properties();
        p.putAll(output.client);
        p.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        p.setProperty(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(output.maxRecordBytes));
        return KafkaSink.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setKafkaProducerConfig(p)
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(output.delivery)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .build();
    }

    /**
     * The partitions of {@code topic} for which {@code groupId} has committed an offset (empty for
     * a new group): a job that starts without state there would continue from those offsets with
     * empty profiles.
     */
    public static Map<Integer, Long> committedOffsets(
            String bootstrapServers, String groupId, String topic) throws Exception {
        return committedOffsets(bootstrapServers, new Properties(), groupId, topic);
    }

    /** As {@link #committedOffsets(String, String, String)} with client properties (security). */
    public static Map<Integer, Long> committedOffsets(
            String bootstrapServers, Properties client, String groupId, String topic)
            throws Exception {
        Properties p = new Properties();
        p.putAll(client);
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        Map<Integer, Long> out = new TreeMap<>();
        try (Admin admin = Admin.create(p)) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(groupId)
                            .partitionsToOffsetAndMetadata()
                            .get(60, TimeUnit.SECONDS);
            offsets.forEach(
                    (tp, o) -> {
                        if (tp.topic().equals(topic) && o != null) {
                            out.put(tp.partition(), o.offset());
                        }
                    });
        }
        return out;
    }

    /**
     * The largest record the topics accept: the smallest {@code max.message.bytes} among {@code
     * topics} (the broker's {@code message.max.bytes} unless a topic overrides it), capped at the
     * producer's default 1 MiB. Topics that do not exist yet (created on first write) count with
     * the broker's default; asked once, when the job is built.
     */
    public static int maxRecordBytes(String bootstrapServers, List<String> topics)
            throws Exception {
        return maxRecordBytes(bootstrapServers, new Properties(), topics);
    }

    /** As {@link #maxRecordBytes(String, List)} with client properties (security). */
    public static int maxRecordBytes(
            String bootstrapServers, Properties client, List<String> topics) throws Exception {
        Properties p = new Properties();
        p.putAll(client);
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        long limit = KafkaOutput.DEFAULT_MAX_RECORD_BYTES;
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<ConfigResource> resources = new ArrayList<>();
            for (String t : new LinkedHashSet<>(topics)) {
                if (existing.contains(t)) {
                    resources.add(new ConfigResource(ConfigResource.Type.TOPIC, t));
                }
            }
            if (resources.isEmpty()) {
                return (int) limit;
            }
            for (Config c :
                    admin.describeConfigs(resources).all().get(60, TimeUnit.SECONDS).values()) {
                ConfigEntry e = c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                if (e != null && e.value() != null) {
                    limit = Math.min(limit, Long.parseLong(e.value()));
                }
            }
        }
        return (int) limit;
    }
}

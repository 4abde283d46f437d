package io.crossinterest.pipeline;

import io.crossinterest.cf.als.Recommendation;
import io.crossinterest.cf.als.RecommendationJson;
import io.crossinterest.event.DeadLetter;
import io.crossinterest.profile.ProfileJsonEncoder;
import io.crossinterest.profile.UserProfile;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The Kafka ends of the streaming job: a {@link KafkaSource} of raw records (JSON lines, parsed downstream so a poison
 * message becomes a dead letter) and exactly-once {@link KafkaSink}s for profile updates and dead letters.
 *
 * <p>Exactly-once: the sinks write in Kafka transactions committed when a checkpoint completes; consumers must read
 * with {@code isolation.level=read_committed}. {@code transaction.timeout.ms} is 10 minutes, under the broker's default
 * maximum ({@code transaction.max.timeout.ms} = 15 min; Flink's default of 1 h would be refused), and must stay above
 * the checkpoint interval plus the time to restart. Profile records are keyed by user, so all updates of a user land in
 * one partition in order.
 *
 * <p>Client properties: every source and sink takes the same extra Kafka client properties ({@code client}: security
 * such as {@code security.protocol}, {@code sasl.*}, {@code ssl.*}, or any other client setting); the settings each one
 * needs for its contract (bootstrap servers, group, offsets, transactions) are applied over them, except that a
 * {@code transaction.timeout.ms} given there is kept.
 */
public final class KafkaIo {
    public static final String TRANSACTION_TIMEOUT_MS = "600000";

    private KafkaIo() {}

    /**
     * A source reading {@code topic} from the group's committed offsets (the earliest offset for a new group), unbounded.
     *
     * @param deserializer message → raw record (source = topic-partition, position = offset)
     */
    public static <T> KafkaSource<T> source(String bootstrapServers, String topic, String groupId,
            KafkaRecordDeserializationSchema<T> deserializer) {
        return source(bootstrapServers, new Properties(), topic, groupId, deserializer);
    }

    /** As {@link #source(String, String, String, KafkaRecordDeserializationSchema)} with client properties. */
    public static <T> KafkaSource<T> source(String bootstrapServers, Properties client, String topic, String groupId,
            KafkaRecordDeserializationSchema<T> deserializer) {
        return KafkaSource.<T>builder()
                .setProperties(client)
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(deserializer)
                .setProperty("partition.discovery.interval.ms", "60000")
                .build();
    }

    /** As {@link #source} but bounded: stops at the offsets that are the latest when the job starts. */
    public static <T> KafkaSource<T> boundedSource(String bootstrapServers, String topic, String groupId,
            KafkaRecordDeserializationSchema<T> deserializer) {
        return KafkaSource.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(deserializer)
                .build();
    }

    /** Exactly-once profile updates as JSON ({@code user} as the record key). */
    public static KafkaSink<UserProfile> profileSink(String bootstrapServers, String topic, String transactionalIdPrefix) {
        return profileSink(bootstrapServers, new Properties(), topic, transactionalIdPrefix);
    }

    /** As {@link #profileSink(String, String, String)} with client properties. */
    public static KafkaSink<UserProfile> profileSink(String bootstrapServers, Properties client, String topic,
            String transactionalIdPrefix) {
        return sink(bootstrapServers, client, transactionalIdPrefix,
                KafkaRecordSerializationSchema.<UserProfile>builder()
                        .setTopic(topic)
                        .setKeySerializationSchema((UserProfile p) -> p.user.getBytes(StandardCharsets.UTF_8))
                        .setValueSerializationSchema(new ProfileJsonEncoder())
                        .build());
    }

    /** Exactly-once dead letters, one JSON object per message. */
    public static KafkaSink<DeadLetter> deadLetterSink(String bootstrapServers, String topic,
            String transactionalIdPrefix, SerializationSchema<DeadLetter> json) {
        return deadLetterSink(bootstrapServers, new Properties(), topic, transactionalIdPrefix, json);
    }

    /** As {@link #deadLetterSink(String, String, String, SerializationSchema)} with client properties. */
    public static KafkaSink<DeadLetter> deadLetterSink(String bootstrapServers, Properties client, String topic,
            String transactionalIdPrefix, SerializationSchema<DeadLetter> json) {
        return sink(bootstrapServers, client, transactionalIdPrefix,
                KafkaRecordSerializationSchema.<DeadLetter>builder()
                        .setTopic(topic)
                        .setValueSerializationSchema(json)
                        .build());
    }

    /** Exactly-once CF recommendations of the retraining stage as JSON ({@code user} as the record key). */
    public static KafkaSink<Recommendation> recommendationSink(String bootstrapServers, String topic,
            String transactionalIdPrefix) {
        return recommendationSink(bootstrapServers, new Properties(), topic, transactionalIdPrefix);
    }

    /** As {@link #recommendationSink(String, String, String)} with client properties. */
    public static KafkaSink<Recommendation> recommendationSink(String bootstrapServers, Properties client, String topic,
            String transactionalIdPrefix) {
        return sink(bootstrapServers, client, transactionalIdPrefix,
                KafkaRecordSerializationSchema.<Recommendation>builder()
                        .setTopic(topic)
                        .setKeySerializationSchema((Recommendation r) -> r.user.getBytes(StandardCharsets.UTF_8))
                        .setValueSerializationSchema(new RecommendationJson())
                        .build());
    }

    /**
     * An exactly-once sink: transactions committed with checkpoints, {@code transaction.timeout.ms} below the broker's
     * default maximum (15 min) so the producer is not refused and the job does not restart-loop.
     */
    public static <T> KafkaSink<T> sink(String bootstrapServers, String transactionalIdPrefix,
            KafkaRecordSerializationSchema<T> schema) {
        return sink(bootstrapServers, new Properties(), transactionalIdPrefix, schema);
    }

    /** As {@link #sink(String, String, KafkaRecordSerializationSchema)} with client properties. */
    public static <T> KafkaSink<T> sink(String bootstrapServers, Properties client, String transactionalIdPrefix,
            KafkaRecordSerializationSchema<T> schema) {
        Properties p = new Properties();
        p.putAll(client);
        p.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        return KafkaSink.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setKafkaProducerConfig(p)
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .build();
    }
}

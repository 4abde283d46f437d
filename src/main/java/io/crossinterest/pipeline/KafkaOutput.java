package io.crossinterest.pipeline;

import org.apache.flink.connector.base.DeliveryGuarantee;

import java.io.Serializable;
import java.util.Properties;

/**
 * How the stream job writes its Kafka topics (profiles, dead letters, scores, control errors, CF
 * recommendations):
 *
 * <ul>
 *   <li>{@code delivery}: {@link DeliveryGuarantee#EXACTLY_ONCE} (transactions committed with each
 *       checkpoint: a read_committed consumer sees outputs at checkpoints, and never twice) or
 *       {@link DeliveryGuarantee#AT_LEAST_ONCE} (records visible at once; after a failure the
 *       outputs since the last checkpoint are written again);
 *   <li>{@code timestamps}: the Kafka timestamp of an output record. {@link Timestamps#PRODUCED}
 *       (default): the time it is written, so retention ({@code retention.ms}, 7 days by default)
 *       counts from when the job wrote it; a replay of 2017 events with {@link Timestamps#EVENT}
 *       would write records the broker deletes at its next retention check. The event time stays in
 *       the payload either way;
 *   <li>{@code maxRecordBytes}: the largest record (key + value + overhead) the job sends; a bigger
 *       one is counted, logged and skipped ({@link KafkaRecords}), never a reason to fail the job;
 *   <li>{@code client}: extra Kafka client properties (security: {@code security.protocol}, {@code
 *       sasl.*}, {@code ssl.*}, or any other client setting) every producer gets; the settings a
 *       sink needs for its contract are applied over them, except that a {@code
 *       transaction.timeout.ms} given there is kept.
 * </ul>
 */
public final class KafkaOutput implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The Kafka timestamp of an output record. */
    public enum Timestamps {
        /** the time the record is produced (wall clock of the writer) */
        PRODUCED,
        /** the event time of the element (the newest event a profile includes) */
        EVENT
    }

    /**
     * The producer's default {@code max.request.size} (1 MiB), below the broker's default
     * message.max.bytes.
     */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

    public static final KafkaOutput DEFAULTS =
            new KafkaOutput(
                    DeliveryGuarantee.EXACTLY_ONCE, Timestamps.PRODUCED, DEFAULT_MAX_RECORD_BYTES);

    public final DeliveryGuarantee delivery;
    public final Timestamps timestamps;
    public final int maxRecordBytes;
    public final Properties client;

    public KafkaOutput(DeliveryGuarantee delivery, Timestamps timestamps, int maxRecordBytes) {
        this(delivery, timestamps, maxRecordBytes, new Properties());
    }

    public KafkaOutput(
            DeliveryGuarantee delivery,
            Timestamps timestamps,
            int maxRecordBytes,
            Properties client) {
        if (delivery == DeliveryGuarantee.NONE) {
            throw new IllegalArgumentException("delivery must be exactly-once or at-least-once");
        }
        if (maxRecordBytes < 1024) {
            throw new IllegalArgumentException("maxRecordBytes must be >= 1024: " + maxRecordBytes);
        }
        this.delivery = delivery;
        this.timestamps = timestamps;
        this.maxRecordBytes = maxRecordBytes;
        this.client = new Properties();
        this.client.putAll(client);
    }

    public KafkaOutput withDelivery(DeliveryGuarantee d) {
        return new KafkaOutput(d, timestamps, maxRecordBytes, client);
    }

    public KafkaOutput withTimestamps(Timestamps t) {
        return new KafkaOutput(delivery, t, maxRecordBytes, client);
    }

    public KafkaOutput withMaxRecordBytes(int bytes) {
        return new KafkaOutput(delivery, timestamps, bytes, client);
    }

    /** These settings with the given extra client properties for every producer. */
    public KafkaOutput withClient(Properties properties) {
        return new KafkaOutput(delivery, timestamps, maxRecordBytes, properties);
    }

    @Override
    public String toString() {
        return delivery.toString().toLowerCase().replace('_', '-')
                + ", "
                + timestamps.toString().toLowerCase()
                + " timestamps, records up to "
                + maxRecordBytes
                + " bytes";
    }
}

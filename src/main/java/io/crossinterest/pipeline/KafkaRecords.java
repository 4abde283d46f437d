package io.crossinterest.pipeline;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * An output element as a Kafka record: the topic, the key (optional, UTF-8), the value of {@code
 * value}, and the timestamp chosen by {@link KafkaOutput#timestamps} (null for {@code PRODUCED}:
 * the producer stamps the record when it sends it).
 *
 * <p>A record larger than {@link KafkaOutput#maxRecordBytes} is not sent: the producer would fail
 * it with {@code RecordTooLargeException} (the broker with {@code MESSAGE_TOO_LARGE}), the sink
 * would fail the job, and after the restarts the job would fail again on the same input. Instead it
 * is counted ({@code oversizedRecordsSkipped} in the sink's metric group), logged at ERROR with the
 * topic, its size and what it was ({@code describe}: e.g. the input's partition and offset of a
 * dead letter, the user of a profile), and skipped. The check is on key + value + {@value
 * #RECORD_OVERHEAD_BYTES} bytes for the batch and record headers (a single-record batch of Kafka's
 * format v2: 61 bytes of batch header and at most ~40 bytes of varints and attributes), so a record
 * that passes it fits the limit the producer and the broker apply to a one-record batch.
 */
public final class KafkaRecords<T> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(KafkaRecords.class);

    static final int RECORD_OVERHEAD_BYTES = 128;

    private final String topic;
    private final SerializableFunction<T, String> key;
    private final SerializationSchema<T> value;
    private final SerializableFunction<T, String> describe;
    private final KafkaOutput output;

    private transient Counter oversized;

    /**
     * @param key the record key of an element, or null for none
     * @param describe what an element is, for the log line of a skipped record
     */
    public KafkaRecords(
            String topic,
            SerializableFunction<T, String> key,
            SerializationSchema<T> value,
            SerializableFunction<T, String> describe,
            KafkaOutput output) {
        this.topic = topic;
        this.key = key;
        this.value = value;
        this.describe = describe;
        this.output = output;
    }

    @Override
    public void open(
            SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext)
            throws Exception {
        value.open(context);
        oversized = context.getMetricGroup().counter("oversizedRecordsSkipped");
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            T element, KafkaSinkContext context, Long timestamp) {
        byte[] k = key == null ? null : key.apply(element).getBytes(StandardCharsets.UTF_8);
        byte[] v = value.serialize(element);
        long size = (k == null ? 0 : k.length) + (v == null ? 0 : v.length) + RECORD_OVERHEAD_BYTES;
        if (size > output.maxRecordBytes) {
            oversized.inc();
            LOG.error(
                    "skipped a record of {} bytes for topic {} (the limit is {} bytes): {}",
                    size,
                    topic,
                    output.maxRecordBytes,
                    describe.apply(element));
            return null; // the Kafka writer sends nothing for null
        }
        Long ts = output.timestamps == KafkaOutput.Timestamps.EVENT ? timestamp : null;
        return new ProducerRecord<>(topic, null, ts, k, v);
    }

    /** Records skipped as too large so far (for tests). */
    long oversizedSkipped() {
        return oversized == null ? 0 : oversized.getCount();
    }
}

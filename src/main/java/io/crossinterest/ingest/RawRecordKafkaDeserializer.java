package io.crossinterest.ingest;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka message values as {@link RawRecord}s for the parse step: source = {@code topic-partition},
 * position = the message offset, text = the value decoded strictly as UTF-8 ({@code encodingError}
 * set for malformed bytes, the text kept with U+FFFD). Never throws on a value's bytes, so a poison
 * message becomes a dead letter downstream instead of failing the job in a restart loop. A null
 * value (a tombstone) is an empty record, which the parsers reject as {@code empty}. Keys are
 * ignored.
 *
 * <pre>{@code
 * KafkaSource<RawRecord> source = KafkaSource.<RawRecord>builder()
 *         .setBootstrapServers(servers).setTopics(topic)
 *         .setDeserializer(new RawRecordKafkaDeserializer())
 *         .build();
 * }</pre>
 */
public final class RawRecordKafkaDeserializer
        implements KafkaRecordDeserializationSchema<RawRecord> {
    private static final long serialVersionUID = 1L;

    private transient StrictUtf8 utf8;
    // the source name of the last partition seen: a fetch hands over runs of one partition's
    // messages
    private transient String lastTopic;
    private transient int lastPartition;
    private transient String lastSource;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> message, Collector<RawRecord> out) {
        if (utf8 == null) {
            utf8 = new StrictUtf8();
        }
        byte[] value = message.value();
        if (lastSource == null
                || message.partition() != lastPartition
                || !message.topic().equals(lastTopic)) {
            lastTopic = message.topic();
            lastPartition = message.partition();
            lastSource = lastTopic + "-" + lastPartition;
        }
        String source = lastSource;
        if (value == null) {
            out.collect(new RawRecord(source, message.offset(), "", false));
            return;
        }
        String text = utf8.decode(value, 0, value.length);
        out.collect(new RawRecord(source, message.offset(), text, utf8.failed()));
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}

package io.crossinterest.pipeline;

import io.crossinterest.event.DeadLetter;
import io.crossinterest.ingest.DeadLetterJson;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the stream job writes always fits a Kafka record: a dead letter keeps a prefix of a long raw
 * text with the whole text's length and SHA-256 (cut on a character boundary), and a record above
 * the limit is skipped and counted instead of sent; output records carry the time they were
 * produced unless event time is asked for.
 */
class KafkaRecordsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final SerializationSchema.InitializationContext CONTEXT =
            new SerializationSchema.InitializationContext() {
                @Override
                public MetricGroup getMetricGroup() {
                    return new UnregisteredMetricsGroup();
                }

                @Override
                public UserCodeClassLoader getUserCodeClassLoader() {
                    return SimpleUserCodeClassLoader.create(
                            KafkaRecordsTest.class.getClassLoader());
                }
            };

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void aLongRawTextBecomesAPrefixWithItsLengthAndHash() throws Exception {
        // 3-byte characters after 9 ASCII bytes: a 20-byte cut falls inside the 4th euro sign and
        // moves back to 18
        String raw = "{\"user\":\"" + "\u20ac".repeat(100) + "\"}";
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        DeadLetter d =
                JSON.readValue(
                        new DeadLetterJson(20)
                                .serialize(new DeadLetter("events-0", 7, "bad-json: x", raw)),
                        DeadLetter.class);
        assertTrue(d.rawTruncated);
        assertEquals(bytes.length, d.rawBytes);
        assertEquals(sha256(bytes), d.rawSha256);
        assertEquals("{\"user\":\"\u20ac\u20ac\u20ac", d.raw, "9 + 3 × 3 bytes");

        DeadLetter shortOne =
                JSON.readValue(
                        new DeadLetterJson(20)
                                .serialize(new DeadLetter("events-0", 8, "empty: ", "{\"a\":1}")),
                        DeadLetter.class);
        assertFalse(shortOne.rawTruncated);
        assertEquals("{\"a\":1}", shortOne.raw);
        assertEquals(0, shortOne.rawBytes, "only a cut text names its length");
    }

    @Test
    void theIssuesOversizedLineFitsARecordAsADeadLetter() throws Exception {
        String raw = "{\"user\":\"ctl-1\",\"item\":\"" + "\u0001".repeat(2_000_000) + "\"}";
        byte[] json =
                new DeadLetterJson()
                        .serialize(new DeadLetter("events-0", 1, "missing-field: category", raw));
        // 16 KiB of U+0001, 6 bytes each when JSON-escaped, plus the envelope
        assertTrue(
                json.length < 6 * DeadLetterJson.DEFAULT_MAX_RAW_BYTES + 400,
                "bytes " + json.length);
        assertTrue(json.length < KafkaOutput.DEFAULT_MAX_RECORD_BYTES);
    }

    @Test
    void aRecordAboveTheLimitIsSkippedAndCounted() throws Exception {
        KafkaOutput output = KafkaOutput.DEFAULTS.withMaxRecordBytes(2048);
        KafkaRecords<String> records =
                new KafkaRecords<>(
                        "out",
                        s -> "k",
                        s -> s.getBytes(StandardCharsets.UTF_8),
                        s -> "a string of " + s.length(),
                        output);
        records.open(CONTEXT, null);
        String fits =
                "x"
                        .repeat(
                                2048
                                        - KafkaRecords.RECORD_OVERHEAD_BYTES
                                        - 1); // + 1 byte of key: at the limit
        ProducerRecord<byte[], byte[]> r = records.serialize(fits, null, 1_511_658_000_000L);
        assertEquals("out", r.topic());
        assertEquals(fits.length(), r.value().length);
        assertNull(r.timestamp(), "produced: the producer stamps the record when it sends it");
        assertNull(records.serialize(fits + "y", null, 1L), "one byte over: not sent");
        assertEquals(1, records.oversizedSkipped());

        KafkaRecords<String> eventTime =
                new KafkaRecords<>(
                        "out",
                        null,
                        s -> s.getBytes(StandardCharsets.UTF_8),
                        s -> s,
                        output.withTimestamps(KafkaOutput.Timestamps.EVENT));
        eventTime.open(CONTEXT, null);
        assertEquals(
                1_511_658_000_000L, eventTime.serialize("a", null, 1_511_658_000_000L).timestamp());
    }
}

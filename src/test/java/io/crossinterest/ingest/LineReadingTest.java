package io.crossinterest.ingest;

import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Line splitting and strict decoding, the Flink file format's positions and restore, the Kafka
 * deserializer.
 */
class LineReadingTest {

    /**
     * A stream that returns at most one byte per read, to exercise refills and buffer growth at
     * every byte.
     */
    static InputStream trickle(byte[] bytes) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1));
            }
        };
    }

    static List<RawRecord> lines(InputStream in, int maxLineBytes) throws IOException {
        List<RawRecord> out = new ArrayList<>();
        try (Utf8LineReader r = new Utf8LineReader(in, 0, 0, maxLineBytes)) {
            while (r.next()) {
                out.add(
                        new RawRecord(
                                "s", r.lineNumber(), r.text(), r.encodingError(), r.truncated()));
            }
        }
        return out;
    }

    static byte[] bytes(String s) {
        return s.getBytes(
                StandardCharsets
                        .ISO_8859_1); // each char one byte, so tests can write raw bytes as latin-1
        // escapes
    }

    @Test
    void splitsLinesLikeAFileIsWritten() throws IOException {
        byte[] in = bytes("\u00ef\u00bb\u00bfa,b\r\n\nc\n\u00e4\u00b8\u00ad\nlast");
        for (InputStream s : List.of(new ByteArrayInputStream(in), trickle(in))) {
            assertEquals(
                    List.of(
                            new RawRecord("s", 1, "a,b"),
                            new RawRecord("s", 2, ""),
                            new RawRecord("s", 3, "c"),
                            new RawRecord("s", 4, "\u4e2d"),
                            new RawRecord("s", 5, "last")),
                    lines(s, 100));
        }
        assertEquals(
                List.of(new RawRecord("s", 1, "x")),
                lines(new ByteArrayInputStream(bytes("x\n")), 100));
        assertEquals(List.of(), lines(new ByteArrayInputStream(new byte[0]), 100));
    }

    @Test
    void badUtf8KeepsTheTextWithReplacements() throws IOException {
        List<RawRecord> r =
                lines(
                        new ByteArrayInputStream(
                                bytes("ok\nb\u00ffd\n\u00c0\u00af\n\u00e2\u0082\n")),
                        100);
        assertEquals(new RawRecord("s", 1, "ok"), r.get(0));
        assertEquals(new RawRecord("s", 2, "b\ufffdd", true), r.get(1));
        assertTrue(r.get(2).encodingError, "overlong encoding");
        assertTrue(r.get(3).encodingError, "cut sequence");
        assertEquals(4, r.size());
    }

    @Test
    void cutsOverlongLinesAndCarriesOn() throws IOException {
        String longLine = "x".repeat(50);
        byte[] in = bytes("a\n" + longLine + "\nb\n" + longLine);
        for (InputStream s : List.of(new ByteArrayInputStream(in), trickle(in))) {
            List<RawRecord> r = lines(s, 10);
            assertEquals(
                    List.of(
                            new RawRecord("s", 1, "a"),
                            new RawRecord("s", 2, "x".repeat(10), false, true),
                            new RawRecord("s", 3, "b"),
                            new RawRecord("s", 4, "x".repeat(10), false, true)),
                    r);
        }
        // exactly at the limit is fine (a CR LF ending does not count), one byte over is cut, with
        // or without an end
        for (String ok :
                List.of(
                        "x".repeat(10),
                        "x".repeat(10) + "\n",
                        "x".repeat(10) + "\r\n",
                        "x".repeat(10) + "\r")) {
            for (InputStream s : List.of(new ByteArrayInputStream(bytes(ok)), trickle(bytes(ok)))) {
                assertEquals(List.of(new RawRecord("s", 1, "x".repeat(10))), lines(s, 10), ok);
            }
        }
        for (String over :
                List.of("x".repeat(11), "x".repeat(11) + "\n", "x".repeat(11) + "\r\n")) {
            for (InputStream s :
                    List.of(new ByteArrayInputStream(bytes(over)), trickle(bytes(over)))) {
                assertEquals(
                        List.of(new RawRecord("s", 1, "x".repeat(10), false, true)),
                        lines(s, 10),
                        over);
            }
        }
    }

    @Test
    void growsItsBufferForLongValidLines() throws IOException {
        String big = "y".repeat(200_000); // beyond the 64 KiB initial buffer, under the limit
        List<RawRecord> r =
                lines(
                        new ByteArrayInputStream(bytes("a\n" + big + "\nb\n")),
                        Utf8LineReader.DEFAULT_MAX_LINE_BYTES);
        assertEquals(3, r.size());
        assertEquals(big, r.get(1).text);
        assertFalse(r.get(1).truncated);
        assertEquals(new RawRecord("s", 3, "b"), r.get(2));
    }

    @Test
    void fileFormatRestoresAtTheExactLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("f.csv");
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= 3000; i++) {
            sb.append("line ").append(i).append(i % 7 == 0 ? "\r\n" : "\n");
        }
        Files.writeString(file, sb);
        RawLineFormat format = new RawLineFormat();
        FileSourceSplit split =
                new FileSourceSplit(
                        "0",
                        new org.apache.flink.core.fs.Path(file.toUri()),
                        0,
                        Files.size(file),
                        0,
                        Files.size(file));
        List<RawRecord> all = new ArrayList<>();
        RecordAndPosition<RawRecord> at1500 = null;
        CheckpointedPosition mark = null;
        try (BulkFormat.Reader<RawRecord> reader =
                format.createReader(new Configuration(), split)) {
            BulkFormat.RecordIterator<RawRecord> batch;
            while ((batch = reader.readBatch()) != null) {
                RecordAndPosition<RawRecord> rp;
                while ((rp = batch.next()) != null) {
                    all.add(rp.getRecord());
                    if (rp.getRecord().position == 1500) {
                        at1500 = rp;
                        mark = new CheckpointedPosition(rp.getOffset(), rp.getRecordSkipCount());
                    }
                }
                batch.releaseBatch();
            }
        }
        assertEquals(3000, all.size());
        for (int i = 0; i < 3000; i++) {
            assertEquals(new RawRecord(file.toString(), i + 1, "line " + (i + 1)), all.get(i));
        }
        assertTrue(at1500 != null);
        // resume after line 1500: the next record is line 1501, at its own number
        FileSourceSplit restored = split.updateWithCheckpointedPosition(mark);
        try (BulkFormat.Reader<RawRecord> reader =
                format.restoreReader(new Configuration(), restored)) {
            RecordAndPosition<RawRecord> first = reader.readBatch().next();
            assertEquals(new RawRecord(file.toString(), 1501, "line 1501"), first.getRecord());
        }
    }

    @Test
    void kafkaDeserializerNeverThrows() throws Exception {
        RawRecordKafkaDeserializer d = new RawRecordKafkaDeserializer();
        List<RawRecord> out = new ArrayList<>();
        ListCollector<RawRecord> c = new ListCollector<>(out);
        String json =
                "{\"user\":\"u\",\"item\":\"i\",\"category\":\"c\",\"behavior\":\"pv\",\"timestamp\":5}";
        d.deserialize(
                new ConsumerRecord<>("events", 3, 41L, null, json.getBytes(StandardCharsets.UTF_8)),
                c);
        d.deserialize(
                new ConsumerRecord<>(
                        "events", 3, 42L, null, new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'}),
                c);
        d.deserialize(
                new ConsumerRecord<>("events", 0, 7L, "k".getBytes(StandardCharsets.UTF_8), null),
                c);
        d.deserialize(new ConsumerRecord<>("events", 1, 8L, null, new byte[] {(byte) 0xc3}), c);
        assertEquals(new RawRecord("events-3", 41, json), out.get(0));
        assertEquals(new RawRecord("events-3", 42, "{\ufffd\ufffd}", true), out.get(1));
        assertEquals(new RawRecord("events-0", 7, ""), out.get(2));
        assertEquals(new RawRecord("events-1", 8, "\ufffd", true), out.get(3));

        // and through the JSON parser: one event, three dead letters with their reasons and Kafka
        // positions
        JsonLinesParser parser = new JsonLinesParser(ParseLimits.DEFAULTS);
        List<String> reasons = new ArrayList<>();
        int events = 0;
        for (RawRecord r : out) {
            List<Object> ev = new ArrayList<>();
            var dead = ParseStep.parseOrDeadLetter(parser, r, ev::add);
            if (dead == null) {
                events += ev.size();
            } else {
                assertEquals(r.source, dead.source);
                assertEquals(r.position, dead.position);
                reasons.add(RejectReason.ofMessage(dead.reason).code());
            }
        }
        assertEquals(1, events);
        assertEquals(List.of("bad_utf8", "empty", "bad_utf8"), reasons);
        assertNull(RejectReason.ofMessage("no code here"));
    }
}

package io.crossinterest.ingest;

import io.crossinterest.event.DeadLetter;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A {@link DeadLetter} as one JSON line: {@code {"source":..,"position":..,"reason":..,"raw":..}}.
 * The field names are DeadLetter's, so {@code new ObjectMapper().readValue(line, DeadLetter.class)}
 * reads a line back. JSON escapes make control characters and U+FFFD replacements of bad bytes safe
 * to write.
 *
 * <p>The raw text is kept exactly up to {@code maxRawBytes} bytes of UTF-8 ({@value
 * #DEFAULT_MAX_RAW_BYTES} by default). A longer one keeps its first {@code maxRawBytes} bytes (cut
 * back to a character boundary) and the letter gains {@code "rawTruncated":true}, {@code
 * "rawBytes"} (the whole text's UTF-8 length) and {@code "rawSha256"} (hex SHA-256 of those bytes),
 * enough to find and compare the original without repeating it. So a dead letter is at most ~6 ×
 * {@code maxRawBytes} + its reason (the worst JSON escape, {@code \}{@code u0001}, is 6 bytes for
 * 1) and always fits a Kafka record, whatever the size of the input.
 */
public final class DeadLetterJson extends JsonLineEncoder<DeadLetter> {
    private static final long serialVersionUID = 2L;

    public static final int DEFAULT_MAX_RAW_BYTES = 16 * 1024;

    private final int maxRawBytes;

    public DeadLetterJson() {
        this(DEFAULT_MAX_RAW_BYTES);
    }

    /**
     * @param maxRawBytes the longest raw text kept whole, in UTF-8 bytes (≥ 1)
     */
    public DeadLetterJson(int maxRawBytes) {
        if (maxRawBytes < 1) {
            throw new IllegalArgumentException("maxRawBytes must be >= 1: " + maxRawBytes);
        }
        this.maxRawBytes = maxRawBytes;
    }

    @Override
    protected void write(JsonGenerator g, DeadLetter d) throws IOException {
        g.writeStartObject();
        g.writeStringField("source", d.source);
        g.writeNumberField("position", d.position);
        g.writeStringField("reason", d.reason);
        // a UTF-8 byte never exceeds its char's UTF-16 units × 3: short texts skip the encoding
        if (d.raw == null || (long) d.raw.length() * 3 <= maxRawBytes) {
            g.writeStringField("raw", d.raw);
        } else {
            byte[] bytes = d.raw.getBytes(StandardCharsets.UTF_8);
            if (bytes.length <= maxRawBytes) {
                g.writeStringField("raw", d.raw);
            } else {
                int cut = maxRawBytes;
                while (cut > 0
                        && (bytes[cut] & 0xC0)
                                == 0x80) { // bytes[cut] continues a character: cut before it
                    cut--;
                }
                g.writeStringField("raw", new String(bytes, 0, cut, StandardCharsets.UTF_8));
                g.writeBooleanField("rawTruncated", true);
                g.writeNumberField("rawBytes", bytes.length);
                g.writeStringField("rawSha256", sha256(bytes));
            }
        }
        g.writeEndObject();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}

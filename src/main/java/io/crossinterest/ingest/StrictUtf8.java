package io.crossinterest.ingest;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding that keeps the text of bad input: {@link #decode} returns the text, and
 * {@link #failed()} says whether the bytes were malformed (overlong forms, encoded surrogates,
 * truncated sequences, stray continuation bytes, bytes above F4 all count). Malformed input is then
 * decoded again with U+FFFD replacements, so a dead letter still shows what arrived. Pure-ASCII
 * input (all the data sets' ids and numbers) takes a fast path without the decoder.
 *
 * <p>One instance per reader; not thread-safe.
 */
final class StrictUtf8 {
    private final CharsetDecoder decoder =
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
    private boolean failed;

    /** Decodes {@code bytes[off, off + len)}. */
    String decode(byte[] bytes, int off, int len) {
        failed = false;
        int end = off + len;
        int i = off;
        while (i < end && bytes[i] >= 0) {
            i++;
        }
        if (i == end) {
            return new String(
                    bytes,
                    off,
                    len,
                    StandardCharsets.ISO_8859_1); // ASCII: identical in latin-1, and faster
        }
        try {
            CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(bytes, off, len));
            return chars.toString();
        } catch (CharacterCodingException e) {
            failed = true;
            return new String(bytes, off, len, StandardCharsets.UTF_8);
        }
    }

    /** Whether the last {@link #decode} met malformed UTF-8. */
    boolean failed() {
        return failed;
    }
}

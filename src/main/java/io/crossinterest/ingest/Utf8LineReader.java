package io.crossinterest.ingest;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a byte stream into lines and decodes each strictly as UTF-8 ({@link StrictUtf8}). Shared
 * by the Flink file format ({@link RawLineFormat}) and the in-process {@link LocalReader}, so both
 * see the same records.
 *
 * <p>A line ends at {@code \n}; a {@code \r} before it is dropped (CRLF files), and a UTF-8
 * byte-order mark at the start of the file is skipped. A last line without a terminator is a line;
 * the empty rest after a final {@code \n} is not. Empty lines in between are lines (the parsers
 * reject them, so they appear in dead letters). A line longer than {@code maxLineBytes} is cut
 * there: its first {@code maxLineBytes} bytes are returned with {@link #truncated()} set and the
 * rest is skipped, so one runaway line cannot exhaust memory.
 *
 * <p>After each {@link #next()}, {@link #lineNumber()} is the 1-based number of the line and {@link
 * #offsetAfter()} the byte offset just past it (where reading resumes).
 */
final class Utf8LineReader implements Closeable {
    /** Default line limit: 1 MiB, far above any valid record of the supported formats. */
    static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

    private final InputStream in;
    private final int maxLineBytes;
    private final StrictUtf8 utf8 = new StrictUtf8();
    private byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;
    private boolean eof;

    /** File offset of buf[0]. */
    private long bufStart;

    private boolean atFileStart;

    private long lineNumber;
    private String text;
    private boolean encodingError;
    private boolean truncated;
    private long offsetAfter;

    /**
     * @param in the stream, positioned at byte {@code startOffset} of the file
     * @param startOffset the file offset {@code in} is at (0 for the start of the file)
     * @param linesBefore the number of lines before that offset (0 at the start), so line numbers
     *     stay 1-based and exact after a restore
     */
    Utf8LineReader(InputStream in, long startOffset, long linesBefore, int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.bufStart = startOffset;
        this.atFileStart = startOffset == 0;
        this.lineNumber = linesBefore;
        this.offsetAfter = startOffset;
    }

    Utf8LineReader(InputStream in) {
        this(in, 0, 0, DEFAULT_MAX_LINE_BYTES);
    }

    /** Reads the next line; false at the end of the stream. */
    public boolean next() throws IOException {
        if (atFileStart) {
            atFileStart = false;
            skipByteOrderMark();
        }
        int scanned = pos; // [pos, scanned) is known to hold no '\n'
        while (true) {
            int nl = indexOfNewline(scanned, limit);
            if (nl >= 0) {
                int length = nl > pos && buf[nl - 1] == '\r' ? nl - pos - 1 : nl - pos;
                if (length > maxLineBytes) {
                    return cut();
                }
                emit(pos, nl, false);
                pos = nl + 1;
                offsetAfter = bufStart + pos;
                return true;
            }
            if (limit - pos > maxLineBytes + 1) { // + 1: the line may still end in "\r\n"
                return cut();
            }
            int known = limit - pos;
            if (!fill()) {
                if (pos == limit) {
                    return false;
                }
                int length = buf[limit - 1] == '\r' ? limit - pos - 1 : limit - pos;
                if (length > maxLineBytes) {
                    return cut();
                }
                emit(pos, limit, false); // last line without a terminator
                pos = limit;
                offsetAfter = bufStart + pos;
                return true;
            }
            scanned = pos + known;
        }
    }

    /** Emits the first maxLineBytes bytes of an over-long line and skips to the end of the line. */
    private boolean cut() throws IOException {
        emit(pos, pos + maxLineBytes, true);
        pos += maxLineBytes;
        while (true) {
            int nl = indexOfNewline(pos, limit);
            if (nl >= 0) {
                pos = nl + 1;
                break;
            }
            pos = limit;
            if (!fill()) {
                break;
            }
        }
        offsetAfter = bufStart + pos;
        return true;
    }

    private void emit(int from, int to, boolean cut) {
        int end = to;
        if (!cut && end > from && buf[end - 1] == '\r') {
            end--;
        }
        text = utf8.decode(buf, from, end - from);
        encodingError = utf8.failed();
        truncated = cut;
        lineNumber++;
    }

    private int indexOfNewline(int from, int to) {
        byte[] b = buf;
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Reads more bytes, first moving the unread part [pos, limit) to the front (and growing the
     * buffer when a line fills it, up to maxLineBytes + 2 bytes: enough to see that a line is too
     * long even before a CR LF). Returns false at the end of the stream.
     */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            bufStart += pos;
            limit -= pos;
            pos = 0;
        }
        if (limit == buf.length) {
            // only reached while buf.length <= maxLineBytes + 1: a longer buffer holding one
            // unfinished line was cut
            byte[] bigger = new byte[(int) Math.min(2L * buf.length, maxLineBytes + 2L)];
            System.arraycopy(buf, 0, bigger, 0, limit);
            buf = bigger;
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
            return false;
        }
        limit += n;
        return true;
    }

    private void skipByteOrderMark() throws IOException {
        while (limit - pos < 3 && fill()) {
            // need three bytes to see a BOM
        }
        if (limit - pos >= 3
                && buf[pos] == (byte) 0xEF
                && buf[pos + 1] == (byte) 0xBB
                && buf[pos + 2] == (byte) 0xBF) {
            pos += 3;
        }
    }

    /**
     * The decoded text of the current line (U+FFFD for bad bytes when {@link #encodingError()}).
     */
    public String text() {
        return text;
    }

    public boolean encodingError() {
        return encodingError;
    }

    public boolean truncated() {
        return truncated;
    }

    /** The 1-based line number of the current line. */
    public long lineNumber() {
        return lineNumber;
    }

    /** The byte offset just past the current line: where reading resumes. */
    public long offsetAfter() {
        return offsetAfter;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

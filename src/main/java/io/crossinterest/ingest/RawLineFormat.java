package io.crossinterest.ingest;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.MutableRecordAndPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.net.URI;

/**
 * A {@link FileSource} format that reads text files line by line into {@link RawRecord}s carrying
 * the file path and the 1-based line number, decoding strictly as UTF-8 (malformed bytes give
 * {@code encodingError = true} with the text kept, U+FFFD for the bad bytes). Lines are split and
 * decoded by {@link Utf8LineReader}, the same code {@link LocalReader} uses.
 *
 * <p>A {@link BulkFormat} rather than a {@code StreamFormat} because only a bulk reader is told
 * which file it reads ({@link FileSourceSplit#path()}), and the file is the record's source. Files
 * are not split: line numbers need the whole file from its start.
 *
 * <p><b>Checkpointed position.</b> This format reads its own positions back ({@link
 * #restoreReader}), and encodes them as {@code offset} = the byte offset just past the last emitted
 * line and {@code recordsAfterOffset} = that line's number. A restore seeks to the offset and
 * numbers the next line {@code recordsAfterOffset + 1}: no line is read twice and line numbers stay
 * exact, without re-reading the file's beginning.
 */
public final class RawLineFormat implements BulkFormat<RawRecord, FileSourceSplit> {
    private static final long serialVersionUID = 1L;

    /** Lines handed over per batch. */
    private static final int BATCH = 1024;

    private final int maxLineBytes;

    public RawLineFormat(int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    /** Lines up to 1 MiB; longer lines are cut and flagged {@link RawRecord#truncated}. */
    public RawLineFormat() {
        this(Utf8LineReader.DEFAULT_MAX_LINE_BYTES);
    }

    /**
     * A bounded file source over the files of {@code plan}, in this format. Parse with {@code
     * plan.parser()}.
     */
    public static FileSource<RawRecord> fileSource(InputPlan plan) {
        return fileSource(plan, Utf8LineReader.DEFAULT_MAX_LINE_BYTES);
    }

    /** As {@link #fileSource(InputPlan)}, cutting lines longer than {@code maxLineBytes}. */
    public static FileSource<RawRecord> fileSource(InputPlan plan, int maxLineBytes) {
        Path[] paths = plan.files().stream().map(p -> new Path(p.toUri())).toArray(Path[]::new);
        return FileSource.forBulkFileFormat(new RawLineFormat(maxLineBytes), paths).build();
    }

    /**
     * The record source name of a file: its local path (as {@link LocalReader} names it) for local
     * files, the full URI for other file systems.
     */
    static String sourceName(Path path) {
        URI uri = path.toUri();
        if (uri.getScheme() == null || "file".equals(uri.getScheme())) {
            return uri.getPath();
        }
        return path.toString();
    }

    @Override
    public BulkFormat.Reader<RawRecord> createReader(Configuration config, FileSourceSplit split)
            throws IOException {
        return open(split, split.offset(), 0);
    }

    @Override
    public BulkFormat.Reader<RawRecord> restoreReader(Configuration config, FileSourceSplit split)
            throws IOException {
        CheckpointedPosition p = split.getReaderPosition().orElse(null);
        if (p == null || p.getOffset() == CheckpointedPosition.NO_OFFSET) {
            return open(split, split.offset(), 0);
        }
        return open(split, p.getOffset(), p.getRecordsAfterOffset());
    }

    private LineReader open(FileSourceSplit split, long offset, long linesBefore)
            throws IOException {
        FileSystem fs = split.path().getFileSystem();
        FSDataInputStream in = fs.open(split.path());
        try {
            if (offset > 0) {
                in.seek(offset);
            }
        } catch (IOException e) {
            in.close();
            throw e;
        }
        return new LineReader(
                sourceName(split.path()),
                new Utf8LineReader(in, offset, linesBefore, maxLineBytes));
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }

    private static final class LineReader implements BulkFormat.Reader<RawRecord> {
        private final String source;
        private final Utf8LineReader lines;

        LineReader(String source, Utf8LineReader lines) {
            this.source = source;
            this.lines = lines;
        }

        @Override
        public RecordIterator<RawRecord> readBatch() throws IOException {
            RawRecord[] records = new RawRecord[BATCH];
            long[] offsets = new long[BATCH];
            int n = 0;
            while (n < BATCH && lines.next()) {
                records[n] =
                        new RawRecord(
                                source,
                                lines.lineNumber(),
                                lines.text(),
                                lines.encodingError(),
                                lines.truncated());
                offsets[n] = lines.offsetAfter();
                n++;
            }
            return n == 0 ? null : new Batch(records, offsets, n);
        }

        @Override
        public void close() throws IOException {
            lines.close();
        }
    }

    /**
     * One batch; each record's position is (offset after its line, its line number): see the class
     * comment.
     */
    private static final class Batch implements BulkFormat.RecordIterator<RawRecord> {
        private final RawRecord[] records;
        private final long[] offsets;
        private final int size;
        private final MutableRecordAndPosition<RawRecord> current =
                new MutableRecordAndPosition<>();
        private int next;

        Batch(RawRecord[] records, long[] offsets, int size) {
            this.records = records;
            this.offsets = offsets;
            this.size = size;
        }

        @Override
        public RecordAndPosition<RawRecord> next() {
            if (next == size) {
                return null;
            }
            RawRecord r = records[next];
            current.set(r, offsets[next], r.position);
            next++;
            return current;
        }

        @Override
        public void releaseBatch() {}
    }
}

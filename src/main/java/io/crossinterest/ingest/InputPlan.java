package io.crossinterest.ingest;

import java.nio.file.Path;
import java.util.List;

/**
 * What to read for one input: the files, in reading order, and the one parser that reads all of
 * them (parsers take what depends on the file, such as a domain or block name, from the record's
 * source path). Made by {@link InputFormats#resolve}; read in process by {@link LocalReader} or in
 * Flink through {@link RawLineFormat#fileSource(InputPlan)} and {@link ParseFunction}.
 */
public final class InputPlan {
    private final String format;
    private final RecordParser parser;
    private final List<Path> files;

    public InputPlan(String format, RecordParser parser, List<Path> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("an input plan needs at least one file");
        }
        this.format = format;
        this.parser = parser;
        this.files = List.copyOf(files);
    }

    /** The format name, one of {@link InputFormats#NAMES}. */
    public String format() {
        return format;
    }

    public RecordParser parser() {
        return parser;
    }

    /** Absolute paths of the files to read, in order. */
    public List<Path> files() {
        return files;
    }

    @Override
    public String toString() {
        return format + " " + files;
    }
}

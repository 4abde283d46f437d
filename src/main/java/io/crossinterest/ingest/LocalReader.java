package io.crossinterest.ingest;

import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.event.DeadLetter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Reads an input in process, without Flink: for evaluation loaders, benchmarks' in-memory ceiling
 * and tests. It uses the same line reader ({@link Utf8LineReader}) and the same parsers as the
 * Flink path, so both give the same events and the same dead letters (source = absolute file path,
 * position = 1-based line number).
 */
public final class LocalReader {
    private final int maxLineBytes;

    public LocalReader(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    /** Lines up to 1 MiB, as {@link RawLineFormat#RawLineFormat()}. */
    public LocalReader() {
        this(Utf8LineReader.DEFAULT_MAX_LINE_BYTES);
    }

    /** Counts of one read. */
    public static final class Stats {
        public long records;
        public long events;
        public long deadLetters;

        void add(Stats o) {
            records += o.records;
            events += o.events;
            deadLetters += o.deadLetters;
        }

        @Override
        public String toString() {
            return records + " records, " + events + " events, " + deadLetters + " dead letters";
        }
    }

    /** Reads every file of {@code plan}, in order. */
    public static Stats read(
            InputPlan plan, Consumer<BehaviorEvent> events, Consumer<DeadLetter> deadLetters)
            throws IOException {
        return new LocalReader().readPlan(plan, events, deadLetters);
    }

    /**
     * Reads one file with {@code parser} (e.g. an Amazon {@code test.txt} with the pair's parser).
     */
    public static Stats readFile(
            Path file,
            RecordParser parser,
            Consumer<BehaviorEvent> events,
            Consumer<DeadLetter> deadLetters)
            throws IOException {
        return new LocalReader().read(file, parser, events, deadLetters);
    }

    public Stats readPlan(
            InputPlan plan, Consumer<BehaviorEvent> events, Consumer<DeadLetter> deadLetters)
            throws IOException {
        Stats total = new Stats();
        for (Path file : plan.files()) {
            total.add(read(file, plan.parser(), events, deadLetters));
        }
        return total;
    }

    public Stats read(
            Path file,
            RecordParser parser,
            Consumer<BehaviorEvent> events,
            Consumer<DeadLetter> deadLetters)
            throws IOException {
        Stats stats = new Stats();
        String source = file.toAbsolutePath().normalize().toString();
        Consumer<BehaviorEvent> counted =
                e -> {
                    stats.events++;
                    events.accept(e);
                };
        try (InputStream in = Files.newInputStream(file);
                Utf8LineReader lines = new Utf8LineReader(in, 0, 0, maxLineBytes)) {
            while (lines.next()) {
                stats.records++;
                RawRecord r =
                        new RawRecord(
                                source,
                                lines.lineNumber(),
                                lines.text(),
                                lines.encodingError(),
                                lines.truncated());
                DeadLetter d = ParseStep.parseOrDeadLetter(parser, r, counted);
                if (d != null) {
                    stats.deadLetters++;
                    deadLetters.accept(d);
                }
            }
        }
        return stats;
    }
}

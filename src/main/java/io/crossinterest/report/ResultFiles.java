package io.crossinterest.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What the result tables share: reading a result file (a clear error naming it when it cannot be
 * read), listing a folder's benchmark files, and writing figures, seeds and commits into cells.
 */
final class ResultFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultFiles() {}

    static List<Path> files(Path dir, String prefix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(
                            p ->
                                    p.getFileName().toString().startsWith(prefix)
                                            && p.toString().endsWith(".json"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(Path f) {
        try {
            return JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read result file " + f + ": " + e.getMessage(), e);
        }
    }

    static String seeds(JsonNode json) {
        List<String> s = new ArrayList<>();
        json.path("seeds").forEach(x -> s.add(x.asText()));
        return String.join(", ", s);
    }

    static String shortCommit(String c) {
        return c.length() > 12 && !c.equals("unknown")
                ? c.substring(0, 7) + (c.endsWith("-dirty") ? "-dirty" : "")
                : c;
    }

    static String f4(double x) {
        return String.format(Locale.ROOT, "%.4f", x);
    }

    /** A ratio with two decimals, a count or a rate (100 and more) with none. */
    static String num(double x) {
        return Math.abs(x) >= 100 ? f0(x) : f2(x);
    }

    static String f0(double x) {
        return String.format(Locale.ROOT, "%,.0f", x);
    }

    static String f2(double x) {
        return String.format(Locale.ROOT, "%.2f", x);
    }
}

package io.crossinterest.pipeline;

import io.crossinterest.event.DeadLetter;
import io.crossinterest.profile.ProfileJsonEncoder;
import io.crossinterest.profile.UserProfile;

import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

/**
 * File sinks for a backfill's outputs under one folder: {@code profiles/profiles-<id>-<n>.jsonl}
 * (one JSON profile per line, {@link io.crossinterest.profile.ProfileJson}) and {@code
 * dead-letters/dead-letters-<id>-<n>.jsonl}. Files are finished when the job ends (BATCH) or on
 * checkpoints (STREAMING); in-progress files are hidden (leading dot).
 */
public final class FileOutputs {
    public static final String PROFILES = "profiles";
    public static final String DEAD_LETTERS = "dead-letters";

    private FileOutputs() {}

    public static FileSink<UserProfile> profiles(java.nio.file.Path outputDir) {
        return jsonLines(outputDir.resolve(PROFILES), PROFILES, new ProfileJsonEncoder());
    }

    public static FileSink<DeadLetter> deadLetters(
            java.nio.file.Path outputDir, Encoder<DeadLetter> json) {
        return jsonLines(outputDir.resolve(DEAD_LETTERS), DEAD_LETTERS, json);
    }

    private static <T> FileSink<T> jsonLines(
            java.nio.file.Path dir, String prefix, Encoder<T> encoder) {
        return FileSink.forRowFormat(new Path(dir.toAbsolutePath().toUri()), encoder)
                .withBucketAssigner(new BasePathBucketAssigner<>())
                .withOutputFileConfig(
                        OutputFileConfig.builder()
                                .withPartPrefix(prefix)
                                .withPartSuffix(".jsonl")
                                .build())
                .build();
    }

    /**
     * The finished files of one output ({@link #PROFILES} or {@link #DEAD_LETTERS}) under {@code
     * outputDir}, sorted.
     */
    public static List<java.nio.file.Path> finishedFiles(java.nio.file.Path outputDir, String which)
            throws IOException {
        java.nio.file.Path dir = outputDir.resolve(which);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        }
    }

    /** Lines in the finished files of one output. */
    public static long countLines(java.nio.file.Path outputDir, String which) throws IOException {
        long n = 0;
        for (java.nio.file.Path f : finishedFiles(outputDir, which)) {
            try (var lines = Files.lines(f)) {
                n += lines.count();
            }
        }
        return n;
    }
}

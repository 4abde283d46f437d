package io.crossinterest.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The snapshots a stream job can restart from, in its local checkpoint folder: retained checkpoints
 * ({@code <dir>/<job id>/chk-<n>/_metadata}, kept on cancellation and after a crash) and savepoints
 * in {@link #SAVEPOINTS} ({@code <dir>/savepoints/savepoint-<...>/_metadata}, where a
 * stop-with-savepoint without a target folder writes them). A snapshot counts only once its {@code
 * _metadata} exists: Flink writes that file last, so a checkpoint interrupted by a crash is never
 * picked.
 */
public final class RetainedCheckpoints {
    /**
     * The savepoint folder under the checkpoint folder ({@code
     * execution.checkpointing.savepoint-dir}).
     */
    public static final String SAVEPOINTS = "savepoints";

    static final String METADATA = "_metadata";

    private RetainedCheckpoints() {}

    /**
     * The newest complete checkpoint or savepoint under {@code dir} (by the time its metadata was
     * written; the higher checkpoint number on a tie), or empty when there is none (or no folder).
     */
    public static Optional<Path> latest(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> jobs = Files.list(dir)) {
            return jobs.filter(Files::isDirectory)
                    .flatMap(RetainedCheckpoints::snapshots)
                    .max(
                            Comparator.comparing(RetainedCheckpoints::written)
                                    .thenComparing(RetainedCheckpoints::number));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /**
     * The newest savepoint under {@code dir}'s {@link #SAVEPOINTS} folder written after {@code
     * afterMillis}.
     */
    public static Optional<Path> savepointSince(Path dir, long afterMillis) {
        return snapshots(dir.resolve(SAVEPOINTS))
                .filter(p -> written(p).toMillis() >= afterMillis)
                .max(Comparator.comparing(RetainedCheckpoints::written));
    }

    /**
     * Whether {@code path} is a snapshot folder (it holds {@code _metadata}) or a snapshot's
     * metadata file.
     */
    public static boolean isSnapshot(Path path) {
        return Files.isRegularFile(path.resolve(METADATA))
                || (path.getFileName() != null
                        && path.getFileName().toString().equals(METADATA)
                        && Files.isRegularFile(path));
    }

    /**
     * The complete snapshots directly under {@code parent} (chk-n of a job folder, or savepoint-...
     * folders).
     */
    private static Stream<Path> snapshots(Path parent) {
        if (!Files.isDirectory(parent)) {
            return Stream.empty();
        }
        try (Stream<Path> children = Files.list(parent)) {
            return children
                    .filter(
                            p -> {
                                String name = p.getFileName().toString();
                                return (name.startsWith("chk-") || name.startsWith("savepoint-"))
                                        && Files.isRegularFile(p.resolve(METADATA));
                            })
                    .toList()
                    .stream();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + parent, e);
        }
    }

    private static FileTime written(Path snapshot) {
        try {
            return Files.getLastModifiedTime(snapshot.resolve(METADATA));
        } catch (IOException e) {
            return FileTime.fromMillis(
                    0); // deleted meanwhile (a newer checkpoint subsumed it): the oldest
        }
    }

    private static long number(Path snapshot) {
        String name = snapshot.getFileName().toString();
        if (name.startsWith("chk-")) {
            try {
                return Long.parseLong(name.substring(4));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }
}

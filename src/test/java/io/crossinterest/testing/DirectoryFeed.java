package io.crossinterest.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Feeds a continuously monitored {@code FileSource} directory: each {@link #write} publishes one
 * new file atomically (written under a hidden name, which the source's default filter skips, then
 * renamed), so the source never sees a half-written file. A test drives an unbounded job step by
 * step this way.
 */
public final class DirectoryFeed {
    private final Path dir;
    private int files;

    public DirectoryFeed(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    public Path dir() {
        return dir;
    }

    public void write(List<String> lines) throws IOException {
        String name = String.format("part-%04d.txt", files++);
        Path tmp = dir.resolve("." + name);
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }
}

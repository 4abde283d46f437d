package io.crossinterest.matrix;

import io.crossinterest.data.IdIndex;
import io.crossinterest.data.InteractionMatrix;
import io.crossinterest.profile.ProfileJson;
import io.crossinterest.profile.UserProfile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The user × category matrix O of the seed: row u is user u's profile (behaviour-weighted, decayed
 * count per category), sparse. Users and categories are numbered in order of first appearance
 * ({@link IdIndex}); the values are the profile scores as emitted (each row decayed to its user's
 * newest event).
 */
public final class CategoryMatrix {
    public final IdIndex users;
    public final IdIndex categories;

    /** O in CSR form: rows users, columns categories, only observed entries stored. */
    public final InteractionMatrix values;

    public CategoryMatrix(IdIndex users, IdIndex categories, InteractionMatrix values) {
        this.users = users;
        this.categories = categories;
        this.values = values;
    }

    /**
     * O from profiles; a user appearing twice keeps the later profile (profile updates supersede
     * earlier ones).
     */
    public static CategoryMatrix fromProfiles(Iterable<UserProfile> profiles) {
        IdIndex users = new IdIndex();
        IdIndex cats = new IdIndex();
        List<UserProfile> latest = new ArrayList<>();
        for (UserProfile p : profiles) {
            int u = users.add(p.user);
            if (u == latest.size()) {
                latest.add(p);
            } else {
                latest.set(u, p);
            }
        }
        InteractionMatrix.Builder b = new InteractionMatrix.Builder(users.size(), 0);
        for (int u = 0; u < latest.size(); u++) {
            UserProfile p = latest.get(u);
            for (int i = 0; i < p.categories.length; i++) {
                b.add(u, cats.add(p.categories[i]), p.scores[i]);
            }
        }
        InteractionMatrix m = b.build();
        // the builder grows to the largest index seen; fix the shape to the dictionaries
        return new CategoryMatrix(
                users,
                cats,
                new InteractionMatrix(users.size(), cats.size(), m.rowPtr(), m.cols(), m.values()));
    }

    /**
     * Reads profiles written as JSON lines: {@code input} is one file, or a folder whose regular
     * files are read in name order (recursively), skipping hidden files and files whose names
     * contain {@code dead} (dead letters).
     *
     * @throws IllegalArgumentException naming the file and line of a line that is not a profile
     */
    public static CategoryMatrix readProfiles(Path input) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(input)) {
            try (Stream<Path> s = Files.walk(input)) {
                s.filter(Files::isRegularFile)
                        .filter(
                                p -> {
                                    String name = p.getFileName().toString();
                                    return !name.startsWith(".")
                                            && !name.toLowerCase(Locale.ROOT).contains("dead")
                                            && !p.toString()
                                                    .toLowerCase(Locale.ROOT)
                                                    .contains("dead-letters");
                                })
                        .sorted()
                        .forEach(files::add);
            }
        } else {
            files.add(input);
        }
        List<UserProfile> profiles = new ArrayList<>();
        for (Path f : files) {
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                int n = 0;
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    n++;
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        profiles.add(ProfileJson.read(line));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(f + ":" + n + ": " + e.getMessage());
                    }
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        return fromProfiles(profiles);
    }
}

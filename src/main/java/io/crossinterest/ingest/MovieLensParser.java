package io.crossinterest.ingest;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * MovieLens 100K ratings ({@code u.data}: {@code user<TAB>item<TAB>rating<TAB>timestamp}, rating
 * 1..5, Unix seconds) with the genres of {@code u.item} as categories.
 *
 * <p><b>How a rating is spread over genres.</b> A movie may have several genres (849 of the 1,682
 * do). A rating r of a movie with g genres gives g {@link Behavior#RATING} events, one per genre,
 * each of weight r / g. So every rating adds the same total mass r to the user's row of the user ×
 * genre matrix whatever the number of genres, and a user's genre mass sums to the sum of their
 * ratings; a movie with many genres does not count more than one with a single genre. The item id
 * is kept as it is in every one of the g events; consumers that need one event per rating can sum
 * the weights of the events sharing (user, item, timestamp).
 *
 * <p>The catalogue ({@code u.item}, latin-1, {@code id|title|release|video release|url|} then 19
 * genre flags in the order of {@code u.genre}) is read once when the parser is built ({@link
 * #fromFolder}) and travels with it (1,682 short arrays). A movie with no flag set is given the
 * genre {@code unknown}, as GroupLens does. A rating of a movie that is not in the catalogue is
 * rejected ({@code unknown_item}).
 */
public final class MovieLensParser extends LineParser {
    private static final long serialVersionUID = 1L;

    private static final String LAYOUT =
            "4 tab-separated columns user<TAB>item<TAB>rating<TAB>timestamp";

    /**
     * The genres of the 100K data set in flag order, used when there is no {@code u.genre} file.
     */
    public static final List<String> DEFAULT_GENRES =
            List.of(
                    "unknown",
                    "Action",
                    "Adventure",
                    "Animation",
                    "Children's",
                    "Comedy",
                    "Crime",
                    "Documentary",
                    "Drama",
                    "Fantasy",
                    "Film-Noir",
                    "Horror",
                    "Musical",
                    "Mystery",
                    "Romance",
                    "Sci-Fi",
                    "Thriller",
                    "War",
                    "Western");

    /** genresOf[movieId] = the movie's genre names, or null if the id is not in the catalogue. */
    private final String[][] genresOf;

    public MovieLensParser(String[][] genresOf, ParseLimits limits) {
        super(limits);
        this.genresOf = genresOf;
    }

    /**
     * Builds the parser from a MovieLens folder holding {@code u.item} (and optionally {@code
     * u.genre}).
     *
     * @throws InputSpecException if the catalogue is missing or malformed (it is configuration, not
     *     data: a bad catalogue must stop the job up front rather than dead-letter every rating)
     */
    public static MovieLensParser fromFolder(Path folder, ParseLimits limits) {
        Path genreFile = folder.resolve("u.genre");
        Path itemFile = folder.resolve("u.item");
        if (!Files.isRegularFile(itemFile)) {
            throw new InputSpecException("movielens: no u.item in " + folder);
        }
        try {
            List<String> genres =
                    Files.isRegularFile(genreFile) ? readGenres(genreFile) : DEFAULT_GENRES;
            return new MovieLensParser(readCatalogue(itemFile, genres), limits);
        } catch (IOException e) {
            throw new InputSpecException(
                    "movielens: cannot read " + folder + ": " + e.getMessage());
        }
    }

    /** {@code u.genre}: {@code name|index} lines; returns names by index. */
    static List<String> readGenres(Path file) throws IOException {
        List<String> names = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            int bar = line.lastIndexOf('|');
            int index;
            try {
                index = Integer.parseInt(line.substring(bar + 1).trim());
            } catch (NumberFormatException e) {
                throw new InputSpecException(
                        "movielens: " + file + " line " + lineNo + ": expected name|index");
            }
            if (bar <= 0 || index != names.size()) {
                throw new InputSpecException(
                        "movielens: "
                                + file
                                + " line "
                                + lineNo
                                + ": expected genre "
                                + names.size());
            }
            names.add(line.substring(0, bar));
        }
        return names;
    }

    /** {@code u.item} (latin-1): movie id, 4 text fields, then one 0/1 flag per genre. */
    static String[][] readCatalogue(Path file, List<String> genres) throws IOException {
        String[][] byId = new String[0][];
        int lineNo = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\\|", -1);
            if (f.length != 5 + genres.size()) {
                throw new InputSpecException(
                        "movielens: "
                                + file
                                + " line "
                                + lineNo
                                + ": expected "
                                + (5 + genres.size())
                                + " |-separated fields, got "
                                + f.length);
            }
            int id;
            try {
                id = Integer.parseInt(f[0]);
            } catch (NumberFormatException e) {
                throw new InputSpecException(
                        "movielens: " + file + " line " + lineNo + ": bad movie id '" + f[0] + "'");
            }
            if (id < 0) {
                throw new InputSpecException(
                        "movielens: " + file + " line " + lineNo + ": negative movie id");
            }
            List<String> own = new ArrayList<>(3);
            for (int g = 0; g < genres.size(); g++) {
                if ("1".equals(f[5 + g])) {
                    own.add(genres.get(g));
                }
            }
            if (own.isEmpty()) {
                own.add(genres.get(0));
            }
            if (id >= byId.length) {
                byId = Arrays.copyOf(byId, Math.max(id + 1, byId.length * 2));
            }
            byId[id] = own.toArray(new String[0]);
        }
        return byId;
    }

    /** The genres of a movie, or null if it is not in the catalogue. */
    public String[] genresOf(int movieId) {
        return movieId >= 0 && movieId < genresOf.length ? genresOf[movieId] : null;
    }

    @Override
    protected void parseLine(String source, String text, Consumer<BehaviorEvent> out)
            throws MalformedRecordException {
        int[] c = columns(text, '\t', 4, 4, LAYOUT);
        String user = numericId(text, 0, c[1], "user");
        String item = numericId(text, c[1] + 1, c[2], "item");
        double rating = rating(text, c[2] + 1, c[3], 1, 5);
        long timestamp = epochSecondsAsMillis(text, c[3] + 1, c[4], "timestamp");
        String[] genres = item.length() > 9 ? null : genresOf(Integer.parseInt(item));
        if (genres == null) {
            throw RejectReason.UNKNOWN_ITEM.exception("item: movie " + item + " is not in u.item");
        }
        // a rating r over g genres: g events of weight r / g (total mass r per rating)
        double w = rating / genres.length;
        for (String genre : genres) {
            out.accept(new BehaviorEvent(user, item, genre, Behavior.RATING, w, timestamp));
        }
    }
}

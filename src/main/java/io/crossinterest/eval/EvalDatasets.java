package io.crossinterest.eval;

import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.event.DeadLetter;
import io.crossinterest.ingest.AmazonPairParser;
import io.crossinterest.ingest.DoubanParser;
import io.crossinterest.ingest.InputFormats;
import io.crossinterest.ingest.InputPlan;
import io.crossinterest.ingest.InputSpecException;
import io.crossinterest.ingest.LocalReader;
import io.crossinterest.ingest.ParseLimits;
import io.crossinterest.ingest.RecordParser;
import io.crossinterest.ingest.SplitParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Loads the evaluation data sets into a source and a target {@link InteractionBlock}, through the
 * ingest parsers and {@link LocalReader} (the one parsing path of the product). Malformed records
 * are kept as dead letters with their reason ({@link Loaded#deadLetters}), never dropped silently;
 * an interaction of weight 0 is one too (reason {@code weight: 0 is not an interaction}).
 *
 * <ul>
 *   <li>{@code amazon-pair}: a domain folder {@code A_B} as source and its sibling {@code B_A} as
 *       target; each block is the folder's {@code train.txt} and {@code test.txt} (DisenCDR's
 *       leave-one-out test rows whose item occurs in train; {@code test_original.txt} adds rows of
 *       items nobody else has, which no model can rank, so it is not read). Users join by the
 *       pair's shared ids.
 *   <li>{@code douban}: one ratings file per block ({@code douban_book_ratings.dat}, {@code
 *       douban_music_ratings.dat}); r_ui is the rating 1..5.
 *   <li>{@code movielens}: one folder ({@code u.data}, {@code u.item}); the target block is a set G
 *       of genres. An item is a target item iff at least one of its genres is in G, and its target
 *       categories are its genres in G (K = |G| categories); every other item is a source item with
 *       all its genres as categories. Every item is in exactly one block, and r_ui is the rating
 *       wherever the item is.
 *   <li>{@code split}: a block folder each ({@code train.tsv, valid.tsv, test.tsv}, {@code
 *       user<TAB>item[<TAB>weight]}): the split is given, not drawn (see {@link
 *       ColdStartSplits#given}).
 * </ul>
 */
public final class EvalDatasets {
    private EvalDatasets() {}

    /** The formats {@code evaluate} accepts. */
    public static final List<String> FORMATS =
            List.of(
                    InputFormats.AMAZON_PAIR,
                    InputFormats.DOUBAN,
                    InputFormats.MOVIELENS,
                    InputFormats.SPLIT);

    /** What was read: the blocks, the dead letters, and how to turn them into a split. */
    public static final class Loaded {
        public final String dataset;
        public final InteractionBlock source;

        /** The whole target block (drawn splits), or its train.tsv rows (given split). */
        public final InteractionBlock target;

        /** The given split's target valid.tsv and test.tsv rows; null for a drawn split. */
        public final InteractionBlock targetValid;

        public final InteractionBlock targetTest;
        public final List<DeadLetter> deadLetters;

        Loaded(
                String dataset,
                InteractionBlock source,
                InteractionBlock target,
                InteractionBlock targetValid,
                InteractionBlock targetTest,
                List<DeadLetter> deadLetters) {
            this.dataset = dataset;
            this.source = source;
            this.target = target;
            this.targetValid = targetValid;
            this.targetTest = targetTest;
            this.deadLetters = deadLetters;
        }

        public boolean givenSplit() {
            return targetTest != null;
        }

        /**
         * The split of this seed: drawn with (β, validFraction, seed), or the given split for every
         * seed.
         */
        public CrossDomainSplit split(double beta, double validFraction, long seed) {
            return givenSplit()
                    ? ColdStartSplits.given(dataset, source, target, targetValid, targetTest)
                    : ColdStartSplits.draw(dataset, source, target, beta, validFraction, seed);
        }

        public String summary() {
            return String.format(
                    Locale.ROOT,
                    "%s: source %d users / %d items / %d interactions, target %d users / %d"
                            + " items / %d interactions%s, %d dead letters",
                    dataset,
                    source.users().size(),
                    source.itemCategories().size(),
                    source.numInteractions(),
                    target.users().size(),
                    target.itemCategories().size(),
                    target.numInteractions(),
                    givenSplit()
                            ? String.format(
                                    Locale.ROOT,
                                    " (+ %d valid, %d test)",
                                    targetValid.numInteractions(),
                                    targetTest.numInteractions())
                            : "",
                    deadLetters.size());
        }
    }

    public static Loaded load(String format, Path source, Path target, Set<String> targetGenres) {
        switch (format) {
            case InputFormats.AMAZON_PAIR:
                return amazonPair(source, target);
            case InputFormats.DOUBAN:
                return douban(source, target);
            case InputFormats.MOVIELENS:
                return movieLens(source, targetGenres);
            case InputFormats.SPLIT:
                return split(source, target);
            default:
                throw new InputSpecException(
                        "evaluate: unsupported format '"
                                + format
                                + "' (supported: "
                                + String.join(", ", FORMATS)
                                + ")");
        }
    }

    public static Loaded amazonPair(Path sourceFolder, Path targetFolder) {
        String s = pairFolder(sourceFolder);
        String t = pairFolder(targetFolder);
        String[] sp = AmazonPairParser.domainAndPair(s);
        String[] tp = AmazonPairParser.domainAndPair(t);
        if (!sp[1].equals(tp[1]) || sp[0].equals(tp[0])) {
            throw new InputSpecException(
                    "amazon-pair: "
                            + s
                            + " and "
                            + t
                            + " are not the two domains of one pair"
                            + " (e.g. sport_cloth and cloth_sport)");
        }
        List<DeadLetter> dead = new ArrayList<>();
        RecordParser parser = new AmazonPairParser(ParseLimits.DEFAULTS);
        InteractionBlock src =
                read(
                        sp[0],
                        parser,
                        dead,
                        sourceFolder.resolve("train.txt"),
                        sourceFolder.resolve("test.txt"));
        InteractionBlock tgt =
                read(
                        tp[0],
                        parser,
                        dead,
                        targetFolder.resolve("train.txt"),
                        targetFolder.resolve("test.txt"));
        return new Loaded("amazon " + s + " → " + t, src, tgt, null, null, dead);
    }

    private static String pairFolder(Path folder) {
        if (folder == null || !Files.isDirectory(folder)) {
            throw new InputSpecException("amazon-pair: not a folder: " + folder);
        }
        String name = folder.toAbsolutePath().normalize().getFileName().toString();
        if (AmazonPairParser.domainAndPair(name) == null) {
            throw new InputSpecException(
                    "amazon-pair: the folder must be named <domain>_<other domain>: " + folder);
        }
        return name;
    }

    public static Loaded douban(Path sourceFile, Path targetFile) {
        for (Path p : new Path[] {sourceFile, targetFile}) {
            if (p == null || !Files.isRegularFile(p)) {
                throw new InputSpecException("douban: not a ratings file: " + p);
            }
        }
        String s = DoubanParser.domainOf(sourceFile.getFileName().toString());
        String t = DoubanParser.domainOf(targetFile.getFileName().toString());
        List<DeadLetter> dead = new ArrayList<>();
        RecordParser parser = new DoubanParser(ParseLimits.DEFAULTS);
        return new Loaded(
                "douban " + s + " → " + t,
                read(s, parser, dead, sourceFile),
                read(t, parser, dead, targetFile),
                null,
                null,
                dead);
    }

    public static Loaded movieLens(Path folder, Set<String> targetGenres) {
        if (targetGenres == null || targetGenres.isEmpty()) {
            throw new InputSpecException("movielens: give the target genres (--target-genres)");
        }
        InputPlan plan = InputFormats.resolve(InputFormats.MOVIELENS, folder);
        List<DeadLetter> dead = new ArrayList<>();
        // r_ui (summing the parser's per-genre shares r/g back to r) and each item's genres
        Map<String, Map<String, Double>> ratings = new LinkedHashMap<>();
        Map<String, Set<String>> genres = new LinkedHashMap<>();
        try {
            LocalReader.read(
                    plan,
                    guarded(
                            plan.files().get(0),
                            e -> {
                                ratings.computeIfAbsent(e.user, u -> new LinkedHashMap<>())
                                        .merge(e.item, e.weight, Double::sum);
                                genres.computeIfAbsent(e.item, i -> new LinkedHashSet<>())
                                        .add(e.category);
                            },
                            dead),
                    dead::add);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "movielens: cannot read " + folder + ": " + e.getMessage(), e);
        }
        Set<String> known = new TreeSet<>();
        genres.values().forEach(known::addAll);
        for (String g : targetGenres) {
            if (!known.contains(g)) {
                throw new InputSpecException(
                        "movielens: unknown genre '"
                                + g
                                + "' (known: "
                                + String.join(", ", known)
                                + ")");
            }
        }
        InteractionBlock.Builder src = InteractionBlock.builder("movielens-source");
        InteractionBlock.Builder tgt = InteractionBlock.builder("movielens-target");
        ratings.forEach(
                (user, row) ->
                        row.forEach(
                                (item, r) -> {
                                    Set<String> own = genres.get(item);
                                    List<String> inTarget =
                                            own.stream().filter(targetGenres::contains).toList();
                                    boolean isTarget = !inTarget.isEmpty();
                                    List<String> cats = isTarget ? inTarget : List.copyOf(own);
                                    for (String c :
                                            cats) { // r spread over the block's categories of the
                                        // item; the builder sums it back to r
                                        (isTarget ? tgt : src).add(user, item, c, r / cats.size());
                                    }
                                }));
        return new Loaded(
                "movielens target genres " + String.join("+", targetGenres),
                src.build(),
                tgt.build(),
                null,
                null,
                dead);
    }

    public static Loaded split(Path sourceDir, Path targetDir) {
        for (Path p : new Path[] {sourceDir, targetDir}) {
            if (p == null || !Files.isRegularFile(p.resolve("train.tsv"))) {
                throw new InputSpecException("split: no train.tsv in " + p);
            }
        }
        for (String f : new String[] {"valid.tsv", "test.tsv"}) {
            if (!Files.isRegularFile(targetDir.resolve(f))) {
                throw new InputSpecException(
                        "split: the target block needs " + f + ": " + targetDir.resolve(f));
            }
        }
        String s = sourceDir.toAbsolutePath().normalize().getFileName().toString();
        String t = targetDir.toAbsolutePath().normalize().getFileName().toString();
        List<DeadLetter> dead = new ArrayList<>();
        RecordParser parser = new SplitParser(ParseLimits.DEFAULTS);
        return new Loaded(
                "split " + s + " → " + t,
                read(s, parser, dead, sourceDir.resolve("train.tsv")),
                read(t, parser, dead, targetDir.resolve("train.tsv")),
                read(t, parser, dead, targetDir.resolve("valid.tsv")),
                read(t, parser, dead, targetDir.resolve("test.tsv")),
                dead);
    }

    private static InteractionBlock read(
            String name, RecordParser parser, List<DeadLetter> dead, Path... files) {
        InteractionBlock.Builder b = InteractionBlock.builder(name);
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new InputSpecException("missing input file: " + f);
            }
            try {
                LocalReader.readFile(f, parser, guarded(f, b::add, dead), dead::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    /**
     * Events of weight ≤ 0 are not interactions: they become dead letters (the parsers accept a
     * rating or weight 0 as a well-formed value; the event no longer knows its line, so the
     * position is 0 and the raw text is the event), the others go on.
     */
    private static Consumer<BehaviorEvent> guarded(
            Path file, Consumer<BehaviorEvent> next, List<DeadLetter> dead) {
        String source = file.toAbsolutePath().normalize().toString();
        return e -> {
            if (e.weight > 0) {
                next.accept(e);
            } else {
                dead.add(
                        new DeadLetter(
                                source,
                                0,
                                "weight: " + e.weight + " is not an interaction",
                                e.toString()));
            }
        };
    }
}

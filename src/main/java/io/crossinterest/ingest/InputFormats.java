package io.crossinterest.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The registry of input formats: given a format name and an input path (a file or a folder), which
 * files to read and with which parser. Every problem with the specification is one {@link
 * InputSpecException} naming the format or the path, raised before anything is read.
 *
 * <table>
 *   <caption>formats and what a path means</caption>
 *   <tr><th>format</th><th>a file</th><th>a folder</th></tr>
 *   <tr><td>{@code taobao}</td><td>that CSV</td><td>its {@code *.csv} files</td></tr>
 *   <tr><td>{@code amazon-pair}</td><td>that file (its folder must be named {@code A_B})</td><td>a domain folder
 *       {@code A_B}: {@code A_B/train.txt} and its sibling {@code B_A/train.txt} (the pair); any other folder: the
 *       {@code train.txt} of every {@code X_Y} folder in it (all pairs)</td></tr>
 *   <tr><td>{@code douban}</td><td>that file (one domain)</td><td>its {@code *.dat} files (one domain each)</td></tr>
 *   <tr><td>{@code movielens}</td><td>that {@code u.data}, catalogue {@code u.item} beside it</td>
 *       <td>{@code u.data} and {@code u.item} in it</td></tr>
 *   <tr><td>{@code jsonl}</td><td>that file</td><td>its {@code *.jsonl} and {@code *.json} files</td></tr>
 *   <tr><td>{@code split}</td><td>(a folder is needed)</td><td>a block folder holding {@code train.tsv}: its
 *       {@code train.tsv}, {@code valid.tsv}, {@code test.tsv} (those present); any other folder: those of every
 *       block folder in it</td></tr>
 * </table>
 *
 * Files inside a folder are read in name order, so a run is repeatable. Amazon's {@code test*.txt}
 * files are not part of a backfill; evaluation reads them with the same parser through {@link
 * LocalReader#readFile}.
 */
public final class InputFormats {
    public static final String TAOBAO = "taobao";
    public static final String AMAZON_PAIR = "amazon-pair";
    public static final String DOUBAN = "douban";
    public static final String MOVIELENS = "movielens";
    public static final String JSONL = "jsonl";
    public static final String SPLIT = "split";

    /** All format names, as the command line's {@code --format} accepts them. */
    public static final List<String> NAMES =
            List.of(TAOBAO, AMAZON_PAIR, DOUBAN, MOVIELENS, JSONL, SPLIT);

    private InputFormats() {}

    /** {@link #resolve(String, Path, ParseLimits)} with {@link ParseLimits#DEFAULTS}. */
    public static InputPlan resolve(String format, Path input) {
        return resolve(format, input, ParseLimits.DEFAULTS);
    }

    /**
     * The files to read for {@code format} at {@code input}, with the format's parser.
     *
     * @throws InputSpecException for an unknown format, a missing path, or a path without the files
     *     the format needs
     */
    public static InputPlan resolve(String format, Path input, ParseLimits limits) {
        String f = checkFormat(format);
        if (input == null || !Files.exists(input)) {
            throw new InputSpecException("input not found: " + input);
        }
        Path in = input.toAbsolutePath().normalize();
        switch (f) {
            case TAOBAO:
                return new InputPlan(f, new TaobaoParser(limits), fileOrChildren(f, in, ".csv"));
            case JSONL:
                return new InputPlan(
                        f, new JsonLinesParser(limits), fileOrChildren(f, in, ".jsonl", ".json"));
            case DOUBAN:
                return new InputPlan(f, new DoubanParser(limits), fileOrChildren(f, in, ".dat"));
            case MOVIELENS:
                return movielens(in, limits);
            case AMAZON_PAIR:
                return new InputPlan(f, new AmazonPairParser(limits), amazonFiles(in));
            case SPLIT:
                return new InputPlan(f, new SplitParser(limits), splitFiles(in));
            default:
                throw new IllegalStateException(f); // checkFormat admits only NAMES
        }
    }

    /**
     * The parser of a format that needs nothing but its records, for sources other than files
     * (Kafka: {@code jsonl}).
     *
     * @throws InputSpecException for an unknown format, or {@code movielens}, whose parser needs
     *     its catalogue ({@link MovieLensParser#fromFolder})
     */
    public static RecordParser parser(String format, ParseLimits limits) {
        switch (checkFormat(format)) {
            case TAOBAO:
                return new TaobaoParser(limits);
            case JSONL:
                return new JsonLinesParser(limits);
            case DOUBAN:
                return new DoubanParser(limits);
            case AMAZON_PAIR:
                return new AmazonPairParser(limits);
            case SPLIT:
                return new SplitParser(limits);
            default:
                throw new InputSpecException(
                        "format movielens needs its catalogue u.item: give an input folder");
        }
    }

    private static String checkFormat(String format) {
        String f = format == null ? "" : format.trim().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(f)) {
            throw new InputSpecException(
                    "unknown format '" + format + "' (known: " + String.join(", ", NAMES) + ")");
        }
        return f;
    }

    private static List<Path> fileOrChildren(String format, Path in, String... extensions) {
        if (Files.isRegularFile(in)) {
            return List.of(in);
        }
        List<Path> files = new ArrayList<>();
        for (Path p : list(in)) {
            String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
            for (String ext : extensions) {
                if (name.endsWith(ext) && Files.isRegularFile(p)) {
                    files.add(p);
                    break;
                }
            }
        }
        if (files.isEmpty()) {
            throw new InputSpecException(
                    format + ": no " + String.join(" or ", extensions) + " files in " + in);
        }
        return files;
    }

    private static InputPlan movielens(Path in, ParseLimits limits) {
        Path folder = Files.isDirectory(in) ? in : in.getParent();
        Path data = Files.isDirectory(in) ? in.resolve("u.data") : in;
        if (!Files.isRegularFile(data)) {
            throw new InputSpecException("movielens: no u.data in " + in);
        }
        return new InputPlan(MOVIELENS, MovieLensParser.fromFolder(folder, limits), List.of(data));
    }

    private static List<Path> amazonFiles(Path in) {
        if (Files.isRegularFile(in)) {
            requirePairFolder(in.getParent());
            return List.of(in);
        }
        String name = in.getFileName() == null ? "" : in.getFileName().toString();
        if (AmazonPairParser.domainAndPair(name) != null
                && Files.isRegularFile(in.resolve("train.txt"))) {
            int u = name.indexOf('_');
            Path sibling = in.resolveSibling(name.substring(u + 1) + "_" + name.substring(0, u));
            if (!Files.isRegularFile(sibling.resolve("train.txt"))) {
                throw new InputSpecException(
                        "amazon-pair: missing the other domain of the pair: "
                                + sibling.resolve("train.txt"));
            }
            return List.of(in.resolve("train.txt"), sibling.resolve("train.txt"));
        }
        List<Path> files = new ArrayList<>();
        for (Path p : list(in)) {
            if (Files.isDirectory(p)
                    && AmazonPairParser.domainAndPair(p.getFileName().toString()) != null
                    && Files.isRegularFile(p.resolve("train.txt"))) {
                files.add(p.resolve("train.txt"));
            }
        }
        if (files.isEmpty()) {
            throw new InputSpecException("amazon-pair: no <domain>_<domain>/train.txt in " + in);
        }
        return files;
    }

    private static void requirePairFolder(Path folder) {
        String name =
                folder == null || folder.getFileName() == null
                        ? ""
                        : folder.getFileName().toString();
        if (AmazonPairParser.domainAndPair(name) == null) {
            throw new InputSpecException(
                    "amazon-pair: the file's folder must be named <domain>_<other domain>: "
                            + folder);
        }
    }

    private static List<Path> splitFiles(Path in) {
        if (!Files.isDirectory(in)) {
            throw new InputSpecException(
                    "split: needs a folder of block folders (or one block folder), got a file: "
                            + in);
        }
        List<Path> files = new ArrayList<>();
        if (Files.isRegularFile(in.resolve(SplitParser.FILES[0]))) {
            addBlock(in, files);
        } else {
            for (Path p : list(in)) {
                if (Files.isRegularFile(p.resolve(SplitParser.FILES[0]))) {
                    addBlock(p, files);
                }
            }
        }
        if (files.isEmpty()) {
            throw new InputSpecException("split: no block folder with a train.tsv in " + in);
        }
        return files;
    }

    private static void addBlock(Path block, List<Path> files) {
        for (String name : SplitParser.FILES) {
            Path p = block.resolve(name);
            if (Files.isRegularFile(p)) {
                files.add(p);
            }
        }
    }

    private static List<Path> list(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new InputSpecException("cannot list " + folder + ": " + e.getMessage());
        }
    }
}

package io.crossinterest.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry: what each format reads, and one clear error for every bad specification. */
class InputFormatsTest {

    static String error(String format, Path input) {
        InputSpecException e =
                assertThrows(InputSpecException.class, () -> InputFormats.resolve(format, input));
        assertTrue(!e.getMessage().contains("\n"), "one line");
        return e.getMessage();
    }

    @Test
    void unknownFormatNamesItAndTheKnownOnes(@TempDir Path dir) {
        assertEquals(
                "unknown format 'csv' (known: taobao, amazon-pair, douban, movielens, jsonl, split)",
                error("csv", dir));
        assertThrows(
                InputSpecException.class,
                () -> InputFormats.parser("parquet", ParseLimits.DEFAULTS));
        assertThrows(
                InputSpecException.class,
                () -> InputFormats.parser("movielens", ParseLimits.DEFAULTS));
        assertTrue(InputFormats.parser("JSONL", ParseLimits.DEFAULTS) instanceof JsonLinesParser);
    }

    @Test
    void missingPathOrFiles(@TempDir Path dir) throws IOException {
        Path nowhere = dir.resolve("nowhere.csv");
        assertEquals("input not found: " + nowhere, error("taobao", nowhere));
        assertEquals("taobao: no .csv files in " + dir, error("taobao", dir));
        assertEquals("jsonl: no .jsonl or .json files in " + dir, error("jsonl", dir));
        assertEquals("movielens: no u.data in " + dir, error("movielens", dir));
        Files.writeString(dir.resolve("u.data"), "1\t1\t5\t0\n");
        assertEquals("movielens: no u.item in " + dir, error("movielens", dir));
        assertEquals("split: no block folder with a train.tsv in " + dir, error("split", dir));
        assertTrue(error("split", dir.resolve("u.data")).startsWith("split: needs a folder"));
        assertEquals(
                "amazon-pair: no <domain>_<domain>/train.txt in " + dir, error("amazon-pair", dir));
    }

    @Test
    void amazonNeedsBothFoldersOfAPair(@TempDir Path dir) throws IOException {
        Path a = Files.createDirectories(dir.resolve("book_movie"));
        Files.writeString(a.resolve("train.txt"), "0\t1\t1\n");
        assertEquals(
                "amazon-pair: missing the other domain of the pair: "
                        + dir.resolve("movie_book/train.txt"),
                error("amazon-pair", a));
        Path b = Files.createDirectories(dir.resolve("movie_book"));
        Files.writeString(b.resolve("train.txt"), "0\t7\t1\n");
        assertEquals(
                List.of(a.resolve("train.txt"), b.resolve("train.txt")),
                InputFormats.resolve("amazon-pair", a).files());
        Path loose = Files.createDirectories(dir.resolve("loose"));
        Files.writeString(loose.resolve("train.txt"), "0\t7\t1\n");
        assertTrue(
                error("amazon-pair", loose.resolve("train.txt"))
                        .startsWith("amazon-pair: the file's folder"));
    }

    @Test
    void malformedMovieLensCatalogueIsASpecError(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("u.data"), "1\t1\t5\t0\n");
        Files.writeString(dir.resolve("u.item"), "1|Toy Story|x||url|0|1\n");
        assertTrue(error("movielens", dir).contains("expected 24 |-separated fields, got 7"));
    }

    @Test
    void folderFilesAreReadInNameOrder(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("b.csv"), "");
        Files.writeString(dir.resolve("a.csv"), "");
        Files.writeString(dir.resolve("notes.txt"), "");
        assertEquals(
                List.of(dir.resolve("a.csv"), dir.resolve("b.csv")),
                InputFormats.resolve("taobao", dir).files());
    }
}

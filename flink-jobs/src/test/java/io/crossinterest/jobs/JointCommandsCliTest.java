package io.crossinterest.jobs;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JointCommandsCliTest {

    record Run(int code, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CrossInterest.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void explainWithoutABundleIsAOneLineUsageError(@TempDir Path dir) throws Exception {
        Path history = Files.writeString(dir.resolve("h.tsv"), "7\tB001\n");
        Run r =
                cli(
                        "explain",
                        "--model",
                        dir.resolve("nope").toString(),
                        "--history",
                        history.toString(),
                        "--user",
                        "7");
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--model"), r.err());
    }

    @Test
    void explainReadsTheUsersHistoryAndRejectsMalformedLines(@TempDir Path dir) throws Exception {
        Path history =
                Files.writeString(dir.resolve("h.tsv"), "7\tB001\n8\tB002\n7\tB003\tbooks\n");
        var h = ExplainCommand.read(history, "7");
        assertEquals(2, h.itemIds.length);
        assertEquals("books", h.categoryIds[1]);
        Path bad = Files.writeString(dir.resolve("bad.tsv"), "7\tB001\nno-tab-here\n");
        UsageError e =
                Assertions.assertThrows(UsageError.class, () -> ExplainCommand.read(bad, "7"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void benchEncoderRejectsAMissingPairFolder(@TempDir Path dir) {
        Run r =
                cli(
                        "bench",
                        "encoder",
                        "--output",
                        dir.toString(),
                        "--pair-source",
                        dir.resolve("x").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--pair-source"), r.err());
    }
}

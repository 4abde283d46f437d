package io.crossinterest.jobs;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.ingest.EventJson;
import io.crossinterest.ingest.InputFormats;
import io.crossinterest.ingest.ParseLimits;
import io.crossinterest.ingest.PseudonymisingParser;
import io.crossinterest.pipeline.FileOutputs;
import io.crossinterest.profile.ProfileJson;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --pseudonymise-key FILE} on {@code backfill} (the same option as on {@code stream}): every
 * profile names the keyed pseudonym of its user and no real id; a missing or short key is a usage
 * error naming the option.
 */
class PseudonymiseCommandTest {
    private static int run(StringWriter err, String... args) {
        return CrossInterest.run(
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
    }

    @Test
    void profilesNameKeyedPseudonymsOnly(@TempDir Path dir) throws Exception {
        EventJson json = new EventJson();
        StringBuilder lines = new StringBuilder();
        Set<String> users = new TreeSet<>();
        for (int i = 0; i < 40; i++) {
            String user = "user-" + (i % 7) + "@example.com";
            users.add(user);
            lines.append(
                            json.toJson(
                                    new BehaviorEvent(
                                            user,
                                            "i" + i,
                                            "c" + (i % 3),
                                            Behavior.CLICK,
                                            1.0,
                                            1_700_000_000_000L + i * 1000L)))
                    .append('\n');
        }
        Path input = dir.resolve("in/events.jsonl");
        Files.createDirectories(input.getParent());
        Files.writeString(input, lines);
        byte[] key = "a secret of more than sixteen bytes".getBytes();
        Path keyFile = dir.resolve("key");
        Files.write(keyFile, key);
        Path out = dir.resolve("out");
        StringWriter err = new StringWriter();
        assertEquals(
                0,
                run(
                        err,
                        "backfill",
                        "--input",
                        input.toString(),
                        "--format",
                        "jsonl",
                        "--output",
                        out.toString(),
                        "--pseudonymise-key",
                        keyFile.toString()),
                err.toString());

        PseudonymisingParser names =
                new PseudonymisingParser(
                        InputFormats.parser(InputFormats.JSONL, ParseLimits.DEFAULTS), key);
        Set<String> want = new TreeSet<>();
        users.forEach(u -> want.add(names.pseudonym(u)));
        Set<String> got = new TreeSet<>();
        for (Path f : FileOutputs.finishedFiles(out, FileOutputs.PROFILES)) {
            String text = Files.readString(f);
            assertFalse(text.contains("example.com"), "no real id in " + f);
            text.lines().forEach(l -> got.add(ProfileJson.read(l).user));
        }
        assertEquals(want, got);
    }

    @Test
    void aMissingOrShortKeyIsAUsageError(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("events.jsonl");
        Files.writeString(input, "");
        Path shortKey = dir.resolve("short");
        Files.writeString(shortKey, "tiny");
        for (Path key : new Path[] {dir.resolve("none"), shortKey}) {
            StringWriter err = new StringWriter();
            assertEquals(
                    2,
                    run(
                            err,
                            "backfill",
                            "--input",
                            input.toString(),
                            "--format",
                            "jsonl",
                            "--output",
                            dir.resolve("o").toString(),
                            "--pseudonymise-key",
                            key.toString()),
                    err.toString());
            assertEquals(1, err.toString().strip().lines().count(), err.toString());
            assertTrue(err.toString().contains("--pseudonymise-key"), err.toString());
        }
    }
}

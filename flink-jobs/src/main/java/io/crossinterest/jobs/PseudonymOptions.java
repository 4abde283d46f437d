package io.crossinterest.jobs;

import io.crossinterest.ingest.PseudonymisingParser;
import io.crossinterest.ingest.RecordParser;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code --pseudonymise-key FILE}: user ids become keyed pseudonyms at the parse step ({@link
 * PseudonymisingParser}), so no state, output or log of the job holds a real id. The key is the
 * file's bytes (at least 16; e.g. {@code head -c 32 /dev/urandom > key}); it stays off the command
 * line. Use the same key for {@code backfill} and {@code stream}, or a warm start and the live
 * stream name different users.
 */
public class PseudonymOptions {
    @Option(
            names = "--pseudonymise-key",
            paramLabel = "FILE",
            description =
                    "Replace user ids by HMAC-SHA256 pseudonyms under the key in FILE (>= 16 bytes).")
    Path keyFile;

    /**
     * {@code parser}, pseudonymising when a key is given; a missing or short key file is a usage
     * error.
     */
    RecordParser wrap(RecordParser parser) {
        if (keyFile == null) {
            return parser;
        }
        byte[] key;
        try {
            key = Files.readAllBytes(keyFile);
        } catch (IOException e) {
            throw new UsageError(
                    "--pseudonymise-key: cannot read " + keyFile + ": " + e.getMessage());
        }
        if (key.length < 16) {
            throw new UsageError(
                    "--pseudonymise-key: needs at least 16 bytes, "
                            + keyFile
                            + " has "
                            + key.length);
        }
        return new PseudonymisingParser(parser, key);
    }
}

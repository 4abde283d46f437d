package io.crossinterest.jobs;

import io.crossinterest.serving.PlantedModels;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scoring options of {@code stream}: mistakes are one line naming the option, exit 2, before
 * any job starts.
 */
class StreamScoringOptionsTest {
    private static final String[] KAFKA = {
        "stream",
        "--bootstrap-servers",
        "localhost:1",
        "--input-topic",
        "events",
        "--output-topic",
        "profiles",
        "--dead-letter-topic",
        "dead"
    };

    private static String[] args(String... more) {
        String[] a = new String[KAFKA.length + more.length];
        System.arraycopy(KAFKA, 0, a, 0, KAFKA.length);
        System.arraycopy(more, 0, a, KAFKA.length, more.length);
        return a;
    }

    private static void assertUsageError(String option, String... more) {
        StringWriter err = new StringWriter();
        int code =
                CrossInterest.run(
                        new PrintWriter(new StringWriter(), true),
                        new PrintWriter(err, true),
                        args(more));
        assertEquals(2, code, err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains(option), err.toString());
    }

    @Test
    void aModelThatIsNotABundleIsNamed(@TempDir Path empty) {
        assertUsageError(
                "--model",
                "--model",
                empty.toString(),
                "--control-topic",
                "models",
                "--recommendations-topic",
                "recs");
    }

    @Test
    void aModelWhoseEncoderReadsMoreTokensThanTheProfilesKeepIsRefused() throws Exception {
        // the planted bundle windows the last 20 source tokens
        assertUsageError(
                "--sequence-length 20",
                "--model",
                PlantedModels.v1().toString(),
                "--control-topic",
                "models",
                "--recommendations-topic",
                "recs",
                "--sequence-length",
                "10");
    }

    /** The served version is the bundle's own: there is no option to give another. */
    @Test
    void theModelVersionIsNotAnOptionOfStream() throws Exception {
        assertUsageError(
                "--model-version",
                "--model",
                PlantedModels.v1().toString(),
                "--model-version",
                "1",
                "--control-topic",
                "models",
                "--recommendations-topic",
                "recs");
    }

    @Test
    void scoringNeedsItsTopics() {
        assertUsageError("--recommendations-topic", "--control-topic", "models");
        assertUsageError("--control-topic", "--recommendations-topic", "recs");
    }

    @Test
    void topNMustBePositive() {
        assertUsageError(
                "--top-n",
                "--control-topic",
                "models",
                "--recommendations-topic",
                "recs",
                "--top-n",
                "0");
    }

    @Test
    void helpListsTheScoringOptions() {
        StringWriter out = new StringWriter();
        int code =
                CrossInterest.run(
                        new PrintWriter(out, true),
                        new PrintWriter(new StringWriter(), true),
                        "stream",
                        "--help");
        assertEquals(0, code);
        for (String o :
                new String[] {"--model", "--control-topic", "--recommendations-topic", "--top-n"}) {
            assertTrue(out.toString().contains(o), o + " in\n" + out);
        }
    }
}

package io.crossinterest.jobs;

import io.crossinterest.serving.PlantedModels;
import io.crossinterest.serving.ScoringConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    /** The arguments after the command's name, as picocli hands them to {@link StreamCommand}. */
    private static String[] options(String... more) {
        return Arrays.copyOfRange(args(more), 1, KAFKA.length + more.length);
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
    void aBadScoringDelayIsNamed() {
        assertUsageError(
                "--max-scoring-delay",
                "--control-topic",
                "models",
                "--recommendations-topic",
                "recs",
                "--max-scoring-delay",
                "soon");
    }

    /**
     * The low-latency options reach the configurations {@code stream} builds its graph from: {@code
     * --emit-interval 0} the aggregator's (per-event emission), {@code --max-scoring-delay} the
     * scorer's bundle wait; the defaults stay 10 s and 200 ms.
     */
    @Test
    void theLowLatencyOptionsReachTheConfigurations() {
        StreamCommand defaults = new StreamCommand();
        new CommandLine(defaults).parseArgs(options("--recommendations-topic", "recs"));
        assertEquals(10_000, defaults.profile.config().emitIntervalMs());
        assertFalse(defaults.profile.config().emitsEveryEvent());
        assertEquals(200, defaults.scoring.config(100).maxDelayMillis);

        StreamCommand low = new StreamCommand();
        new CommandLine(low)
                .parseArgs(
                        options(
                                "--recommendations-topic",
                                "recs",
                                "--emit-interval",
                                "0",
                                "--max-scoring-delay",
                                "10ms",
                                "--buffer-timeout",
                                "5ms"));
        assertTrue(low.profile.config().emitsEveryEvent());
        assertEquals(10, low.scoring.config(100).maxDelayMillis);
        assertEquals(ScoringConfig.DEFAULT_MAX_BATCH, low.scoring.config(100).maxBatchSize);
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
                new String[] {
                    "--model",
                    "--control-topic",
                    "--recommendations-topic",
                    "--top-n",
                    "--max-scoring-delay",
                    "--emit-interval",
                    "--buffer-timeout"
                }) {
            assertTrue(out.toString().contains(o), o + " in\n" + out);
        }
    }
}

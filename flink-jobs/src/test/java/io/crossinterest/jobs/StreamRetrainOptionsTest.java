package io.crossinterest.jobs;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CF retraining options of {@code stream}: mistakes are one line naming the option, exit 2,
 * before any job.
 */
class StreamRetrainOptionsTest {
    private static final List<String> KAFKA =
            List.of(
                    "stream",
                    "--bootstrap-servers",
                    "localhost:1",
                    "--input-topic",
                    "events",
                    "--output-topic",
                    "profiles",
                    "--dead-letter-topic",
                    "dead");

    private static void assertUsageError(String option, String... more) {
        List<String> args = new ArrayList<>(KAFKA);
        args.addAll(List.of(more));
        StringWriter err = new StringWriter();
        int code =
                CrossInterest.run(
                        new PrintWriter(new StringWriter(), true),
                        new PrintWriter(err, true),
                        args.toArray(String[]::new));
        assertEquals(2, code, err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains(option), err.toString());
    }

    @Test
    void retrainingNeedsTheTargetBlockAndATopic() {
        assertUsageError(
                "--target-categories",
                "--retrain-every",
                "1000",
                "--cf-recommendations-topic",
                "cf");
        assertUsageError(
                "--cf-recommendations-topic",
                "--retrain-interval",
                "10m",
                "--target-categories",
                "phone");
    }

    @Test
    void targetOptionsWithoutATriggerAreAMistake() {
        assertUsageError(
                "--retrain-every",
                "--target-categories",
                "phone",
                "--cf-recommendations-topic",
                "cf");
    }

    @Test
    void badValuesAreNamed() {
        assertUsageError(
                "--retrain-interval",
                "--retrain-interval",
                "soon",
                "--target-categories",
                "phone",
                "--cf-recommendations-topic",
                "cf");
        assertUsageError(
                "--retrain-time",
                "--retrain-every",
                "10",
                "--retrain-time",
                "wall",
                "--target-categories",
                "phone",
                "--cf-recommendations-topic",
                "cf");
        assertUsageError("--retrain-every", "--retrain-every", "-1");
    }

    @Test
    void helpListsTheRetrainingOptions() {
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
                    "--retrain-every",
                    "--retrain-interval",
                    "--target-categories",
                    "--cf-recommendations-topic"
                }) {
            assertTrue(out.toString().contains(o), o + " in\n" + out);
        }
    }
}

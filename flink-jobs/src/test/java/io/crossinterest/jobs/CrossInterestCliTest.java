package io.crossinterest.jobs;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CrossInterestCliTest {

    /** Exit code, stdout, stderr of one invocation. */
    record Run(int code, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CrossInterest.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void unknownFlagIsOneLineAndExitTwo() {
        Run r = cli("--no-such-flag");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--no-such-flag"), r.err());
    }

    @Test
    void unknownCommandIsOneLineAndExitTwo() {
        Run r = cli("frobnicate");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("frobnicate"), r.err());
    }

    @Test
    void noCommandIsAUsageError() {
        Run r = cli();
        assertEquals(2, r.code());
        assertTrue(r.err().contains("command is required"), r.err());
    }

    @Test
    void helpListsCommandsAndExitsZero() {
        Run r = cli("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("bench"), r.out());
    }

    @Test
    void everyCommandHasHelp() {
        for (String name : CrossInterest.commandLine().getSubcommands().keySet()) {
            if (name.equals("help")) {
                continue;
            }
            Run r = cli(name, "--help");
            assertEquals(0, r.code(), name + ": " + r.err());
            assertTrue(r.out().contains("Usage"), name + ": " + r.out());
        }
    }

    @Test
    void benchStreamRejectsBadTuningFlagsInOneLine() {
        for (String[] bad :
                new String[][] {{"--mini-batch-users", "-1"}, {"--checkpoint-interval", "0"}}) {
            Run r = cli("bench", "stream", "--output", "unused", bad[0], bad[1]);
            assertEquals(2, r.code(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(bad[0]), r.err());
        }
    }

    /**
     * bench live's run choice is checked before anything starts: an unknown phase, or phases
     * without the throughput run and without a rate to run at, are one line naming the flag.
     */
    @Test
    void benchLiveRejectsBadPhasesInOneLine() {
        for (String[] bad :
                new String[][] {
                    {"--phases", "throughput,warmup"},
                    {"--phases", "latency"},
                    {"--soak-warmup-passes", "-1"}
                }) {
            Run r = cli("bench", "live", "--output", "unused", bad[0], bad[1]);
            assertEquals(2, r.code(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(bad[0]), r.err());
        }
    }
}

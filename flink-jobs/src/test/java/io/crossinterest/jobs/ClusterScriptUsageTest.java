package io.crossinterest.jobs;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/cross-interest cluster} (the script {@code bin/cross-interest-cluster}): a user's
 * mistake is one line on standard error naming the flag or path, exit code 2, and nothing started.
 * These cases fail before any JVM starts.
 */
class ClusterScriptUsageTest {
    private static Path script() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("bin/cross-interest-cluster"))) {
                return p.resolve("bin/cross-interest-cluster");
            }
        }
        throw new IllegalStateException("no bin/cross-interest-cluster above " + here);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''|missing command",
                "bogus|unknown command: bogus",
                "start --taskmanagers x|--taskmanagers: needs a positive number: x",
                "start --taskmanagers 0|--taskmanagers: needs a positive number: 0",
                "start --frob|unknown option: --frob",
                "stop --taskmanagers 2|--taskmanagers: only with start",
                "start -D no-value|-D: needs key=value: no-value",
                "status -D a=b|-D: only with start",
                "stop --dir DIR/none|--dir: no cluster in DIR/none",
                "status --dir DIR/none|--dir: no cluster in DIR/none",
                "add-taskmanager --dir DIR/none|--dir: no cluster in DIR/none",
                "start --dir DIR/file/sub|--dir: cannot create DIR/file/sub"
            })
    void aMistakeIsOneLineNamingItAndExitTwo(String args, String message, @TempDir Path tmp)
            throws Exception {
        Files.writeString(tmp.resolve("file"), "a file, not a folder");
        List<String> command = new ArrayList<>(List.of("bash", script().toString()));
        if (!args.isEmpty()) {
            Arrays.stream(args.split(" "))
                    .map(a -> a.replace("DIR", tmp.toString()))
                    .forEach(command::add);
        }
        Process p =
                new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the script returns");
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        assertEquals(2, p.exitValue(), err);
        assertEquals("", out);
        assertEquals(1, err.lines().count(), err);
        assertTrue(
                err.startsWith("cross-interest cluster: " + message.replace("DIR", tmp.toString())),
                err);
        assertFalse(Files.exists(tmp.resolve("none")), "nothing created");
    }
}

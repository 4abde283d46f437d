package io.crossinterest.jobs;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core options of {@code stream}: each mistake is one line on stderr naming the option (or the
 * bad value), exit 2, before any job is submitted (the bootstrap server below does not exist, so a
 * job would fail, not exit 2).
 */
class StreamCommandUsageTest {
    @TempDir static Path tmp;

    private static final List<String> TOPICS =
            List.of(
                    "--input-topic",
                    "events",
                    "--output-topic",
                    "profiles",
                    "--dead-letter-topic",
                    "dead");

    private static List<String> stream(String... more) {
        List<String> args =
                new ArrayList<>(List.of("stream", "--bootstrap-servers", "127.0.0.1:1"));
        args.addAll(TOPICS);
        args.addAll(List.of(more));
        return args;
    }

    static Stream<Arguments> mistakes() throws Exception {
        Path history = Files.writeString(tmp.resolve("history.csv"), "1,2,3,pv,1511658000\n");
        List<String> noBootstrap = new ArrayList<>(List.of("stream"));
        noBootstrap.addAll(TOPICS);
        return Stream.of(
                Arguments.of("--bootstrap-servers", noBootstrap),
                Arguments.of(
                        "--dead-letter-topic",
                        List.of(
                                "stream",
                                "--bootstrap-servers",
                                "127.0.0.1:1",
                                "--input-topic",
                                "events",
                                "--output-topic",
                                "profiles")),
                Arguments.of("--no-such-flag", stream("--no-such-flag")),
                Arguments.of(
                        "parquet", stream("--history", history.toString(), "--format", "parquet")),
                Arguments.of("--format", stream("--format", "taobao")),
                Arguments.of(
                        "missing.csv",
                        stream(
                                "--history",
                                tmp.resolve("missing.csv").toString(),
                                "--format",
                                "taobao")),
                Arguments.of("--parallelism", stream("--parallelism", "0")),
                Arguments.of("--parallelism", stream("--parallelism", "two")),
                Arguments.of("--checkpoint-interval", stream("--checkpoint-interval", "soon")),
                Arguments.of("--checkpoint-interval", stream("--checkpoint-interval", "0")),
                Arguments.of("--buffer-timeout", stream("--buffer-timeout", "soon")),
                Arguments.of("--buffer-timeout", stream("--buffer-timeout", "-5ms")),
                Arguments.of("--half-life", stream("--half-life", "-1d")),
                Arguments.of("--emit-interval", stream("--emit-interval", "-1s")),
                Arguments.of("--emit-interval", stream("--emit-interval", "soon")),
                Arguments.of("--weights", stream("--weights", "pv=1,teleport=2")),
                Arguments.of("--sequence-length", stream("--sequence-length", "0")),
                Arguments.of(
                        "--restore",
                        stream("--restore", tmp.resolve("no-such-savepoint").toString())),
                Arguments.of("--start-from", stream("--start-from", "latest")),
                Arguments.of("--idle-timeout", stream("--idle-timeout", "soon")),
                Arguments.of("--max-emit-delay", stream("--max-emit-delay", "-1s")),
                Arguments.of("--delivery", stream("--delivery", "exactly-twice")),
                Arguments.of("--output-timestamps", stream("--output-timestamps", "2017")),
                Arguments.of("--dead-letter-max-raw", stream("--dead-letter-max-raw", "0")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void isOneLineNamingItAndExitTwo(String named, List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                CrossInterest.run(
                        new PrintWriter(out, true),
                        new PrintWriter(err, true),
                        args.toArray(String[]::new));
        assertEquals(2, code, err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains(named), err.toString());
        assertEquals("", out.toString(), "no job started");
    }
}

package io.crossinterest.jobs;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live-page options of {@code stream}: a mistake is one line naming the option, exit 2, and no
 * job runs.
 */
class StreamUiOptionsTest {
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

    private static void assertUsageError(String option, String... more) {
        String[] a = new String[KAFKA.length + more.length];
        System.arraycopy(KAFKA, 0, a, 0, KAFKA.length);
        System.arraycopy(more, 0, a, KAFKA.length, more.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CrossInterest.run(new PrintWriter(out, true), new PrintWriter(err, true), a);
        assertEquals(2, code, err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains(option), err.toString());
        assertTrue(!out.toString().contains("running"), "no job was started: " + out);
    }

    @Test
    void aPortOutOfRangeIsNamed() {
        assertUsageError("--ui-port", "--ui-port", "70000");
        assertUsageError("--ui-port", "--ui-port", "-1");
    }

    @Test
    void bindAndRestNeedThePort() {
        assertUsageError("--ui-bind", "--ui-bind", "0.0.0.0");
        assertUsageError("--ui-flink-rest", "--ui-flink-rest", "http://localhost:8081");
    }

    @Test
    void aBadRestUrlIsNamed() {
        assertUsageError(
                "--ui-flink-rest", "--ui-port", "0", "--ui-flink-rest", "ftp://jobmanager:8081");
    }

    @Test
    void anUnknownBindAddressIsNamed() {
        assertUsageError("--ui-bind", "--ui-port", "0", "--ui-bind", "no-such-host.invalid");
    }

    @Test
    void aPortInUseIsNamedBeforeTheJobStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertUsageError("--ui-port", "--ui-port", String.valueOf(taken.getLocalPort()));
        }
    }

    @Test
    void theRestAddressComesFromTheFlinkConfigurationUnlessGiven() {
        Configuration conf = new Configuration();
        conf.set(RestOptions.ADDRESS, "jobmanager");
        conf.set(RestOptions.PORT, 9081);
        UiOptions ui = new UiOptions();
        assertEquals("http://jobmanager:9081", ui.restUrl(conf));
        assertEquals("http://localhost:8081", ui.restUrl(new Configuration()));
        ui.flinkRest = "https://flink.example:443";
        assertEquals("https://flink.example:443", ui.restUrl(conf));
    }

    @Test
    void helpListsTheLivePageOptions() {
        StringWriter out = new StringWriter();
        assertEquals(
                0,
                CrossInterest.run(
                        new PrintWriter(out, true),
                        new PrintWriter(new StringWriter(), true),
                        "stream",
                        "--help"));
        for (String o :
                new String[] {"--ui-port", "--ui-bind", "--ui-flink-rest", "--ui-max-users"}) {
            assertTrue(out.toString().contains(o), o + " in\n" + out);
        }
    }
}

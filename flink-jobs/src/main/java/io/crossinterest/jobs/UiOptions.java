package io.crossinterest.jobs;

import io.crossinterest.ui.LivePage;

import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;

/**
 * The live-page options of {@code stream} (a picocli mixin): with {@code --ui-port P} the command
 * serves a small page ({@link LivePage}) on {@code --ui-bind} (127.0.0.1 unless told otherwise)
 * while its job runs: events/s, dead letters by reason, checkpoints, the served model, latency
 * percentiles, and a user lookup over the job's output topics.
 */
public class UiOptions {
    @Option(
            names = "--ui-port",
            paramLabel = "PORT",
            description =
                    "Serve the live page on this port while the job runs (0: any free port, printed).")
    Integer port;

    @Option(
            names = "--ui-bind",
            paramLabel = "ADDRESS",
            description =
                    "Address the live page listens on (default 127.0.0.1: this machine only; "
                            + "0.0.0.0 for every interface).")
    String bind;

    @Option(
            names = "--ui-flink-rest",
            paramLabel = "URL",
            description =
                    "Flink REST API the live page reads the job's metrics from (default: rest.address and "
                            + "rest.port of the Flink configuration, e.g. http://localhost:8081).")
    String flinkRest;

    @Option(
            names = "--ui-max-users",
            paramLabel = "N",
            defaultValue = "100000",
            description =
                    "Users the live page's lookup keeps per output topic, newest first (default ${DEFAULT-VALUE}).")
    int maxUsers;

    boolean enabled() {
        return port != null;
    }

    /** One clear line per mistake (exit 2). */
    void validate() {
        if (!enabled()) {
            if (bind != null || flinkRest != null) {
                throw new UsageError(
                        (flinkRest != null ? "--ui-flink-rest" : "--ui-bind")
                                + ": only with --ui-port");
            }
            return;
        }
        if (port < 0 || port > 65535) {
            throw new UsageError("--ui-port: must be 0..65535: " + port);
        }
        if (maxUsers < 1) {
            throw new UsageError("--ui-max-users: must be >= 1: " + maxUsers);
        }
        if (flinkRest != null) {
            URI u;
            try {
                u = URI.create(flinkRest);
            } catch (IllegalArgumentException e) {
                throw new UsageError("--ui-flink-rest: not a URL: '" + flinkRest + "'");
            }
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())
                    || u.getHost() == null) {
                throw new UsageError("--ui-flink-rest: not an http(s) URL: '" + flinkRest + "'");
            }
        }
    }

    /**
     * Binds the page before the job is submitted: a bad address or a port in use is a usage error.
     */
    LivePage bind(Map<String, String> topics) {
        String host = bind == null ? "127.0.0.1" : bind;
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new UsageError("--ui-bind: unknown address '" + host + "'");
        }
        try {
            return LivePage.bind(new InetSocketAddress(address, port), topics);
        } catch (IOException e) {
            throw new UsageError(
                    "--ui-port: cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
    }

    /**
     * Starts watching the submitted job, prints the page's address, and closes the page when the
     * job ends (the page lives as long as the job).
     */
    void watch(
            LivePage page,
            JobClient job,
            ReadableConfig config,
            String bootstrapServers,
            PrintWriter out) {
        page.watch(restUrl(config), job.getJobID().toString(), bootstrapServers, maxUsers);
        String host = bind == null ? "127.0.0.1" : bind;
        out.println(
                "stream: live page on http://"
                        + (host.contains(":") ? "[" + host + "]" : host)
                        + ":"
                        + page.port()
                        + "/");
        job.getJobExecutionResult()
                .whenComplete(
                        (result, failure) -> {
                            try {
                                page.close();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
    }

    /** The REST address of the cluster the job runs on. */
    String restUrl(ReadableConfig config) {
        if (flinkRest != null) {
            return flinkRest;
        }
        String host = config.get(RestOptions.ADDRESS);
        return "http://"
                + (host == null || host.isBlank() || host.equals("0.0.0.0") ? "localhost" : host)
                + ":"
                + config.get(RestOptions.PORT);
    }
}

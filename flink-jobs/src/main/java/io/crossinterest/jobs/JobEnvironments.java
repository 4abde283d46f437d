package io.crossinterest.jobs;

import io.crossinterest.pipeline.Environments;

import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Creates the execution environment for a command. Under {@code flink run} this is the cluster's
 * context environment (the client has read {@code $FLINK_CONF_DIR} and its command line); under
 * {@code bin/cross-interest} it is an embedded cluster configured from {@code $FLINK_CONF_DIR} (the
 * repository's {@code conf/} by default). The job's own settings ({@link Environments#batch},
 * {@link Environments#streaming}, which carry the execution mode) go on top.
 */
public final class JobEnvironments {
    private JobEnvironments() {}

    public static StreamExecutionEnvironment create(Configuration jobSettings) {
        Configuration conf = new Configuration();
        String dir = System.getenv("FLINK_CONF_DIR");
        // under `flink run` the client has read the configuration directory already and put its own
        // choices on top (-m: the cluster's REST address); reading the directory again here would
        // undo them
        if (dir != null && Files.isDirectory(Path.of(dir)) && !underFlinkClient()) {
            conf.addAll(GlobalConfiguration.loadConfiguration(dir));
        }
        conf.addAll(jobSettings);
        return Environments.create(conf);
    }

    /**
     * Whether this program runs in Flink's client ({@code flink run}), which sets its context
     * environment.
     */
    static boolean underFlinkClient() {
        return StreamExecutionEnvironment.getExecutionEnvironment()
                instanceof StreamContextEnvironment;
    }
}

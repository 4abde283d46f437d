package io.crossinterest.jobs;

import io.crossinterest.pipeline.Environments;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Creates the execution environment for a command. Under {@code flink run} this is the cluster's context environment;
 * under {@code bin/cross-interest} it is an embedded cluster configured from {@code $FLINK_CONF_DIR} (the repository's
 * {@code conf/} by default), with the job's own settings ({@link Environments#batch}, {@link Environments#streaming},
 * which carry the execution mode) on top.
 */
public final class JobEnvironments {
    private JobEnvironments() {}

    public static StreamExecutionEnvironment create(Configuration jobSettings) {
        Configuration conf = new Configuration();
        String dir = System.getenv("FLINK_CONF_DIR");
        if (dir != null && Files.isDirectory(Path.of(dir))) {
            conf.addAll(GlobalConfiguration.loadConfiguration(dir));
        }
        conf.addAll(jobSettings);
        return Environments.create(conf);
    }
}

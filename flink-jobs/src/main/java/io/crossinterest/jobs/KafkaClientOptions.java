package io.crossinterest.jobs;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Kafka client properties for every Kafka source and sink of a command (and its producers):
 * security on a shared cluster ({@code security.protocol}, {@code sasl.mechanism}, {@code
 * sasl.jaas.config}, {@code ssl.truststore.location}, ...) or any other client setting. {@code
 * --kafka-config FILE} (a Java properties file, e.g. the one Kafka's own tools take with {@code
 * --command-config}) first, then each {@code --kafka-property KEY=VALUE} over it. Passwords stay
 * out of the command line with the file; the Kafka clients log password settings as {@code
 * [hidden]}.
 */
public class KafkaClientOptions {
    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description =
                    "Kafka client properties file for every Kafka source and sink (security: SASL/SSL).")
    Path file;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description =
                    "A Kafka client property for every Kafka source and sink (repeatable; over --kafka-config).")
    Map<String, String> properties = new LinkedHashMap<>();

    /**
     * The merged client properties; a missing or unreadable file is a usage error naming the
     * option.
     */
    Properties properties() {
        Properties p = new Properties();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new UsageError("--kafka-config: no such file: " + file);
            }
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new UsageError("--kafka-config: cannot read " + file + ": " + e.getMessage());
            }
        }
        properties.forEach(
                (k, v) -> {
                    if (k.isBlank()) {
                        throw new UsageError(
                                "--kafka-property: KEY=VALUE with a key, got '=" + v + "'");
                    }
                    p.setProperty(k.trim(), v);
                });
        for (String reserved : new String[] {"bootstrap.servers", "group.id", "transactional.id"}) {
            if (p.containsKey(reserved)) {
                throw new UsageError(
                        "--kafka-property: " + reserved + " is set by the command's own options");
            }
        }
        return p;
    }
}

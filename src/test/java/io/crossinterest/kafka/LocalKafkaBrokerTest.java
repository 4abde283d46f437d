package io.crossinterest.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parts of the local broker that need no broker: its cluster id and its classpath. */
class LocalKafkaBrokerTest {

    @Test
    void clusterIdsAreKafkaShapedAndNeverStartWithADash() {
        for (int i = 0; i < 10_000; i++) {
            String id = LocalKafkaBroker.clusterId();
            assertEquals(22, id.length(), id);
            assertTrue(id.charAt(0) >= 'A' && id.charAt(0) <= 'P', id);
            assertEquals(16, Base64.getUrlDecoder().decode(id).length, id);
        }
    }

    @Test
    void theBrokersClientsReplaceTheConnectorsOnTheClasspath(@TempDir Path dir) throws IOException {
        Path clients = Files.createFile(dir.resolve("kafka-clients-3.9.1.jar"));
        String cp =
                String.join(
                        File.pathSeparator,
                        "/m2/flink-core-1.20.3.jar",
                        "/m2/kafka-clients-3.4.0.jar",
                        "/m2/kafka_2.13-3.9.1.jar");
        assertEquals(
                String.join(
                        File.pathSeparator,
                        clients.toString(),
                        "/m2/flink-core-1.20.3.jar",
                        "/m2/kafka_2.13-3.9.1.jar"),
                LocalKafkaBroker.withClients(cp, clients));
        IOException missing =
                assertThrows(
                        IOException.class,
                        () -> LocalKafkaBroker.withClients(cp, dir.resolve("absent.jar")));
        assertTrue(missing.getMessage().contains("absent.jar"), missing.getMessage());
    }
}

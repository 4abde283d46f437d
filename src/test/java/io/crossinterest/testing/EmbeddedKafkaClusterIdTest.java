package io.crossinterest.testing;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The broker's cluster id must never look like a command-line flag to kafka-storage. */
class EmbeddedKafkaClusterIdTest {

    @Test
    void clusterIdsAreKafkaShapedAndNeverStartWithADash() {
        for (int i = 0; i < 10_000; i++) {
            String id = EmbeddedKafka.clusterId();
            assertEquals(22, id.length(), id);
            assertTrue(id.charAt(0) >= 'A' && id.charAt(0) <= 'P', id);
            assertEquals(16, Base64.getUrlDecoder().decode(id).length, id);
        }
    }
}

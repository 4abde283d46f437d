package io.crossinterest.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RunInfoTest {

    /** Only the heap flags are kept from the JVM's arguments: what a memory figure depends on. */
    @Test
    void theHeapFlagsAreKeptFromTheJvmArguments() {
        assertEquals(
                "-Xmx4g -Xms4g",
                RunInfo.heapFlags(
                        List.of(
                                "-Xmx4g",
                                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                                "-Xms4g")));
        assertEquals("", RunInfo.heapFlags(List.of("-XX:+UseG1GC")));
        ObjectNode run = new ObjectMapper().createObjectNode();
        RunInfo.capture("bench live", Path.of(".")).writeTo(run);
        assertEquals(
                RunInfo.heapFlags(ManagementFactory.getRuntimeMXBean().getInputArguments()),
                run.path("heap_flags").asText());
    }
}

package io.crossinterest.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RunInfoTest {

    /**
     * Only the heap flags (what a memory figure depends on) and the collector's (what a latency
     * figure depends on) are kept from the JVM's arguments.
     */
    @Test
    void theHeapAndCollectorFlagsAreKeptFromTheJvmArguments() {
        assertEquals(
                "-Xmx4g -Xms4g",
                RunInfo.heapFlags(
                        List.of(
                                "-Xmx4g",
                                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                                "-Xms4g")));
        assertEquals("", RunInfo.heapFlags(List.of("-XX:+UseG1GC")));
        assertEquals(
                "-XX:+UseG1GC -XX:MaxGCPauseMillis=20",
                RunInfo.gcFlags(
                        List.of(
                                "-Xmx4g",
                                "-XX:+UseG1GC",
                                "-XX:MaxGCPauseMillis=20",
                                "-XX:+UseNUMA")));
        ObjectNode run = new ObjectMapper().createObjectNode();
        RunInfo.capture("bench live", Path.of(".")).writeTo(run);
        assertEquals(
                RunInfo.heapFlags(ManagementFactory.getRuntimeMXBean().getInputArguments()),
                run.path("heap_flags").asText());
        assertEquals(
                RunInfo.gcFlags(ManagementFactory.getRuntimeMXBean().getInputArguments()),
                run.path("gc_flags").asText());
    }
}

package io.crossinterest.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;

/**
 * Which native BLAS/LAPACK a benchmark process really loaded: the shared libraries mapped into it
 * ({@code /proc/self/maps}: the bundled OpenBLAS under JavaCPP's cache, or the machine's {@code
 * libblas.so.3} and whatever it points to), and the thread settings those libraries read from the
 * environment.
 */
final class NativeBlasReport {
    private NativeBlasReport() {}

    /** {"loaded_libraries": [...], "OMP_NUM_THREADS": ..., "OPENBLAS_NUM_THREADS": ...}. */
    static ObjectNode capture() {
        ObjectNode n = new ObjectMapper().createObjectNode();
        ArrayNode libs = n.putArray("loaded_libraries");
        TreeSet<String> paths = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                String path = line.substring(slash);
                String name = path.substring(path.lastIndexOf('/') + 1);
                if (name.matches(
                        "lib(jni)?(open)?blas.*|liblapack.*|libnetlib.*|libmkl.*|libjniopenblas.*|libgomp.*")) {
                    paths.add(path);
                }
            }
        } catch (IOException e) {
            n.put("loaded_libraries_error", e.toString());
        }
        paths.forEach(libs::add);
        for (String v : new String[] {"OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"}) {
            String value = System.getenv(v);
            n.put(v, value == null ? "unset" : value);
        }
        return n;
    }

    /** This moment's one-minute load average of the machine. */
    static double loadAverage() {
        return Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100)
                / 100.0;
    }
}

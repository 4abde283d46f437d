package io.crossinterest.report;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Where a result file came from: the command that wrote it, the commit it ran (with {@code -dirty}
 * when the work tree had uncommitted changes), when it started, the machine and its load average at
 * the start, and the JVM's heap flags ({@code -Xmx}, {@code -Xms}: what a memory figure depends
 * on). Every result file the README's tables are made from carries one ({@code "run": {...}}).
 */
public record RunInfo(
        String command,
        String commit,
        String started,
        int cores,
        String cpu,
        String java,
        double loadAverageAtStart,
        String heapFlags,
        String gcFlags) {

    /**
     * Captures the run's provenance now, with the commit of the git work tree at {@code repoDir}.
     */
    public static RunInfo capture(String command, Path repoDir) {
        List<String> jvmArguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
        return new RunInfo(
                command,
                commit(repoDir),
                Instant.now().toString(),
                Runtime.getRuntime().availableProcessors(),
                readCpuModel(),
                System.getProperty("java.version"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                heapFlags(jvmArguments),
                gcFlags(jvmArguments));
    }

    /** The heap flags among a JVM's arguments ({@code -Xmx…}, {@code -Xms…}), space-separated. */
    static String heapFlags(List<String> jvmArguments) {
        return String.join(
                " ",
                jvmArguments.stream()
                        .filter(a -> a.startsWith("-Xmx") || a.startsWith("-Xms"))
                        .toList());
    }

    /**
     * The garbage collector's flags among a JVM's arguments (the collector, {@code
     * -XX:MaxGCPauseMillis=…} and other {@code -XX:} options naming GC): what a latency figure
     * depends on; empty for the JVM's defaults.
     */
    static String gcFlags(List<String> jvmArguments) {
        return String.join(
                " ",
                jvmArguments.stream()
                        .filter(a -> a.startsWith("-XX:") && a.toUpperCase().contains("GC"))
                        .toList());
    }

    public void writeTo(ObjectNode node) {
        node.put("command", command);
        node.put("commit", commit);
        node.put("started", started);
        node.put("cores", cores);
        node.put("cpu", cpu);
        node.put("java", java);
        node.put("load_average_at_start", Math.round(loadAverageAtStart * 100) / 100.0);
        node.put("heap_flags", heapFlags);
        node.put("gc_flags", gcFlags);
    }

    /** {@code git rev-parse HEAD} (+ {@code -dirty}), or "unknown" outside a git work tree. */
    static String commit(Path repoDir) {
        String head = git(repoDir, "rev-parse", "HEAD");
        if (head == null || head.isBlank()) {
            return "unknown";
        }
        String status = git(repoDir, "status", "--porcelain", "--untracked-files=no");
        return head.strip() + (status != null && !status.isBlank() ? "-dirty" : "");
    }

    private static String git(Path dir, String... args) {
        try {
            List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String readCpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.toLowerCase(Locale.ROOT).startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }
}

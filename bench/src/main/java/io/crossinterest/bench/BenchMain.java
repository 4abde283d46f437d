package io.crossinterest.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Benchmarks of Cross-Interest against reference systems (not tests): {@code bench als --vs spark
 * ...}.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        subcommands = {AlsBench.class},
        description = "Benchmarks (noisy, not tests). See bench/README.md.")
public final class BenchMain {
    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new BenchMain());
        cl.setParameterExceptionHandler(
                (ex, a) -> {
                    System.err.println(ex.getMessage());
                    return 2;
                });
        System.exit(cl.execute(args));
    }
}

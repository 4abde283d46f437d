package io.crossinterest.jobs;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code cross-interest bench <what>}: benchmarks. Not tests: they time things, print ratios
 * measured side by side in one run and write a JSON file. {@code bench als --vs spark} lives in the
 * separate {@code bench} module (Spark is never in the job jar); {@code bin/cross-interest} routes
 * it there.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks (stream, live, encoder; als via bin/cross-interest).",
        subcommands = {
            CommandLine.HelpCommand.class,
            BenchEncoderCommand.class,
            BenchStreamCommand.class,
            BenchLiveCommand.class
        })
public class BenchCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "which benchmark? (see --help)");
    }
}

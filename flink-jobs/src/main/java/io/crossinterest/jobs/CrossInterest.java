package io.crossinterest.jobs;

import io.crossinterest.ingest.InputSpecException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The {@code cross-interest} command line: the entry point of the job jar, for {@code
 * bin/cross-interest} (embedded Flink cluster) and for {@code flink run cross-interest-jobs.jar
 * <command> ...} (a Flink cluster).
 *
 * <p>Exit codes: 0 success; 1 the work failed (message on stderr; the stack trace too with {@code
 * CROSS_INTEREST_DEBUG=1}); 2 a usage problem (bad flag, missing file, unknown format), reported as
 * one line naming it.
 */
@Command(
        name = "cross-interest",
        mixinStandardHelpOptions = true,
        versionProvider = CrossInterest.Version.class,
        description = "Cross-category user interest mapping on Apache Flink.",
        subcommands = {
            CommandLine.HelpCommand.class,
            BenchCommand.class,
            EvaluateCommand.class,
            ExplainCommand.class,
            TrainCommand.class,
            DemoCommand.class,
            BackfillCommand.class,
            StreamCommand.class,
            ExportMatrixCommand.class,
            ResultsCommand.class,
            RetrainCommand.class
        })
public class CrossInterest implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @Spec CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "a command is required (see --help)");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line and returns the exit code (tests call this instead of {@link #main}).
     */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** As {@link #run(String...)} with the given output streams. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /** The configured command line: one-line usage errors (exit 2), one-line failures (exit 1). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new CrossInterest());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler(
                (ex, args) -> {
                    PrintWriter err = ex.getCommandLine().getErr();
                    err.println(prefix(ex.getCommandLine()) + ex.getMessage());
                    err.flush();
                    return EXIT_USAGE;
                });
        cl.setExecutionExceptionHandler(
                (ex, cmd, parseResult) -> {
                    PrintWriter err = cmd.getErr();
                    Throwable usage = findUsageError(ex);
                    if (usage != null) {
                        err.println(prefix(cmd) + usage.getMessage());
                        err.flush();
                        return EXIT_USAGE;
                    }
                    err.println(prefix(cmd) + "failed: " + rootMessage(ex));
                    if (debug()) {
                        ex.printStackTrace(err);
                    } else {
                        err.println("(set CROSS_INTEREST_DEBUG=1 for the stack trace)");
                    }
                    err.flush();
                    return EXIT_FAILURE;
                });
        return cl;
    }

    private static String prefix(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName() + ": ";
    }

    /**
     * A user's mistake anywhere in the cause chain (Flink wraps exceptions thrown inside jobs): a
     * {@link UsageError} or an {@link InputSpecException} (unknown format, missing input path).
     */
    private static Throwable findUsageError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof UsageError || c instanceof InputSpecException) {
                return c;
            }
        }
        return null;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        return root.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }

    private static boolean debug() {
        String v = System.getenv("CROSS_INTEREST_DEBUG");
        return v != null
                && !v.isEmpty()
                && !"0".equals(v)
                && !"false".equals(v.toLowerCase(Locale.ROOT));
    }

    /** Version from the jar manifest (set by Maven), or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = CrossInterest.class.getPackage().getImplementationVersion();
            return new String[] {"cross-interest " + (v == null ? "dev" : v)};
        }
    }
}

package io.crossinterest.jobs;

import io.crossinterest.report.ResultTables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code cross-interest results [--check]}: makes the README's result tables from the committed result files
 * ({@link ResultTables}) and writes them into README.md, or with {@code --check} only says which tables differ from
 * the files (exit 1).
 */
@Command(name = "results", mixinStandardHelpOptions = true,
        description = "Regenerate the README's result tables from results/ and bench/results/ (or --check them).")
public class ResultsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--repo", description = "the checkout (default: the launcher's)")
    Path repo;

    @Option(names = "--check", description = "do not write; exit 1 when a table differs from the files")
    boolean check;

    @Override
    public Integer call() throws IOException {
        Path root = repo != null ? repo : Path.of(System.getProperty("cross-interest.home", "."));
        Path readme = root.resolve("README.md");
        if (!Files.isRegularFile(readme)) {
            throw new UsageError("--repo: no README.md in " + root.toAbsolutePath());
        }
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        ResultTables tables = new ResultTables(root);
        List<String> differ = tables.differences(text);
        if (check) {
            if (differ.isEmpty()) {
                spec.commandLine().getOut().println("results: the README's tables equal the result files");
                return CrossInterest.EXIT_OK;
            }
            spec.commandLine().getErr().println("results: these README tables differ from the result files: "
                    + String.join(", ", differ) + " (run `bin/cross-interest results`)");
            return CrossInterest.EXIT_FAILURE;
        }
        Files.writeString(readme, tables.render(text), StandardCharsets.UTF_8);
        spec.commandLine().getOut().println("results: " + (differ.isEmpty() ? "README.md already current"
                : "rewrote " + String.join(", ", differ) + " in README.md"));
        return CrossInterest.EXIT_OK;
    }
}

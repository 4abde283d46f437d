package io.crossinterest.jobs;

import io.crossinterest.report.ResultTables;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code cross-interest results [--check]}: makes the README's result tables from the committed
 * result files ({@link ResultTables}) and writes them into README.md, or with {@code --check} only
 * says which tables differ from the files (exit 1).
 */
@Command(
        name = "results",
        mixinStandardHelpOptions = true,
        description =
                "Regenerate the README's result tables from results/ and bench/results/ (or --check them).")
public class ResultsCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--repo", description = "the checkout (default: the launcher's)")
    Path repo;

    @Option(
            names = "--check",
            description = "do not write; exit 1 when a table differs from the files")
    boolean check;

    /** The files whose marked tables are made from the result files. */
    public static final List<String> PAGES = List.of("README.md", "docs/results.md");

    @Override
    public Integer call() throws IOException {
        Path root = repo != null ? repo : Path.of(System.getProperty("cross-interest.home", "."));
        if (!Files.isRegularFile(root.resolve("README.md"))) {
            throw new UsageError("--repo: no README.md in " + root.toAbsolutePath());
        }
        ResultTables tables = new ResultTables(root);
        boolean current = true;
        for (String page : PAGES) {
            Path file = root.resolve(page);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            List<String> differ = tables.differences(text);
            current &= differ.isEmpty();
            if (check) {
                if (!differ.isEmpty()) {
                    spec.commandLine()
                            .getErr()
                            .println(
                                    "results: these tables of "
                                            + page
                                            + " differ from the result"
                                            + " files: "
                                            + String.join(", ", differ)
                                            + " (run `bin/cross-interest results`)");
                }
            } else if (!differ.isEmpty()) {
                Files.writeString(file, tables.render(text), StandardCharsets.UTF_8);
                spec.commandLine()
                        .getOut()
                        .println("results: rewrote " + String.join(", ", differ) + " in " + page);
            }
        }
        if (current) {
            spec.commandLine().getOut().println("results: the tables equal the result files");
        }
        return check && !current ? CrossInterest.EXIT_FAILURE : CrossInterest.EXIT_OK;
    }
}

package io.crossinterest.jobs;

import io.crossinterest.matrix.CategoryMatrix;
import io.crossinterest.matrix.MatrixExport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code export-matrix}: the user × category matrix O from profiles (a backfill's output folder or
 * a JSON-lines file) as sparse TSV {@code user, category, value, imputed}, optionally with missing
 * entries imputed (column mean, or the similarity-weighted mean of the k nearest users by cosine).
 */
@Command(
        name = "export-matrix",
        mixinStandardHelpOptions = true,
        description =
                "Export the user x category matrix O (sparse TSV) from profiles, with optional imputation.")
public class ExportMatrixCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--profiles",
            required = true,
            paramLabel = "DIR|FILE",
            description = "Profiles: a backfill's --output folder or a JSON-lines file.")
    Path profiles;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "FILE",
            description = "TSV file to write.")
    Path output;

    @Option(
            names = "--impute",
            defaultValue = "none",
            description =
                    "none, mean (column mean; dense output) or knn (default ${DEFAULT-VALUE}).")
    String impute;

    @Option(
            names = "--k",
            defaultValue = "20",
            description = "Neighbours for --impute knn (default ${DEFAULT-VALUE}).")
    int k;

    @Override
    public Integer call() throws Exception {
        MatrixExport.Method method;
        try {
            method = MatrixExport.Method.parse(impute);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--impute: " + e.getMessage());
        }
        if (k < 1) {
            throw new UsageError("--k: must be >= 1: " + k);
        }
        if (!Files.exists(profiles)) {
            throw new UsageError("--profiles: no such file or folder: " + profiles);
        }
        CategoryMatrix o;
        try {
            o = CategoryMatrix.readProfiles(profiles);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--profiles: " + e.getMessage());
        }
        if (o.users.size() == 0) {
            throw new UsageError("--profiles: no profiles in " + profiles);
        }
        if (output.getParent() != null) {
            Files.createDirectories(output.getParent());
        }
        MatrixExport.Counts counts;
        try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            counts = MatrixExport.write(o, method, k, w);
        }
        spec.commandLine()
                .getOut()
                .printf(
                        Locale.ROOT,
                        "export-matrix: %d users x %d categories, %d observed + %d imputed (%s) entries -> %s%n",
                        o.users.size(),
                        o.categories.size(),
                        counts.observed,
                        counts.imputed,
                        method.name().toLowerCase(Locale.ROOT),
                        output);
        spec.commandLine().getOut().flush();
        return CrossInterest.EXIT_OK;
    }
}

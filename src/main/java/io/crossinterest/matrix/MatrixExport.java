package io.crossinterest.matrix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Locale;

/**
 * Writes O as sparse TSV: a header {@code user category value imputed}, then one line per entry,
 * rows in user order and categories in column order within a row; {@code imputed} is 1 for an
 * estimate, 0 for an observed entry. Values are written with full double precision ({@link
 * Double#toString}).
 */
public final class MatrixExport {
    public static final String HEADER = "user\tcategory\tvalue\timputed";

    /** How missing entries are filled (see {@link Imputation}). */
    public enum Method {
        NONE,
        MEAN,
        KNN;

        public static Method parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "unknown imputation '" + s + "' (none, mean, knn)");
            }
        }
    }

    /** Entries written. */
    public static final class Counts {
        public long observed;
        public long imputed;
    }

    private MatrixExport() {}

    public static Counts write(CategoryMatrix m, Method method, int k, Writer out)
            throws IOException {
        Counts counts = new Counts();
        out.write(HEADER);
        out.write('\n');
        Imputation.EntrySink sink =
                (u, c, v, imputed) -> {
                    try {
                        out.write(m.users.id(u));
                        out.write('\t');
                        out.write(m.categories.id(c));
                        out.write('\t');
                        out.write(Double.toString(v));
                        out.write(imputed ? "\t1\n" : "\t0\n");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    if (imputed) {
                        counts.imputed++;
                    } else {
                        counts.observed++;
                    }
                };
        try {
            switch (method) {
                case NONE:
                    Imputation.none(m.values, sink);
                    break;
                case MEAN:
                    Imputation.mean(m.values, sink);
                    break;
                case KNN:
                    Imputation.knn(m.values, k, sink);
                    break;
                default:
                    throw new IllegalStateException(method.name());
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return counts;
    }
}

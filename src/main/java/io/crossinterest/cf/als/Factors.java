package io.crossinterest.cf.als;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A dense factor matrix: {@code numRows} rows of length {@code rank}, row-major in one {@code
 * double[]} (row r is {@code data[r*rank .. (r+1)*rank)}, which is also the column-major k × n
 * layout BLAS reads with leading dimension k).
 */
public final class Factors implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int numRows;
    private final int rank;
    private final double[] data;

    public Factors(int numRows, int rank, double[] data) {
        if (data.length != (long) numRows * rank) {
            throw new IllegalArgumentException(
                    "factor array has "
                            + data.length
                            + " values, expected "
                            + numRows
                            + " x "
                            + rank);
        }
        this.numRows = numRows;
        this.rank = rank;
        this.data = data;
    }

    public static Factors zeros(int numRows, int rank) {
        return new Factors(numRows, rank, new double[numRows * rank]);
    }

    /**
     * Random initial factors as Spark MLlib draws them: each row a standard normal vector scaled to
     * unit length. Row r depends only on (seed, side, r), so any partitioning of the rows draws the
     * same matrix.
     */
    public static Factors random(int numRows, int rank, long seed, int side) {
        double[] d = new double[numRows * rank];
        for (int r = 0; r < numRows; r++) {
            initRow(d, r * rank, rank, seed, side, r);
        }
        return new Factors(numRows, rank, d);
    }

    /**
     * Fills {@code out[off .. off+rank)} with the initial factor of row {@code row} of {@code
     * side}.
     */
    static void initRow(double[] out, int off, int rank, long seed, int side, long row) {
        SplittableRandom rnd = new SplittableRandom(mix(seed, side, row));
        for (int j = 0; j < rank; j++) {
            out[off + j] = rnd.nextGaussian();
        }
        double norm = AlsKernels.JAVA_BLAS.dnrm2(rank, out, off, 1);
        AlsKernels.JAVA_BLAS.dscal(rank, 1.0 / norm, out, off, 1);
    }

    private static long mix(long seed, int side, long row) {
        long z =
                seed * 0x9E3779B97F4A7C15L + side * 0xBF58476D1CE4E5B9L + row * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public int numRows() {
        return numRows;
    }

    public int rank() {
        return rank;
    }

    /** The backing array (row-major); not a copy. */
    public double[] data() {
        return data;
    }

    /** A copy of row r. */
    public double[] row(int r) {
        return Arrays.copyOfRange(data, r * rank, (r + 1) * rank);
    }

    /** Offset of row r in {@link #data()}. */
    public int offset(int r) {
        return r * rank;
    }

    /** x_r · y_c with y from {@code other}: the predicted preference of (r, c). */
    public double dot(int r, Factors other, int c) {
        return AlsKernels.JAVA_BLAS.ddot(rank, data, r * rank, 1, other.data, c * rank, 1);
    }

    /** out[c] = x_r · y_c for every row c of {@code other}: scores = Y x_r (one dgemv). */
    public void scoreAll(int r, Factors other, double[] out) {
        // Y is column-major k × m with ld k, so Yᵀ-as-stored times x: dgemv("T") gives m dot
        // products
        AlsKernels.JAVA_BLAS.dgemv(
                "T",
                rank,
                other.numRows,
                1.0,
                other.data,
                0,
                rank,
                data,
                r * rank,
                1,
                0.0,
                out,
                0,
                1);
    }

    /** A deep copy. */
    public Factors copy() {
        return new Factors(numRows, rank, data.clone());
    }

    /**
     * Rows [from, from + n) as their own factors, e.g. the source or the target items of a
     * collective factorisation ({@link io.crossinterest.data.InteractionMatrix#concatenate}).
     */
    public Factors rows(int from, int n) {
        double[] d = new double[n * rank];
        System.arraycopy(data, from * rank, d, 0, n * rank);
        return new Factors(n, rank, d);
    }
}

package io.crossinterest.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A sparse user × item matrix of interaction strengths r_ui ≥ 0 in compressed sparse row (CSR)
 * form: the items of user u are {@code cols[rowPtr[u] .. rowPtr[u+1])} with values {@code
 * values[...]}, sorted by item within each row. Rows are users and columns items by convention;
 * {@link #transpose()} gives the item × user view that the item half-step of ALS reads.
 *
 * <p>Immutable once built; build with {@link Builder}, which sums duplicate (u, i) entries.
 */
public final class InteractionMatrix implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int numRows;
    private final int numCols;
    private final int[] rowPtr;
    private final int[] cols;
    private final double[] values;

    public InteractionMatrix(int numRows, int numCols, int[] rowPtr, int[] cols, double[] values) {
        if (rowPtr.length != numRows + 1
                || cols.length != values.length
                || rowPtr[numRows] != cols.length) {
            throw new IllegalArgumentException("inconsistent CSR arrays");
        }
        this.numRows = numRows;
        this.numCols = numCols;
        this.rowPtr = rowPtr;
        this.cols = cols;
        this.values = values;
    }

    public int numRows() {
        return numRows;
    }

    public int numCols() {
        return numCols;
    }

    /** Number of stored (non-zero) entries. */
    public int nnz() {
        return cols.length;
    }

    public int rowStart(int row) {
        return rowPtr[row];
    }

    public int rowEnd(int row) {
        return rowPtr[row + 1];
    }

    public int rowLength(int row) {
        return rowPtr[row + 1] - rowPtr[row];
    }

    /** Column index of stored entry {@code k} (k in [rowStart, rowEnd)). */
    public int col(int k) {
        return cols[k];
    }

    public double value(int k) {
        return values[k];
    }

    /** r_{row,col}, 0 when not stored. Binary search within the row. */
    public double get(int row, int col) {
        int k = Arrays.binarySearch(cols, rowPtr[row], rowPtr[row + 1], col);
        return k >= 0 ? values[k] : 0.0;
    }

    public int[] rowPtr() {
        return rowPtr;
    }

    public int[] cols() {
        return cols;
    }

    public double[] values() {
        return values;
    }

    /** The item × user view (CSC of this matrix), with sorted rows. O(nnz). */
    public InteractionMatrix transpose() {
        int[] tPtr = new int[numCols + 1];
        for (int c : cols) {
            tPtr[c + 1]++;
        }
        for (int c = 0; c < numCols; c++) {
            tPtr[c + 1] += tPtr[c];
        }
        int[] next = Arrays.copyOf(tPtr, numCols);
        int[] tCols = new int[cols.length];
        double[] tVals = new double[cols.length];
        for (int r = 0;
                r < numRows;
                r++) { // rows visited in order, so each transposed row comes out sorted
            for (int k = rowPtr[r]; k < rowPtr[r + 1]; k++) {
                int p = next[cols[k]]++;
                tCols[p] = r;
                tVals[p] = values[k];
            }
        }
        return new InteractionMatrix(numCols, numRows, tPtr, tCols, tVals);
    }

    /**
     * [w·S | T], the same users' rows side by side: {@code source}'s items keep their column
     * (values scaled by {@code sourceWeight}), target item i becomes column source.numCols() + i.
     * What collective factorisation (CMF, the joint model's collective CF space) fits.
     */
    public static InteractionMatrix concatenate(
            InteractionMatrix source, InteractionMatrix target, double sourceWeight) {
        Builder b = new Builder(source.numRows(), source.numCols() + target.numCols());
        for (int u = 0; u < source.numRows(); u++) {
            for (int k = source.rowStart(u); k < source.rowEnd(u); k++) {
                b.add(u, source.col(k), sourceWeight * source.value(k));
            }
            for (int k = target.rowStart(u); k < target.rowEnd(u); k++) {
                b.add(u, source.numCols() + target.col(k), target.value(k));
            }
        }
        return b.build();
    }

    /** Collects (row, col, value) triples; duplicates are summed. */
    public static final class Builder {
        private int numRows;
        private int numCols;
        private int n;
        private int[] rs = new int[1024];
        private int[] cs = new int[1024];
        private double[] vs = new double[1024];

        /** Fixes the shape; rows/cols seen beyond it grow it. */
        public Builder(int numRows, int numCols) {
            this.numRows = numRows;
            this.numCols = numCols;
        }

        public Builder add(int row, int col, double value) {
            if (row < 0 || col < 0) {
                throw new IllegalArgumentException("negative index (" + row + ", " + col + ")");
            }
            if (n == rs.length) {
                rs = Arrays.copyOf(rs, 2 * n);
                cs = Arrays.copyOf(cs, 2 * n);
                vs = Arrays.copyOf(vs, 2 * n);
            }
            rs[n] = row;
            cs[n] = col;
            vs[n] = value;
            n++;
            numRows = Math.max(numRows, row + 1);
            numCols = Math.max(numCols, col + 1);
            return this;
        }

        public InteractionMatrix build() {
            // counting sort by row, then sort each row by column and merge duplicates
            int[] ptr = new int[numRows + 1];
            for (int k = 0; k < n; k++) {
                ptr[rs[k] + 1]++;
            }
            for (int r = 0; r < numRows; r++) {
                ptr[r + 1] += ptr[r];
            }
            int[] next = Arrays.copyOf(ptr, numRows);
            long[] packed = new long[n]; // (col << 32 | original position) sorts a row by column
            for (int k = 0; k < n; k++) {
                packed[next[rs[k]]++] = ((long) cs[k] << 32) | k;
            }
            int[] outPtr = new int[numRows + 1];
            int[] outCols = new int[n];
            double[] outVals = new double[n];
            int m = 0;
            for (int r = 0; r < numRows; r++) {
                Arrays.sort(packed, ptr[r], ptr[r + 1]);
                int last = -1;
                for (int p = ptr[r]; p < ptr[r + 1]; p++) {
                    int c = (int) (packed[p] >>> 32);
                    int k = (int) packed[p];
                    if (c == last) {
                        outVals[m - 1] += vs[k];
                    } else {
                        outCols[m] = c;
                        outVals[m] = vs[k];
                        m++;
                        last = c;
                    }
                }
                outPtr[r + 1] = m;
            }
            return new InteractionMatrix(
                    numRows, numCols, outPtr, Arrays.copyOf(outCols, m), Arrays.copyOf(outVals, m));
        }
    }
}

package io.crossinterest.cf.als;

/** The dense reference solves the ALS tests compare the BLAS kernels against. */
final class DenseReference {
    private DenseReference() {}

    /**
     * Solves the k × k system held in the augmented k × (k + 1) matrix {@code a} (right-hand side
     * in column k) by Gauss-Jordan elimination with partial pivoting; {@code a} is overwritten.
     */
    static double[] solve(double[][] a, int k) {
        for (int col = 0; col < k; col++) {
            int piv = col;
            for (int row = col + 1; row < k; row++) {
                if (Math.abs(a[row][col]) > Math.abs(a[piv][col])) {
                    piv = row;
                }
            }
            double[] tmp = a[col];
            a[col] = a[piv];
            a[piv] = tmp;
            for (int row = 0; row < k; row++) {
                if (row != col) {
                    double f = a[row][col] / a[col][col];
                    for (int c2 = col; c2 <= k; c2++) {
                        a[row][c2] -= f * a[col][c2];
                    }
                }
            }
        }
        double[] x = new double[k];
        for (int d = 0; d < k; d++) {
            x[d] = a[d][k] / a[d][d];
        }
        return x;
    }

    static double[][] rows(Factors f) {
        double[][] out = new double[f.numRows()][];
        for (int r = 0; r < f.numRows(); r++) {
            out[r] = f.row(r);
        }
        return out;
    }
}

package io.crossinterest.joint;

import io.crossinterest.data.InteractionMatrix;

import java.util.Arrays;
import java.util.Random;

/**
 * Test-only implicit ALS (Hu, Koren, Volinsky 2008) with dense Cholesky solves, to give the joint
 * model's tests and the measuring harness CF factors of a target block: for each row, (YᵀY + Yᵀ(C_u
 * − I)Y + λI) x_u = Yᵀ C_u p_u with c_ui = 1 + α r_ui, p_ui = 1.
 */
final class QuickAls {
    private QuickAls() {}

    static CfFactors fit(
            InteractionMatrix r, int rank, int iterations, double lambda, double alpha, long seed) {
        Random rnd = new Random(seed);
        double[] x = new double[r.numRows() * rank];
        double[] y = new double[r.numCols() * rank];
        for (int i = 0; i < y.length; i++) {
            y[i] = rnd.nextGaussian() * 0.1;
        }
        InteractionMatrix rt = r.transpose();
        for (int it = 0; it < iterations; it++) {
            halfStep(r, y, x, rank, lambda, alpha);
            halfStep(rt, x, y, rank, lambda, alpha);
        }
        return new CfFactors(rank, r.numRows(), r.numCols(), x, y);
    }

    private static void halfStep(
            InteractionMatrix r, double[] fixed, double[] out, int k, double lambda, double alpha) {
        int nFixed = fixed.length / k;
        double[] yty = new double[k * k];
        for (int v = 0; v < nFixed; v++) {
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    yty[a * k + b] += fixed[v * k + a] * fixed[v * k + b];
                }
            }
        }
        double[] m = new double[k * k];
        double[] rhs = new double[k];
        for (int u = 0; u < r.numRows(); u++) {
            System.arraycopy(yty, 0, m, 0, k * k);
            Arrays.fill(rhs, 0);
            for (int e = r.rowStart(u); e < r.rowEnd(u); e++) {
                int v = r.col(e);
                double c = 1 + alpha * r.value(e);
                for (int a = 0; a < k; a++) {
                    double ya = fixed[v * k + a];
                    rhs[a] += c * ya;
                    for (int b = 0; b < k; b++) {
                        m[a * k + b] += (c - 1) * ya * fixed[v * k + b];
                    }
                }
            }
            for (int a = 0; a < k; a++) {
                m[a * k + a] += lambda;
            }
            cholSolve(m, rhs, k);
            System.arraycopy(rhs, 0, out, u * k, k);
        }
    }

    /** Solves m x = b in place (b becomes x) for symmetric positive definite m. */
    private static void cholSolve(double[] m, double[] b, int k) {
        for (int j = 0; j < k; j++) {
            double s = m[j * k + j];
            for (int p = 0; p < j; p++) {
                s -= m[j * k + p] * m[j * k + p];
            }
            double d = Math.sqrt(s);
            m[j * k + j] = d;
            for (int i = j + 1; i < k; i++) {
                double t = m[i * k + j];
                for (int p = 0; p < j; p++) {
                    t -= m[i * k + p] * m[j * k + p];
                }
                m[i * k + j] = t / d;
            }
        }
        for (int i = 0; i < k; i++) {
            double t = b[i];
            for (int p = 0; p < i; p++) {
                t -= m[i * k + p] * b[p];
            }
            b[i] = t / m[i * k + i];
        }
        for (int i = k - 1; i >= 0; i--) {
            double t = b[i];
            for (int p = i + 1; p < k; p++) {
                t -= m[p * k + i] * b[p];
            }
            b[i] = t / m[i * k + i];
        }
    }
}

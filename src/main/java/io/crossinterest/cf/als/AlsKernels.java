package io.crossinterest.cf.als;

import io.crossinterest.data.InteractionMatrix;

import dev.ludovic.netlib.BLAS;
import dev.ludovic.netlib.JavaBLAS;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.openblas.presets.openblas_nolapack;

import java.util.Arrays;

/**
 * The numerical core of ALS, shared by the in-process solver ({@link ImplicitAls}) and the
 * distributed Flink job ({@link Als}): one half-step solves, for every row u of R (users, or items
 * with Rᵀ), a ridge problem in x_u.
 *
 * <p><b>Implicit feedback</b> ({@link AlsConfig#implicit}, the default), over all cells of the row:
 *
 * <pre>
 *   x_u = argmin_x Σ_i c_ui (p_ui − xᵀy_i)² + λ_u‖x‖²,   c_ui = 1 + α|r_ui|,  p_ui = [r_ui &gt; 0]
 *   ⇔ (YᵀC_uY + λ_u I) x_u = YᵀC_u p(u)
 *   with YᵀC_uY = YᵀY + Yᵀ(C_u − I)Y = G + Σ_{i∈u} (c_ui − 1) y_i y_iᵀ     (Hu, Koren, Volinsky 2008)
 * </pre>
 *
 * G = YᵀY is computed once per half-step (O(n·k²)), so a row only touches its own n_u interactions:
 * O(n_u·k²) to form its matrix plus O(k³) for the Cholesky solve, or O(cgSteps·(k² + n_u·k)) for
 * conjugate gradient, which applies A·v = G·v + Σ_{i∈u} (c_ui − 1)(y_i·v) y_i + λ_u v without
 * forming A.
 *
 * <p><b>Explicit ratings</b> ({@code implicit = false}), over the row's observed cells only (no
 * confidence, no G):
 *
 * <pre>
 *   x_u = argmin_x Σ_{i∈u} (r_ui − xᵀy_i)² + λ_u‖x‖²
 *   ⇔ (Y_uᵀY_u + λ_u I) x_u = Y_uᵀ r_u,   Y_u = the n_u × k rows y_i of the row's observed items
 * </pre>
 *
 * The same code paths with the per-interaction weights set to w_ui = 1 (in place of c_ui − 1),
 * right-hand-side coefficients r_ui (in place of p_ui·c_ui) and G = 0. λ_u is λ, or λ·n_u with n_u
 * the row's observed ratings for {@link AlsConfig.Regularization#WEIGHTED} (ALS-WR, Zhou et al.
 * 2008, as for implicit with n_u its positives).
 *
 * <p>Layouts: factor matrices are row-major n × k, i.e. column-major k × n with leading dimension
 * k, which is how they are handed to BLAS. Rows are processed in chunks of {@link #CHUNK}
 * consecutive rows; a chunk's result depends only on its inputs, so the outcome is the same for any
 * number of threads or any assignment of chunks to threads.
 *
 * <p>BLAS: the level-3 and LAPACK work (Gram matrices, G·P for a chunk of CG directions, dsyrk,
 * dposv) goes to the OpenBLAS that ND4J bundles (through JavaCPP, on off-heap buffers), pinned to
 * one thread; the per-row level-1/2 work on a handful of interactions (dgemv, ddot, daxpy) always
 * runs on the JVM ({@link #JAVA_BLAS}: dev.ludovic.netlib's {@link JavaBLAS}, vectorised when
 * {@code jdk.incubator.vector} is present), where a call costs no JNI transition. Never {@code
 * BLAS.getInstance()}: that returns the machine's {@code libblas.so.3} through JNI whenever one is
 * installed, and with Debian's OpenMP OpenBLAS behind it the same ALS ran 2.2x slower on the 2.2M
 * power-law matrix (rank 64), and as slow with {@code OMP_NUM_THREADS=1}: the cost is the JNI call
 * itself (transition, array pinning) on calls of a few hundred flops, millions of them per
 * half-step, not the library's threads. So the kernels' speed does not depend on which BLAS the
 * machine has (bench/README.md).
 */
final class AlsKernels {
    /** Rows per chunk of a half-step (the unit of work and of batching the CG's G·P product). */
    static final int CHUNK = 128;

    /**
     * Rows per partial Gram matrix; partials are summed in order, so G is the same for any thread
     * count.
     */
    static final int GRAM_CHUNK = 4096;

    /**
     * The level-1/2 BLAS of the per-row work: the pure-JVM implementation (VectorBLAS with the
     * vector module, else Java11BLAS), whatever native library the machine has.
     */
    static final BLAS JAVA_BLAS = JavaBLAS.getInstance();

    static {
        // ALS parallelises over rows and hands OpenBLAS small problems (k × k factorisations, k ×
        // 64-column GEMMs); OpenBLAS's own thread pool only contends with the ALS workers there
        // (measured: dposv-bound half-steps take 2x the CPU time with the default pool).
        // Process-wide setting; ND4J sets its own on initialisation.
        openblas_nolapack.blas_set_num_threads(1);
    }

    private AlsKernels() {}

    /** The level-1/2 BLAS implementation the kernels use (for logs and benchmark reports). */
    static String blasName() {
        return JAVA_BLAS.getClass().getName();
    }

    /** dst += src, element-wise (partial Gram matrices), on the JVM. */
    static void addInto(double[] src, double[] dst) {
        JAVA_BLAS.daxpy(dst.length, 1.0, src, 1, dst, 1);
    }

    /**
     * out += Σ_{r∈[from,to)} f_r f_rᵀ = F_[from,to)ᵀ F_[from,to): one OpenBLAS dgemm M·Mᵀ on the
     * column-major k × n view M of the rows (copied off-heap), the full symmetric k × k result.
     */
    static void addGram(double[] f, int from, int to, int k, double[] out) {
        int n = to - from;
        if (n == 0) {
            return;
        }
        try (DoublePointer m = new DoublePointer((long) n * k);
                DoublePointer g = new DoublePointer(out)) {
            m.put(f, from * k, n * k);
            openblas.cblas_dgemm(
                    openblas.CblasColMajor,
                    openblas.CblasNoTrans,
                    openblas.CblasTrans,
                    k,
                    k,
                    n,
                    1.0,
                    m,
                    k,
                    m,
                    k,
                    1.0,
                    g,
                    k);
            g.get(out, 0, k * k);
        }
    }

    /**
     * Per-thread scratch space, grown on demand: Java arrays for the per-row work and off-heap
     * buffers for the OpenBLAS calls (G, the k × k system and the chunk's CG directions live there
     * without per-call copies). Close it to free the off-heap memory.
     */
    static final class Workspace implements AutoCloseable {
        final int k;
        final BLAS blas; // level-1/2 calls of the per-row work
        double[] yu = new double[0]; // gathered y_i of the rows in hand, n × k
        double[] c1 =
                new double[0]; // weight of y_i y_iᵀ: c_ui − 1 = α|r_ui| (implicit), 1 (explicit)
        double[] pc =
                new double[0]; // right-hand-side coefficient of y_i: p_ui·c_ui (implicit), r_ui
        // (explicit)
        double[] t = new double[0]; // per-interaction scalars (y_i·v)
        final double[] b; // right-hand side (Cholesky)
        final double[] r; // CG residuals, CHUNK × k
        final double[] p; // CG directions, CHUNK × k
        final double[] ap; // A·p, CHUNK × k
        final double[] rs = new double[CHUNK]; // ‖r_u‖²
        final double[] lam = new double[CHUNK]; // λ_u
        final boolean[] active = new boolean[CHUNK];
        final DoublePointer gNative; // G (implicit)
        final DoublePointer aNative; // A (Cholesky)
        final DoublePointer bNative; // b, then x (Cholesky)
        DoublePointer wNative =
                new DoublePointer(0L); // √(c_ui − 1)·y_i (explicit: y_i), n × k (Cholesky)
        final DoublePointer pNative; // P (CG)
        final DoublePointer apNative; // G·P (CG)
        private double[] loadedGram; // the G currently in gNative

        Workspace(int k) {
            this(k, JAVA_BLAS);
        }

        /**
         * With another level-1/2 implementation: only to check that the factors do not depend on
         * it.
         */
        Workspace(int k, BLAS blas) {
            this.k = k;
            this.blas = blas;
            this.b = new double[k];
            this.r = new double[CHUNK * k];
            this.p = new double[CHUNK * k];
            this.ap = new double[CHUNK * k];
            this.gNative = new DoublePointer((long) k * k);
            this.aNative = new DoublePointer((long) k * k);
            this.bNative = new DoublePointer(k);
            this.pNative = new DoublePointer((long) CHUNK * k);
            this.apNative = new DoublePointer((long) CHUNK * k);
        }

        void ensure(int n) {
            if (c1.length < n) {
                int m = Math.max(n, 2 * c1.length);
                yu = new double[m * k];
                c1 = new double[m];
                pc = new double[m];
                t = new double[m];
            }
        }

        void loadGram(double[] gram) {
            if (loadedGram != gram) {
                gNative.position(0).put(gram, 0, k * k);
                loadedGram = gram;
            }
        }

        DoublePointer w(int n) {
            if (wNative.capacity() < (long) n * k) {
                wNative.close();
                wNative = new DoublePointer(Math.max((long) n * k, 2 * wNative.capacity()));
            }
            return wNative;
        }

        @Override
        public void close() {
            gNative.close();
            aNative.close();
            bNative.close();
            wNative.close();
            pNative.close();
            apNative.close();
        }
    }

    /**
     * OUT = G·V for the m column-major k-vectors of V (G symmetric): cblas_dgemm on the off-heap
     * copies. OpenBLAS runs a GEMM on the calling thread when m·n·k ≤ 4·65536; the product is split
     * into pieces under that size, so each ALS worker uses exactly one core and OpenBLAS's own pool
     * never oversubscribes the cores the workers occupy.
     */
    private static void gramTimes(Workspace ws, double[] v, int vo, int m, double[] out) {
        int k = ws.k;
        ws.pNative.position(0).put(v, vo, m * k);
        int piece = Math.max(1, (4 * 65536) / (k * k));
        for (int s = 0; s < m; s += piece) {
            int mm = Math.min(piece, m - s);
            openblas.cblas_dgemm(
                    openblas.CblasColMajor,
                    openblas.CblasNoTrans,
                    openblas.CblasNoTrans,
                    k,
                    mm,
                    k,
                    1.0,
                    ws.gNative.position(0),
                    k,
                    ws.pNative.position((long) s * k),
                    k,
                    0.0,
                    ws.apNative.position((long) s * k),
                    k);
        }
        ws.apNative.position(0).get(out, 0, m * k);
        ws.pNative.position(0);
    }

    /**
     * Gathers y_i and the interaction's two coefficients (implicit: c_ui − 1 and p_ui·c_ui;
     * explicit: 1 and r_ui) for the interactions {@code [s, e)} of R into the workspace starting at
     * position {@code at}; returns n_u for ALS-WR (implicit: the positive interactions; explicit:
     * all observed ratings).
     */
    private static int gather(
            InteractionMatrix r, int s, int e, double[] y, AlsConfig cfg, Workspace ws, int at) {
        int k = cfg.rank;
        int[] cols = r.cols();
        double[] vals = r.values();
        if (!cfg.implicit) {
            for (int q = s; q < e; q++) {
                int j = at + q - s;
                System.arraycopy(y, cols[q] * k, ws.yu, j * k, k);
                ws.c1[j] = 1.0; // Y_uᵀY_u = Σ_{i∈u} 1·y_i y_iᵀ
                ws.pc[j] = vals[q]; // Y_uᵀr_u = Σ_{i∈u} r_ui y_i
            }
            return e - s;
        }
        double alpha = cfg.alpha;
        int positives = 0;
        for (int q = s; q < e; q++) {
            int j = at + q - s;
            System.arraycopy(y, cols[q] * k, ws.yu, j * k, k);
            double v = vals[q];
            double c1 =
                    alpha
                            * Math.abs(
                                    v); // c − 1 = α|r| (|r| so that confidence never drops below 1)
            ws.c1[j] = c1;
            if (v > 0) {
                ws.pc[j] = 1.0 + c1; // p·c with p = 1
                positives++;
            } else {
                ws.pc[j] = 0.0; // p = 0
            }
        }
        return positives;
    }

    /**
     * Solves rows {@code [from, to)} (at most {@link #CHUNK}) of R against Y with Gram matrix G =
     * YᵀY (implicit; null and unused for explicit ratings), writing x_u into {@code x} (row-major,
     * row u at u·k). For {@link AlsConfig.Solver#CG} the current content of {@code x} is the warm
     * start.
     */
    static void solveChunk(
            InteractionMatrix r,
            int from,
            int to,
            double[] y,
            double[] gram,
            AlsConfig cfg,
            double[] x,
            Workspace ws) {
        if (cfg.solver == AlsConfig.Solver.CHOLESKY) {
            for (int u = from; u < to; u++) {
                solveCholesky(r, u, y, gram, cfg, x, ws);
            }
        } else {
            solveCg(r, from, to, y, gram, cfg, x, ws);
        }
    }

    private static void solveCholesky(
            InteractionMatrix r,
            int u,
            double[] y,
            double[] gram,
            AlsConfig cfg,
            double[] x,
            Workspace ws) {
        int k = cfg.rank;
        int s = r.rowStart(u);
        int n = r.rowEnd(u) - s;
        int xo = u * k;
        if (n == 0) {
            // no interactions: the right-hand side is 0, so x_u = 0
            Arrays.fill(x, xo, xo + k, 0.0);
            return;
        }
        ws.ensure(n);
        int counted = gather(r, s, s + n, y, cfg, ws, 0);
        double lambda = cfg.rowLambda(counted);
        // b = Y_u (p∘c) = YᵀC_u p(u)  (explicit: b = Y_uᵀ r_u)
        ws.blas.dgemv("N", k, n, 1.0, ws.yu, 0, k, ws.pc, 0, 1, 0.0, ws.b, 0, 1);
        DoublePointer a = ws.aNative;
        if (cfg.implicit) {
            // W = rows √(c_ui − 1)·y_i, so that WᵀW = Σ_i (c_ui − 1) y_i y_iᵀ = Yᵀ(C_u − I)Y
            for (int j = 0; j < n; j++) {
                ws.blas.dscal(k, Math.sqrt(ws.c1[j]), ws.yu, j * k, 1);
            }
            // A = G + λ_u I (upper triangle is what dsyrk and dposv read)
            ws.loadGram(gram);
            Pointer.memcpy(a.position(0), ws.gNative.position(0), (long) k * k * Double.BYTES);
            for (int d = 0; d < k; d++) {
                a.put((long) d * k + d, gram[d * k + d] + lambda);
            }
        } else {
            // explicit: W = Y_u, so WᵀW = Y_uᵀY_u; A = λ_u I
            Pointer.memset(a.position(0), 0, (long) k * k * Double.BYTES);
            for (int d = 0; d < k; d++) {
                a.put((long) d * k + d, lambda);
            }
        }
        DoublePointer w = ws.w(n).position(0).put(ws.yu, 0, n * k);
        // A += WᵀW (dsyrk on the column-major k × n view of W)
        openblas.cblas_dsyrk(
                openblas.CblasColMajor,
                openblas.CblasUpper,
                openblas.CblasNoTrans,
                k,
                n,
                1.0,
                w,
                k,
                1.0,
                a,
                k);
        // A x = b by Cholesky (LAPACK dposv; A symmetric positive definite)
        ws.bNative.position(0).put(ws.b, 0, k);
        int info =
                openblas.LAPACKE_dposv(
                        openblas.LAPACK_COL_MAJOR, (byte) 'U', k, 1, a, k, ws.bNative, k);
        if (info != 0) {
            throw new ArithmeticException(
                    "ALS row "
                            + u
                            + ": normal equations not positive definite (LAPACK dposv"
                            + " info "
                            + info
                            + "); use lambda > 0");
        }
        ws.bNative.get(x, xo, k);
    }

    /**
     * A·v for row u (its gathered interactions at {@code [at, at+n)} of the workspace), added to
     * {@code out}, which already holds G·v (implicit) or 0 (explicit): out += Σ_{i∈u} w_ui (y_i·v)
     * y_i + λ_u v, with w_ui = c_ui − 1 (implicit) or 1 (explicit: A·v = Y_uᵀ(Y_u v) + λ_u v).
     */
    private static void addSparseTerm(
            Workspace ws, int at, int n, double lambda, double[] v, int vo, double[] out, int oo) {
        int k = ws.k;
        // t_i = y_i·v for the row's items: Y_uᵀ v (dgemv "T" on the column-major k × n gathered
        // block)
        ws.blas.dgemv("T", k, n, 1.0, ws.yu, at * k, k, v, vo, 1, 0.0, ws.t, 0, 1);
        // t_i ← (c_ui − 1) t_i
        for (int j = 0; j < n; j++) {
            ws.t[j] *= ws.c1[at + j];
        }
        // out += Y_u t
        ws.blas.dgemv("N", k, n, 1.0, ws.yu, at * k, k, ws.t, 0, 1, 1.0, out, oo, 1);
        // out += λ_u v
        ws.blas.daxpy(k, lambda, v, vo, 1, out, oo, 1);
    }

    private static boolean allZero(double[] a, int from, int n) {
        for (int q = from; q < from + n; q++) {
            if (a[q] != 0) {
                return false;
            }
        }
        return true;
    }

    private static void solveCg(
            InteractionMatrix r,
            int from,
            int to,
            double[] y,
            double[] gram,
            AlsConfig cfg,
            double[] x,
            Workspace ws) {
        int k = cfg.rank;
        int m = to - from;
        int base = r.rowStart(from);
        ws.ensure(r.rowStart(to) - base);
        // gather every row of the chunk once: its items' factors and confidences
        for (int u = from; u < to; u++) {
            int s = r.rowStart(u);
            int n = r.rowEnd(u) - s;
            int j = u - from;
            int counted = gather(r, s, s + n, y, cfg, ws, s - base);
            ws.lam[j] = cfg.rowLambda(counted);
            // no interactions, or (implicit) none positive: b = 0, so the solution is exactly
            // x_u = 0, not what a few CG steps from the warm start reach (Cholesky gives 0 too;
            // the distributed graph knows a row without entries by one zero entry)
            ws.active[j] = !allZero(ws.pc, s - base, n);
            if (!ws.active[j]) {
                Arrays.fill(x, u * k, (u + 1) * k, 0.0);
            }
        }
        int xo = from * k;
        // residual r = b − A x0 for the warm start x0: first G·X for the whole chunk (one dgemm;
        // explicit: no G term, 0), then per row
        if (cfg.implicit) {
            ws.loadGram(gram);
            gramTimes(ws, x, xo, m, ws.ap);
        } else {
            Arrays.fill(ws.ap, 0, m * k, 0.0);
        }
        for (int j = 0; j < m; j++) {
            if (!ws.active[j]) {
                continue;
            }
            int u = from + j;
            int at = r.rowStart(u) - base;
            int n = r.rowEnd(u) - r.rowStart(u);
            addSparseTerm(ws, at, n, ws.lam[j], x, xo + j * k, ws.ap, j * k);
            // r = Y_u (p∘c) − A x0  (explicit: Y_uᵀ r_u − A x0)
            ws.blas.dgemv("N", k, n, 1.0, ws.yu, at * k, k, ws.pc, at, 1, 0.0, ws.r, j * k, 1);
            ws.blas.daxpy(k, -1.0, ws.ap, j * k, 1, ws.r, j * k, 1);
            // p = r; rs = rᵀr
            System.arraycopy(ws.r, j * k, ws.p, j * k, k);
            ws.rs[j] = ws.blas.ddot(k, ws.r, j * k, 1, ws.r, j * k, 1);
            if (ws.rs[j] < 1e-20) {
                ws.active[j] = false;
            }
        }
        for (int step = 0; step < cfg.cgSteps; step++) {
            // A·P: G·P for the chunk in one dgemm (explicit: 0), then each row's sparse and λ terms
            if (cfg.implicit) {
                gramTimes(ws, ws.p, 0, m, ws.ap);
            } else {
                Arrays.fill(ws.ap, 0, m * k, 0.0);
            }
            boolean any = false;
            for (int j = 0; j < m; j++) {
                if (!ws.active[j]) {
                    continue;
                }
                int u = from + j;
                int at = r.rowStart(u) - base;
                int n = r.rowEnd(u) - r.rowStart(u);
                int o = j * k;
                addSparseTerm(ws, at, n, ws.lam[j], ws.p, o, ws.ap, o);
                // step length a = rᵀr / pᵀAp; x += a p; r −= a Ap
                double pap = ws.blas.ddot(k, ws.p, o, 1, ws.ap, o, 1);
                if (!(pap > 0)) {
                    ws.active[j] = false;
                    continue;
                }
                double step_ = ws.rs[j] / pap;
                ws.blas.daxpy(k, step_, ws.p, o, 1, x, xo + o, 1);
                ws.blas.daxpy(k, -step_, ws.ap, o, 1, ws.r, o, 1);
                double rsNew = ws.blas.ddot(k, ws.r, o, 1, ws.r, o, 1);
                if (rsNew < 1e-20) {
                    ws.active[j] = false;
                    continue;
                }
                // p = r + (rsNew / rs) p
                ws.blas.dscal(k, rsNew / ws.rs[j], ws.p, o, 1);
                ws.blas.daxpy(k, 1.0, ws.r, o, 1, ws.p, o, 1);
                ws.rs[j] = rsNew;
                any = true;
            }
            if (!any) {
                break;
            }
        }
    }

    /**
     * The objective the half-steps minimise: for explicit ratings ({@code implicit = false}), over
     * the observed cells,
     *
     * <pre>
     *   L = Σ_{(u,i) observed} (r_ui − x_uᵀy_i)² + Σ_u λ_u‖x_u‖² + Σ_i λ_i‖y_i‖²,   O(nnz·k);
     * </pre>
     *
     * for implicit feedback, over all U × I cells:
     *
     * <pre>
     *   L = Σ_{u,i} c_ui (p_ui − x_uᵀy_i)² + Σ_u λ_u‖x_u‖² + Σ_i λ_i‖y_i‖²
     *     = ⟨XᵀX, YᵀY⟩_F + Σ_{(u,i) observed} [c_ui (p_ui − s_ui)² − s_ui²] + reg,   s_ui = x_uᵀy_i
     * </pre>
     *
     * (the unobserved cells have c = 1, p = 0, so their sum is Σ_u x_uᵀ YᵀY x_u minus the observed
     * cells' s²). O((U+I)·k² + nnz·k).
     */
    static double loss(InteractionMatrix r, double[] x, double[] y, AlsConfig cfg) {
        if (!cfg.implicit) {
            return explicitLoss(r, x, y, cfg);
        }
        int k = cfg.rank;
        double[] gx = new double[k * k];
        double[] gy = new double[k * k];
        addGram(x, 0, r.numRows(), k, gx);
        addGram(y, 0, r.numCols(), k, gy);
        double total = JAVA_BLAS.ddot(k * k, gx, 1, gy, 1);
        int[] colPositives = new int[r.numCols()];
        double reg = 0;
        for (int u = 0; u < r.numRows(); u++) {
            int positives = 0;
            for (int q = r.rowStart(u); q < r.rowEnd(u); q++) {
                int i = r.col(q);
                double v = r.value(q);
                double s = JAVA_BLAS.ddot(k, x, u * k, 1, y, i * k, 1);
                double c = 1.0 + cfg.alpha * Math.abs(v);
                double p = v > 0 ? 1.0 : 0.0;
                total += c * (p - s) * (p - s) - s * s;
                if (v > 0) {
                    positives++;
                    colPositives[i]++;
                }
            }
            reg += cfg.rowLambda(positives) * JAVA_BLAS.ddot(k, x, u * k, 1, x, u * k, 1);
        }
        for (int i = 0; i < r.numCols(); i++) {
            reg += cfg.rowLambda(colPositives[i]) * JAVA_BLAS.ddot(k, y, i * k, 1, y, i * k, 1);
        }
        return total + reg;
    }

    private static double explicitLoss(InteractionMatrix r, double[] x, double[] y, AlsConfig cfg) {
        int k = cfg.rank;
        int[] colCounts = new int[r.numCols()];
        double total = 0;
        for (int u = 0; u < r.numRows(); u++) {
            for (int q = r.rowStart(u); q < r.rowEnd(u); q++) {
                int i = r.col(q);
                double e = r.value(q) - JAVA_BLAS.ddot(k, x, u * k, 1, y, i * k, 1);
                total += e * e;
                colCounts[i]++;
            }
            total +=
                    cfg.rowLambda(r.rowEnd(u) - r.rowStart(u))
                            * JAVA_BLAS.ddot(k, x, u * k, 1, x, u * k, 1);
        }
        for (int i = 0; i < r.numCols(); i++) {
            total += cfg.rowLambda(colCounts[i]) * JAVA_BLAS.ddot(k, y, i * k, 1, y, i * k, 1);
        }
        return total;
    }
}

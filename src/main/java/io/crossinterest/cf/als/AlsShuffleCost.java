package io.crossinterest.cf.als;

import io.crossinterest.data.InteractionMatrix;

import java.util.Arrays;

/**
 * What the distributed ALS ({@link Als}, graph in {@link AlsBlocks}) ships in one half-step, for a
 * matrix R (users × items), a number of blocks B and rank k, counted from the data the way the
 * blocks are built. Bytes are the arrays' payload (8 per double and long, 4 per int), without the
 * serializer's framing. With B blocks on B subtasks (block b on subtask b, {@link
 * AlsBlocks.ToSubtask}), a message crosses subtasks when its source block differs from its
 * destination.
 *
 * <p>Half-step solving side S from side O:
 *
 * <pre>
 *   factors  = 8k · Σ_{o ∈ O} |{block(s) : s ∈ row o}|          (each O row once to every S block that references it)
 *   remote   = the same over the S blocks ≠ block(o)
 *   grams    = 8k² · B²  (implicit only; remote 8k² · B(B − 1))
 *   own      = 8k · n_S  (conjugate gradient only: S's factors from its previous half-step, its warm start)
 *   blocks   = 8·n_S + 4·(n_S + B) + 12·nnz + 4·refs + 8(B + 1)·B
 * </pre>
 *
 * (blocks: the S blocks as the half-step reads them, built once and never re-sent with their
 * factors: ids, row pointers, interactions, out-links (refs = the (S row, O block) pairs with an
 * interaction) and the two block pointer arrays. Own factors and blocks come from the same block
 * index, so they are counted as not crossing subtasks, though in BATCH mode a later stage's subtask
 * may be placed on another TaskManager.) The busiest block's share of the work, max_b (2k²·n_b +
 * 8k·nnz_b) / Σ (one CG step's G·p and sparse terms), bounds the speed-up over B subtasks.
 */
public final class AlsShuffleCost {
    private AlsShuffleCost() {}

    /** One half-step's traffic. */
    public record HalfStep(
            String solves,
            long rows,
            long blockBytes,
            long ownFactorBytes,
            long factorBytes,
            long remoteFactorBytes,
            long gramBytes,
            long remoteGramBytes,
            double maxBlockWorkShare) {

        /** Everything serialized in the half-step. */
        public long totalBytes() {
            return blockBytes + ownFactorBytes + factorBytes + gramBytes;
        }

        /**
         * What crosses subtasks (the network between TaskManagers, one subtask per TaskManager).
         */
        public long remoteBytes() {
            return remoteFactorBytes + remoteGramBytes;
        }
    }

    /**
     * Items solved from users (R's columns against its rows), then users from items, with {@code
     * numBlocks} blocks; {@code warmStart} for conjugate gradient, which starts from the side's
     * current factors.
     */
    public static HalfStep[] perIteration(
            InteractionMatrix r, int numBlocks, int rank, boolean implicit, boolean warmStart) {
        InteractionMatrix rt = r.transpose();
        return new HalfStep[] {
            halfStep("items", rt, r, numBlocks, rank, implicit, warmStart),
            halfStep("users", r, rt, numBlocks, rank, implicit, warmStart)
        };
    }

    /**
     * Solving the rows of {@code s} (S × O) from the other side, whose rows are {@code o} (O × S,
     * its transpose).
     */
    private static HalfStep halfStep(
            String name,
            InteractionMatrix s,
            InteractionMatrix o,
            int numBlocks,
            int k,
            boolean implicit,
            boolean warmStart) {
        long sRows = 0;
        long[] blockWork = new long[numBlocks];
        long refsO = 0; // out-links of the S blocks: (S row, O block) pairs with an interaction
        int[] seen = new int[numBlocks];
        int stamp = 0;
        for (int row = 0; row < s.numRows(); row++) {
            int n = s.rowEnd(row) - s.rowStart(row);
            if (n == 0) {
                continue; // the graph knows a row only from its entries
            }
            sRows++;
            blockWork[AlsBlocks.blockOf(row, numBlocks)] += 2L * k * k + 8L * k * n;
            stamp++;
            for (int q = s.rowStart(row); q < s.rowEnd(row); q++) {
                int b = AlsBlocks.blockOf(s.col(q), numBlocks);
                if (seen[b] != stamp) {
                    seen[b] = stamp;
                    refsO++;
                }
            }
        }
        long factorRows = 0;
        long remoteFactorRows = 0;
        Arrays.fill(seen, 0);
        stamp = 0;
        for (int row = 0; row < o.numRows(); row++) {
            int own = AlsBlocks.blockOf(row, numBlocks);
            stamp++;
            for (int q = o.rowStart(row); q < o.rowEnd(row); q++) {
                int b = AlsBlocks.blockOf(o.col(q), numBlocks);
                if (seen[b] != stamp) {
                    seen[b] = stamp;
                    factorRows++;
                    if (b != own) {
                        remoteFactorRows++;
                    }
                }
            }
        }
        long nnz = s.nnz();
        long blocks =
                8 * sRows
                        + 4 * (sRows + numBlocks)
                        + 12 * nnz
                        + 4 * refsO
                        + 8L * (numBlocks + 1) * numBlocks;
        long gram = implicit ? 8L * k * k * numBlocks * numBlocks : 0;
        long remoteGram = implicit ? 8L * k * k * numBlocks * (numBlocks - 1) : 0;
        long total = 0;
        long max = 0;
        for (long w : blockWork) {
            total += w;
            max = Math.max(max, w);
        }
        return new HalfStep(
                name,
                sRows,
                blocks,
                warmStart ? 8L * k * sRows : 0,
                8L * k * factorRows,
                8L * k * remoteFactorRows,
                gram,
                remoteGram,
                total == 0 ? 0 : max / (double) total);
    }
}

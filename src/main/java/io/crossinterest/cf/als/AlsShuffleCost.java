package io.crossinterest.cf.als;

import io.crossinterest.data.InteractionMatrix;

import java.util.Arrays;

/**
 * What the distributed ALS ({@link Als}, graph in {@link AlsBlocks}) ships in one half-step, for a
 * matrix R (users × items), a number of blocks B and rank k, counted from the data the way the
 * blocks are built. Bytes are the arrays' payload (8 per double and long, 4 per int), without the
 * serializer's framing. With B blocks on B subtasks (block b on subtask b, {@link
 * AlsBlocks.Routing}), a message crosses subtasks when its source block differs from its
 * destination.
 *
 * <p>Half-step solving side S from side O:
 *
 * <pre>
 *   factors  = 8k · Σ_{o ∈ O} |{block(s) : s ∈ row o}|          (each O row once to every S block that references it)
 *   remote   = the same over the S blocks ≠ block(o)
 *   grams    = 8k² · B²  (implicit only; remote 8k² · B(B − 1))
 *   state    = 8·n_S + 4·(n_S + B) + 12·nnz + 8·refs_S + 4·refs_O + 8(B + 1)·B + 8k·n_S
 * </pre>
 *
 * (state: ids, row pointers, interactions, the O ids each S block references (refs_S, as many as
 * factor rows), its out-links (refs_O, the factor rows of the other half-step), block pointers and
 * factors; it goes to the block's own subtask, through the serializer but never across subtasks).
 * The busiest block's share of the work, max_b (2k²·n_b + 8k·nnz_b) / Σ (one CG step's G·p and
 * sparse terms), bounds the speed-up over B subtasks.
 */
public final class AlsShuffleCost {
    private AlsShuffleCost() {}

    /** One half-step's traffic. */
    public record HalfStep(
            String solves,
            long rows,
            long stateBytes,
            long factorBytes,
            long remoteFactorBytes,
            long gramBytes,
            long remoteGramBytes,
            double maxBlockWorkShare) {

        /** Everything serialized in the half-step. */
        public long totalBytes() {
            return stateBytes + factorBytes + gramBytes;
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
     * numBlocks} blocks.
     */
    public static HalfStep[] perIteration(
            InteractionMatrix r, int numBlocks, int rank, boolean implicit) {
        InteractionMatrix rt = r.transpose();
        return new HalfStep[] {
            halfStep("items", rt, r, numBlocks, rank, implicit),
            halfStep("users", r, rt, numBlocks, rank, implicit)
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
            boolean implicit) {
        long sRows = 0;
        long[] blockWork = new long[numBlocks];
        long refsO = 0; // out-links of the S blocks: (S row, O block) pairs
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
        long state =
                8 * sRows
                        + 4 * (sRows + numBlocks)
                        + 12 * nnz
                        + 8 * factorRows
                        + 4 * refsO
                        + 8L * (numBlocks + 1) * numBlocks
                        + 8L * k * sRows;
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
                state,
                8L * k * factorRows,
                8L * k * remoteFactorRows,
                gram,
                remoteGram,
                total == 0 ? 0 : max / (double) total);
    }
}

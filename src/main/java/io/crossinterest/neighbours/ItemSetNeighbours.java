package io.crossinterest.neighbours;

import io.crossinterest.data.InteractionMatrix;
import io.crossinterest.data.Ranking;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What a user's nearest warm users did in the target block, with "near" measured on the source
 * items themselves rather than in a factor space:
 *
 * <pre>
 *   X_u       = the distinct tokens among the user's last L source tokens (hashed source items; padding ignored)
 *   sim(u, w) = |X_u ∩ X_w| / sqrt(|X_u|·|X_w|)                 (cosine of the binary token sets)
 *   w_u(v)    = Σ_{w ∈ N_K(u)} sim(u, w)·[v ∈ T_w] / Σ_{w ∈ N_K(u)} sim(u, w)·|T_w|
 * </pre>
 *
 * N_K(u) the K warm users of largest sim &gt; 0, T_w their target training rows; w_u is a
 * distribution over target items (all zeros when no warm user shares a token). It keeps the
 * item-level evidence that a rank-k factorisation squeezes out: on some Amazon pairs (electronic ↔
 * phone, sport ↔ cloth) it ranks cold users' target items about twice as well as neighbours in the
 * source ALS space ({@link NeighbourEvidence}); on others (sport ↔ phone) it is weaker
 * (docs/joint-model.md, round 7). The joint model's wide path and, alone, the model {@code
 * baselines.SourceItemNeighbours} (source-items).
 *
 * <p>Built once from the warm users' tokens (an inverted index token → users); a query touches only
 * the warm users that share a token with it, so a stream job scores a new user from its token
 * window without a factorisation. Queries are read-only and may run concurrently, each thread in
 * its own {@link Scratch}.
 */
public final class ItemSetNeighbours {
    private static final int MAGIC = 0x49534e31; // "ISN1"

    private final int numItems;
    private final int seqLen;

    /**
     * Postings: the warm users (0..n-1) holding token t are postingUsers[postingStart[t] ..
     * postingStart[t+1]).
     */
    private final int[] postingStart;

    private final int[] postingUsers;

    /** 1/sqrt(|X_w|) per warm user. */
    private final float[] invNorm;

    /** Target rows T_w per warm user (CSR over the warm users). */
    private final int[] targetStart;

    private final int[] targetItems;

    private ItemSetNeighbours(
            int numItems,
            int seqLen,
            int[] postingStart,
            int[] postingUsers,
            float[] invNorm,
            int[] targetStart,
            int[] targetItems) {
        this.numItems = numItems;
        this.seqLen = seqLen;
        this.postingStart = postingStart;
        this.postingUsers = postingUsers;
        this.invNorm = invNorm;
        this.targetStart = targetStart;
        this.targetItems = targetItems;
    }

    /**
     * The index over the {@code warm} users (those with target rows are kept): their tokens {@code
     * userTokens[u]} (values in [0, vocabSize)), of which the last {@code seqLen} count, and their
     * rows of {@code target}.
     */
    public static ItemSetNeighbours build(
            int[][] userTokens, InteractionMatrix target, int[] warm, int vocabSize, int seqLen) {
        int[] kept =
                Arrays.stream(warm)
                        .filter(u -> u < target.numRows() && target.rowLength(u) > 0)
                        .toArray();
        int n = kept.length;
        int[][] sets = new int[n][];
        int[] count = new int[vocabSize + 1];
        float[] invNorm = new float[n];
        int[] targetStart = new int[n + 1];
        for (int i = 0; i < n; i++) {
            sets[i] = distinctWindow(userTokens[kept[i]], seqLen);
            for (int t : sets[i]) {
                if (t < 0 || t >= vocabSize) {
                    throw new IllegalArgumentException(
                            "token " + t + " outside the vocabulary of " + vocabSize);
                }
                count[t + 1]++;
            }
            invNorm[i] = sets[i].length == 0 ? 0f : (float) (1.0 / Math.sqrt(sets[i].length));
            targetStart[i + 1] = targetStart[i] + target.rowLength(kept[i]);
        }
        for (int t = 0; t < vocabSize; t++) {
            count[t + 1] += count[t];
        }
        int[] postingStart = count.clone();
        int[] postingUsers = new int[postingStart[vocabSize]];
        int[] fill = Arrays.copyOf(postingStart, vocabSize);
        int[] targetItems = new int[targetStart[n]];
        for (int i = 0; i < n; i++) {
            for (int t : sets[i]) {
                postingUsers[fill[t]++] = i;
            }
            int u = kept[i];
            for (int e = target.rowStart(u), j = targetStart[i]; e < target.rowEnd(u); e++, j++) {
                targetItems[j] = target.col(e);
            }
        }
        return new ItemSetNeighbours(
                target.numCols(),
                seqLen,
                postingStart,
                postingUsers,
                invNorm,
                targetStart,
                targetItems);
    }

    /**
     * The distinct tokens among the last {@code seqLen} of {@code tokens}, sorted, without padding
     * (token 0).
     */
    static int[] distinctWindow(int[] tokens, int seqLen) {
        int from = Math.max(0, tokens.length - seqLen);
        return Arrays.stream(tokens, from, tokens.length)
                .filter(t -> t != 0)
                .distinct()
                .sorted()
                .toArray();
    }

    public int numItems() {
        return numItems;
    }

    public int numWarmUsers() {
        return invNorm.length;
    }

    /**
     * Working space of one caller's queries ({@link #distribution(int[], int, double[], Scratch)}):
     * a count per warm user, all zero between queries (a query resets only the users it touched),
     * so a stream scorer does not allocate two arrays of the warm users per scored event.
     */
    public static final class Scratch {
        private final int[] overlap;
        private final int[] touched;

        private Scratch(int warmUsers) {
            overlap = new int[warmUsers];
            touched = new int[warmUsers];
        }
    }

    /** Working space for one thread's queries. */
    public Scratch newScratch() {
        return new Scratch(invNorm.length);
    }

    /**
     * Writes w_u of a user with source tokens {@code tokens} into {@code out} (length {@link
     * #numItems()}); false, and all zeros, when no warm user shares a token with it. Tokens outside
     * the vocabulary are ignored.
     */
    public boolean distribution(int[] tokens, int k, double[] out) {
        return distribution(tokens, k, out, newScratch());
    }

    /**
     * {@link #distribution(int[], int, double[])} in the caller's working space (one scratch per
     * thread; it is left as found).
     */
    public boolean distribution(int[] tokens, int k, double[] out, Scratch scratch) {
        Arrays.fill(out, 0.0);
        int[] set = distinctWindow(tokens, seqLen);
        if (set.length == 0) {
            return false;
        }
        int[] overlap = scratch.overlap; // |X_u ∩ X_w| for the warm users touched
        int[] touched = scratch.touched;
        int numTouched = 0;
        int vocab = postingStart.length - 1;
        for (int t : set) {
            if (t < 0 || t >= vocab) {
                continue;
            }
            for (int p = postingStart[t]; p < postingStart[t + 1]; p++) {
                int w = postingUsers[p];
                if (overlap[w]++ == 0) {
                    touched[numTouched++] = w;
                }
            }
        }
        if (numTouched == 0) {
            return false;
        }
        double invNormU = 1.0 / Math.sqrt(set.length);
        double[] sim = new double[numTouched];
        for (int i = 0; i < numTouched; i++) {
            sim[i] = overlap[touched[i]] * invNorm[touched[i]] * invNormU;
            overlap[touched[i]] = 0; // the scratch is all zeros again for the next query
        }
        int[] top = Ranking.topK(sim, null, k, 0L);
        double total = 0;
        for (int r : top) {
            int w = touched[r];
            for (int j = targetStart[w]; j < targetStart[w + 1]; j++) {
                out[targetItems[j]] += sim[r];
            }
            total += sim[r] * (targetStart[w + 1] - targetStart[w]);
        }
        for (int v = 0; v < out.length; v++) {
            out[v] /= total;
        }
        return true;
    }

    /** Writes the index (the warm users' token postings and target rows). */
    public void save(Path file) throws IOException {
        try (DataOutputStream out =
                new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(MAGIC);
            out.writeInt(numItems);
            out.writeInt(seqLen);
            writeInts(out, postingStart);
            writeInts(out, postingUsers);
            out.writeInt(invNorm.length);
            for (float x : invNorm) {
                out.writeFloat(x);
            }
            writeInts(out, targetStart);
            writeInts(out, targetItems);
        }
    }

    /** Reads what {@link #save} wrote; a clear error for anything else. */
    public static ItemSetNeighbours load(Path file) throws IOException {
        try (DataInputStream in =
                new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC) {
                throw new IOException("not an item-set neighbour index: " + file);
            }
            int numItems = in.readInt();
            int seqLen = in.readInt();
            int[] postingStart = readInts(in);
            int[] postingUsers = readInts(in);
            float[] invNorm = new float[in.readInt()];
            for (int i = 0; i < invNorm.length; i++) {
                invNorm[i] = in.readFloat();
            }
            int[] targetStart = readInts(in);
            int[] targetItems = readInts(in);
            if (targetStart.length != invNorm.length + 1
                    || postingStart[postingStart.length - 1] != postingUsers.length
                    || targetStart[invNorm.length] != targetItems.length) {
                throw new IOException("item-set neighbour index " + file + " is inconsistent");
            }
            return new ItemSetNeighbours(
                    numItems,
                    seqLen,
                    postingStart,
                    postingUsers,
                    invNorm,
                    targetStart,
                    targetItems);
        }
    }

    private static void writeInts(DataOutputStream out, int[] a) throws IOException {
        out.writeInt(a.length);
        for (int x : a) {
            out.writeInt(x);
        }
    }

    private static int[] readInts(DataInputStream in) throws IOException {
        int[] a = new int[in.readInt()];
        for (int i = 0; i < a.length; i++) {
            a[i] = in.readInt();
        }
        return a;
    }
}

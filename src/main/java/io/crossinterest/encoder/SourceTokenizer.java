package io.crossinterest.encoder;

import io.crossinterest.data.CrossDomainData;
import io.crossinterest.data.IdIndex;
import io.crossinterest.data.InteractionMatrix;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a user's source-block behaviour into the encoder's input tokens, and token sequences into
 * fixed windows.
 *
 * <p>Token 0 is padding. {@link TokenScheme#ITEMS}: token = 1 + h(item id) mod (V − 1), h a fixed
 * 32-bit mix of the id's {@code String.hashCode()} (specified by the JLS, so stable across JVMs and
 * between training and the stream job). {@link TokenScheme#CATEGORIES}: token 1 is an unknown
 * category, token 2 + c the c-th known source category.
 */
public final class SourceTokenizer implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int PAD = 0;
    public static final int UNKNOWN_CATEGORY = 1;

    private final TokenScheme scheme;
    private final int vocabSize;
    private final IdIndex categories;

    private SourceTokenizer(TokenScheme scheme, int vocabSize, IdIndex categories) {
        this.scheme = scheme;
        this.vocabSize = vocabSize;
        this.categories = categories;
    }

    public static SourceTokenizer items(int vocabSize) {
        if (vocabSize < 2) {
            throw new IllegalArgumentException("vocabSize must be >= 2, got " + vocabSize);
        }
        return new SourceTokenizer(TokenScheme.ITEMS, vocabSize, null);
    }

    /** Category tokens over the given source categories: vocabulary 2 + |categories|. */
    public static SourceTokenizer categories(List<String> categoryIds) {
        IdIndex index = new IdIndex();
        categoryIds.forEach(index::add);
        return new SourceTokenizer(TokenScheme.CATEGORIES, 2 + index.size(), index);
    }

    /** The tokenizer for {@code config.tokens} on the source block of {@code split}. */
    public static SourceTokenizer forSplit(CrossDomainData split, EncoderConfig config) {
        return config.tokens == TokenScheme.ITEMS
                ? items(config.vocabSize)
                : categories(split.sourceCategories.ids());
    }

    public TokenScheme scheme() {
        return scheme;
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** The source category ids of a {@link TokenScheme#CATEGORIES} tokenizer (empty for items). */
    public List<String> categoryIds() {
        return categories == null ? List.of() : categories.ids();
    }

    /**
     * h(id) ∈ [1, V): fmix32 (MurmurHash3's finaliser) of String.hashCode, reduced mod V − 1,
     * shifted past PAD.
     */
    public static int hashItem(String itemId, int vocabSize) {
        int h = itemId.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return 1 + Math.floorMod(h, vocabSize - 1);
    }

    public int categoryToken(String categoryId) {
        int c = categories.indexOf(categoryId);
        return c < 0 ? UNKNOWN_CATEGORY : 2 + c;
    }

    /**
     * Tokens of one behaviour on a source item with its categories (one token for items, one per
     * category).
     */
    public int[] tokens(String itemId, String[] itemCategories) {
        if (scheme == TokenScheme.ITEMS) {
            return new int[] {hashItem(itemId, vocabSize)};
        }
        if (itemCategories == null || itemCategories.length == 0) {
            return new int[] {UNKNOWN_CATEGORY};
        }
        int[] out = new int[itemCategories.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = categoryToken(itemCategories[i]);
        }
        return out;
    }

    /**
     * The tokens of one behaviour on each source item of the split ({@link #tokens(String,
     * String[])}), by item index.
     */
    public int[][] sourceItemTokens(CrossDomainData split) {
        int[][] out = new int[split.numSourceItems()][];
        for (int i = 0; i < out.length; i++) {
            int[] cats = split.sourceItemCategories == null ? null : split.sourceItemCategories[i];
            String[] ids =
                    scheme == TokenScheme.ITEMS || cats == null
                            ? new String[0]
                            : Arrays.stream(cats)
                                    .mapToObj(split.sourceCategories::id)
                                    .toArray(String[]::new);
            out[i] = tokens(split.sourceItems.id(i), ids);
        }
        return out;
    }

    /**
     * Each user's token sequence from the source rows of the split, in row order (oldest first).
     */
    public int[][] userTokens(CrossDomainData split) {
        InteractionMatrix src = split.source;
        int[][] itemTokens = sourceItemTokens(split);
        int[][] out = new int[split.numUsers()][];
        for (int u = 0; u < out.length; u++) {
            if (u >= src.numRows()) {
                out[u] = new int[0];
                continue;
            }
            List<Integer> t = new ArrayList<>();
            for (int k = src.rowStart(u); k < src.rowEnd(u); k++) {
                for (int tok : itemTokens[src.col(k)]) {
                    t.add(tok);
                }
            }
            out[u] = t.stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    /**
     * The encoder input for a batch: row r holds the last L tokens of {@code seqs[r]}
     * right-aligned, left-padded with {@link #PAD}. Shape [n, L], float (DL4J's embedding layer
     * reads indices from floats).
     */
    public static INDArray window(List<int[]> seqs, int seqLen) {
        float[][] x = new float[seqs.size()][seqLen];
        int[] w = new int[seqLen];
        for (int r = 0; r < seqs.size(); r++) {
            window(seqs.get(r), w);
            for (int j = 0; j < seqLen; j++) {
                x[r][j] = w[j];
            }
        }
        return Nd4j.createFromArray(x);
    }

    /**
     * One row of {@link #window(List, int)}: the last {@code out.length} tokens of {@code seq}
     * right-aligned.
     */
    public static void window(int[] seq, int[] out) {
        int n = Math.min(seq.length, out.length);
        Arrays.fill(out, 0, out.length - n, PAD);
        System.arraycopy(seq, seq.length - n, out, out.length - n, n);
    }
}

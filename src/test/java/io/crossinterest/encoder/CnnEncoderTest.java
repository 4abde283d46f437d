package io.crossinterest.encoder;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CnnEncoderTest {
    /** The seed's layer structure at test size. */
    static final EncoderConfig TINY =
            new EncoderConfig(TokenScheme.ITEMS, 64, 20, 16, 8, 5, 4, 16, 5e-3, 32, 3, 0.2, 7L);

    /**
     * 200 users in 4 groups, each user 6 tokens from their group's 12 tokens: co-occurrence the
     * head can learn.
     */
    static int[][] groupedTokens(long seed) {
        Random rnd = new Random(seed);
        int[][] t = new int[200][];
        for (int u = 0; u < t.length; u++) {
            int g = u % 4;
            t[u] = new int[6];
            for (int i = 0; i < 6; i++) {
                t[u][i] = 1 + g * 12 + rnd.nextInt(12);
            }
        }
        return t;
    }

    @Test
    void encoderHasTheSeedsShapes() {
        ComputationGraph g = CnnEncoder.newPretrainGraph(TINY);
        // conv: (L − w + 1) = 16 positions, pooled by 4 → 4, flattened 8·4 = 32
        assertEquals(4, TINY.pooledLength());
        assertArrayEquals(
                new long[] {TINY.vocabSize, 16},
                g.getLayer(CnnEncoder.EMBEDDING).getParam("W").shape());
        assertArrayEquals(
                new long[] {8, 16, 5, 1}, g.getLayer(CnnEncoder.CONV).getParam("W").shape());
        assertArrayEquals(new long[] {32, 16}, g.getLayer(CnnEncoder.H).getParam("W").shape());
        INDArray h =
                CnnEncoder.encode(
                        g,
                        SourceTokenizer.window(
                                List.of(
                                        new int[] {1, 2, 3},
                                        new int[0],
                                        new int[] {
                                            5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
                                            20, 21, 22, 23, 24, 25
                                        }),
                                20));
        assertArrayEquals(new long[] {3, 16}, h.shape());
        assertTrue(h.minNumber().doubleValue() >= 0, "ReLU output");
    }

    @Test
    void sameSeedSameNetworkAndSamePretraining() {
        int[][] tokens = groupedTokens(1);
        EncoderConfig c = TINY.withTraining(5e-3, 32, 1);
        ComputationGraph a = CnnEncoder.newPretrainGraph(c);
        ComputationGraph b = CnnEncoder.newPretrainGraph(c);
        assertEquals(a.params(), b.params());
        CnnEncoder.pretrain(a, tokens, c, null);
        CnnEncoder.pretrain(b, tokens, c, null);
        assertEquals(a.params(), b.params());
        ComputationGraph other = CnnEncoder.newPretrainGraph(c.withSeed(8L));
        assertTrue(!a.params().equals(other.params()));
    }

    @Test
    void pretrainingLowersTheHeldOutTokenLoss() {
        int[][] tokens = groupedTokens(2);
        ComputationGraph g = CnnEncoder.newPretrainGraph(TINY.withTraining(2e-2, 32, 8));
        int[] rows = IntStream.range(0, tokens.length).toArray();
        double before = CnnEncoder.loss(g, tokens, rows, TINY, 99L);
        double[] epochs = CnnEncoder.pretrain(g, tokens, TINY.withTraining(2e-2, 32, 8), null);
        double after = CnnEncoder.loss(g, tokens, rows, TINY, 99L);
        // uniform over 64 tokens is ln 64 ≈ 4.16; knowing the group leaves ln 12 ≈ 2.48
        assertTrue(after < before - 0.5, "loss " + before + " -> " + after);
        assertTrue(epochs[epochs.length - 1] < epochs[0]);
    }

    @Test
    void windowRightAlignsTheLastTokensAndPadsTheRest() {
        INDArray w =
                SourceTokenizer.window(List.of(new int[] {4, 5}, new int[] {1, 2, 3, 4, 5, 6}), 4);
        assertArrayEquals(new float[] {0, 0, 4, 5}, w.getRow(0).toFloatVector());
        assertArrayEquals(new float[] {3, 4, 5, 6}, w.getRow(1).toFloatVector());
    }

    @Test
    void itemHashIsStableAndInRangeAndCategoriesHaveTheirOwnVocabulary() {
        for (int i = 0; i < 1000; i++) {
            int t = SourceTokenizer.hashItem("item-" + i, 100);
            assertTrue(t >= 1 && t < 100);
        }
        assertEquals(
                SourceTokenizer.hashItem("B00X", 1 << 15),
                SourceTokenizer.hashItem("B00X", 1 << 15));
        SourceTokenizer cats = SourceTokenizer.categories(List.of("books", "music"));
        assertEquals(4, cats.vocabSize());
        assertArrayEquals(new int[] {3, 2}, cats.tokens("x", new String[] {"music", "books"}));
        assertArrayEquals(
                new int[] {SourceTokenizer.UNKNOWN_CATEGORY},
                cats.tokens("x", new String[] {"films"}));
    }

    @Test
    void invalidConfigurationsAreRejected() {
        assertThrows(
                IllegalArgumentException.class,
                () -> TINY.withSeqLen(4)); // shorter than the conv width
        assertThrows(IllegalArgumentException.class, () -> TINY.withVocabSize(1));
    }
}

package io.crossinterest.encoder;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProjectedEncoderTest {
    /**
     * Users of every length: empty, shorter than the conv width, shorter and longer than the
     * window.
     */
    static List<int[]> users(int n, int vocab, int seqLen, long seed) {
        Random rnd = new Random(seed);
        List<int[]> out = new ArrayList<>();
        for (int u = 0; u < n; u++) {
            int[] t = new int[u % 7 == 0 ? u % 3 : 1 + rnd.nextInt(seqLen + 20)];
            for (int i = 0; i < t.length; i++) {
                t[i] = 1 + rnd.nextInt(vocab - 1);
            }
            out.add(t);
        }
        return out;
    }

    /** The same shape and |a − b| ≤ tolerance·max(1, |a|) for every entry. */
    static void assertClose(INDArray expected, INDArray actual, double tolerance) {
        assertArrayEquals(expected.shape(), actual.shape());
        float[] a = expected.dup('c').data().asFloat();
        float[] b = actual.dup('c').data().asFloat();
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], tolerance * Math.max(1, Math.abs(a[i])), "entry " + i);
        }
    }

    @Test
    void givesTheGraphsOutputsAfterPretraining() {
        EncoderConfig c = CnnEncoderTest.TINY.withTraining(2e-2, 32, 4);
        ComputationGraph g = CnnEncoder.newPretrainGraph(c);
        CnnEncoder.pretrain(g, CnnEncoderTest.groupedTokens(3), c, null);
        List<int[]> users = users(50, c.vocabSize, c.seqLen, 4);
        INDArray expected = CnnEncoder.encode(g, SourceTokenizer.window(users, c.seqLen));
        assertTrue(expected.sumNumber().doubleValue() > 0, "some unit active");
        assertClose(expected, ProjectedEncoder.of(g, c.seqLen).encode(users), 1e-5);
    }

    @Test
    void givesTheGraphsOutputsAtTheSeedsWindowWithLargeWeights() {
        // the seed's L = 100, width 5, pool 4 at a smaller vocabulary; weights ~ N(0, 0.5), so that
        // many units are active and the pre-activations reach the tens: float rounding of sums of
        // hundreds of such terms is ~1e-5 of the largest output, hence a tolerance relative to that
        // scale
        EncoderConfig c = EncoderConfig.defaults().withVocabSize(2000).withSizes(64, 32, 48);
        ComputationGraph g = CnnEncoder.newPretrainGraph(c);
        Random rnd = new Random(6);
        float[] w = new float[(int) g.numParams()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (0.5 * rnd.nextGaussian());
        }
        g.setParams(Nd4j.createFromArray(w).reshape(1, w.length));
        List<int[]> users = users(40, c.vocabSize, c.seqLen, 5);
        ProjectedEncoder p = ProjectedEncoder.of(g, c.seqLen);
        INDArray expected = CnnEncoder.encode(g, SourceTokenizer.window(users, c.seqLen));
        double scale = expected.amaxNumber().doubleValue();
        assertTrue(scale > 10, "large activations: " + scale);
        assertClose(expected, p.encode(users), 1e-5 * scale);
        // batch 1: the scratch buffers are reused
        assertClose(expected.getRow(3, true), p.encode(List.of(users.get(3))), 1e-5 * scale);
    }

    @Test
    void rejectsAGraphWithoutTheEncoder() {
        ComputationGraph g = CnnEncoder.newPretrainGraph(CnnEncoderTest.TINY);
        assertThrows(
                IllegalArgumentException.class,
                () -> ProjectedEncoder.of(g, 4)); // shorter than the conv width
    }
}

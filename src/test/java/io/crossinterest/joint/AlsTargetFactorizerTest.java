package io.crossinterest.joint;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.eval.CrossDomainSplit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlsTargetFactorizerTest {

    @Test
    void factorizesTheTargetTrainingRowsAndTheSourceBlock() {
        CrossDomainSplit s = Planted.split(21L);
        AlsConfig als =
                AlsConfig.defaults().withRank(4).withIterations(3).withSeed(1L).withThreads(1);
        CfFactors target = new AlsTargetFactorizer(als).factorize(s);
        assertEquals(4, target.rank());
        assertEquals(s.numTargetItems(), target.numItems());
        assertEquals(s.targetTrain.numRows(), target.numUsers());
        CfFactors source = AlsTargetFactorizer.sourceBlock(als).factorize(s);
        assertEquals(s.numSourceItems(), source.numItems());
        // items of one planted group co-occur: their source factors point the same way
        double same = cosine(source, 0, 1);
        double other = cosine(source, 0, Planted.ITEMS_PER_GROUP);
        assertTrue(same > other, "same-group cosine " + same + " vs other-group " + other);
    }

    private static double cosine(CfFactors f, int a, int b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int j = 0; j < f.rank(); j++) {
            double x = f.items()[a * f.rank() + j];
            double y = f.items()[b * f.rank() + j];
            dot += x * y;
            na += x * x;
            nb += y * y;
        }
        return dot / Math.sqrt(na * nb);
    }
}

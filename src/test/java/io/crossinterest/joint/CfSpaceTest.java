package io.crossinterest.joint;

import io.crossinterest.cf.als.AlsConfig;
import io.crossinterest.cf.als.AlsResult;
import io.crossinterest.cf.als.ImplicitAls;
import io.crossinterest.data.InteractionMatrix;
import io.crossinterest.eval.CrossDomainSplit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The collective CF space and the per-split choice of CF space (docs/joint-model.md change 11). */
class CfSpaceTest {
    static final AlsConfig ALS = SourceFoldingTest.ALS;

    @Test
    void collectiveSpaceIsOneFactorisationOfBothBlocksReadBothWays() {
        CrossDomainSplit s = Planted.split(5L);
        CollectiveFactorizer f = new CollectiveFactorizer(ALS, 0.5);
        CfFactors target = f.target().factorize(s);
        CfFactors source = f.source().factorize(s);
        assertSame(
                target.users(),
                source.users(),
                "one fit per split: both readings share the user factors");
        assertEquals(s.numTargetItems(), target.numItems());
        assertEquals(s.numSourceItems(), source.numItems());
        // the factorisation CMF ranks with: ALS on [0.5·R_s | R_t], item rows split at the source
        // block's width
        AlsResult r =
                new ImplicitAls(ALS)
                        .fit(InteractionMatrix.concatenate(s.source, s.targetTrain, 0.5));
        assertArrayEquals(r.users.data(), target.users(), 1e-12);
        assertArrayEquals(r.items.rows(0, s.numSourceItems()).data(), source.items(), 1e-12);
        assertArrayEquals(
                r.items.rows(s.numSourceItems(), s.numTargetItems()).data(), target.items(), 1e-12);
        // a cold user's target scores come from their source rows alone: their group's target items
        // rank first
        int hits = 0;
        int cold = 0;
        for (int u : s.testColdUsers) {
            double[] score = new double[s.numTargetItems()];
            for (int v = 0; v < score.length; v++) {
                for (int j = 0; j < ALS.rank; j++) {
                    score[v] += target.users()[u * ALS.rank + j] * target.items()[v * ALS.rank + j];
                }
            }
            int top = 0;
            for (int v = 1; v < score.length; v++) {
                top = score[v] > score[top] ? v : top;
            }
            hits += top / Planted.ITEMS_PER_GROUP == Planted.group(s, u) ? 1 : 0;
            cold++;
        }
        assertTrue(
                hits >= 0.9 * cold,
                hits + " of " + cold + " cold users get their group's item first");
    }

    @Test
    void aFitKeepsTheSpaceWhoseBridgeRanksTheValidationColdUsersBest(@TempDir Path dir)
            throws Exception {
        CrossDomainSplit s = Planted.split(11L);
        CfSpace informative = CfSpace.separate(ALS);
        CfSpace noise =
                new CfSpace(
                        "noise",
                        split -> noise(split.numUsers(), split.numTargetItems(), 1L),
                        split -> noise(split.numUsers(), split.numSourceItems(), 2L),
                        ALS);
        // one family: compared by their starts; two families: each trained, compared by the trained
        // models
        for (List<List<CfSpace>> families :
                List.of(
                        List.of(List.of(noise, informative)),
                        List.of(List.of(informative, noise)),
                        List.of(List.of(noise), List.of(informative)),
                        List.of(List.of(informative), List.of(noise)))) {
            Fitted m =
                    Fitted.fit(
                            new JointEstimator(
                                    Planted.tinyJoint()
                                            .withSourceFolding(true)
                                            .withBridgeRidge(0.01)
                                            .withTraining(1e-9, 32, 1, 1),
                                    families),
                            s);
            assertEquals("separate", m.cfSpace(), "families " + families);
            double chosen = m.cfSpaceValidation().get("separate");
            double other = m.cfSpaceValidation().get("noise");
            assertTrue(chosen > other + 0.2, chosen + " vs " + other);
            assertTrue(m.selection().startsWith("space=separate, "), m.selection());
            JointBundle.save(
                    m.model(), dir,
                    1); // the bundle says which space its Q and source folding come from
            assertEquals("separate", JointBundle.load(dir).metadata().cfSpace());
            // the kept model is the separate space's: its P̂ is scored against that space's Q
            assertArrayEquals(
                    informative.target().factorize(s).items(), m.cfFactors().items(), 1e-12);
        }
        // without the bridge there is no start to compare: the first candidate is used as given
        Fitted first =
                Fitted.fit(
                        new JointEstimator(
                                Planted.tinyJoint()
                                        .withSourceFolding(true)
                                        .withTraining(1e-9, 32, 1, 1),
                                List.of(List.of(noise, informative), List.of(informative))),
                        s);
        assertEquals("noise", first.cfSpace());
        assertTrue(first.cfSpaceValidation().isEmpty());
        // given one factorizer, the model names no space
        Fitted plain =
                Fitted.fit(
                        Planted.tinyJoint().withSourceFolding(true).withTraining(1e-9, 32, 1, 1),
                        Planted::als,
                        AlsTargetFactorizer.sourceBlock(ALS),
                        ALS,
                        s);
        assertNull(plain.cfSpace());
    }

    private static CfFactors noise(int users, int items, long seed) {
        Random rnd = new Random(seed);
        double[] p = new double[users * ALS.rank];
        double[] q = new double[items * ALS.rank];
        for (int i = 0; i < p.length; i++) {
            p[i] = rnd.nextGaussian();
        }
        for (int i = 0; i < q.length; i++) {
            q[i] = rnd.nextGaussian();
        }
        return new CfFactors(ALS.rank, users, items, p, q);
    }
}

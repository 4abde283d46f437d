package io.crossinterest.baselines;

import io.crossinterest.eval.ColdStartEvaluator;
import io.crossinterest.eval.ColdStartModel;
import io.crossinterest.eval.ColdStartModelProvider;
import io.crossinterest.eval.ColdStartSplits;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.EvaluationResult;
import io.crossinterest.eval.EvaluationRun;
import io.crossinterest.eval.InteractionBlock;
import io.crossinterest.eval.ModelRegistry;
import io.crossinterest.eval.ModelSettings;
import io.crossinterest.eval.PlantedCrossDomain;
import io.crossinterest.eval.SelectionReport;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every baseline on a planted cross-domain data set (taste groups shared by both blocks): each
 * beats random, and the transfer models (CMF, EMCDR, PTUPCDR, source-knn, source-items), which can
 * read a cold user's group from their source items, beat popularity, which cannot.
 */
class BaselinesPlantedTest {
    private static final Map<String, Double> NDCG = new LinkedHashMap<>();
    private static double randomNdcg;

    @BeforeAll
    static void runAll() {
        InteractionBlock[] b = PlantedCrossDomain.blocks(800, 8, 25, 8, 6, 42);
        CrossDomainSplit split = ColdStartSplits.draw("planted", b[0], b[1], 0.2, 0.15, 1);
        ModelSettings settings = new ModelSettings(1, 8, 5, 15, 2);
        CrossDomainSplit train = split.withoutTest();
        for (String name : ModelRegistry.fromClassPath().names()) {
            if (name.startsWith("joint")) {
                continue;
            }
            ColdStartModel m = ModelRegistry.fromClassPath().create(name, settings);
            long t0 = System.nanoTime();
            m.fit(train);
            System.out.println(
                    name
                            + " fit "
                            + (System.nanoTime() - t0) / 1e9
                            + " s, "
                            + (m instanceof SelectionReport
                                    ? ((SelectionReport) m).selection()
                                    : ""));
            NDCG.put(
                    name,
                    ColdStartEvaluator.evaluateTest(split, m, 1, null)
                            .get(ColdStartEvaluator.NDCG_10));
        }
        ColdStartModel random =
                new ColdStartModel() {
                    @Override
                    public String name() {
                        return "random";
                    }

                    @Override
                    public void fit(CrossDomainSplit s) {}

                    @Override
                    public void scoreItems(int user, double[] out) {
                        Random r = new Random(user);
                        for (int i = 0; i < out.length; i++) {
                            out[i] = r.nextDouble();
                        }
                    }
                };
        randomNdcg =
                ColdStartEvaluator.evaluateTest(split, random, 1, null)
                        .get(ColdStartEvaluator.NDCG_10);
        System.out.println("planted ndcg@10: " + NDCG + ", random " + randomNdcg);
    }

    @Test
    void allFiveBaselinesAreRegistered() {
        assertTrue(
                NDCG.keySet()
                        .containsAll(List.of("popularity", "target-cf", "cmf", "emcdr", "ptupcdr")),
                NDCG.toString());
    }

    @Test
    void everyBaselineBeatsRandom() {
        NDCG.forEach(
                (m, v) ->
                        assertTrue(
                                v > 1.5 * randomNdcg,
                                m + " ndcg@10 " + v + " vs random " + randomNdcg));
    }

    @Test
    void transferBaselinesBeatPopularity() {
        double pop = NDCG.get("popularity");
        for (String m : List.of("cmf", "emcdr", "ptupcdr", "source-knn", "source-items")) {
            assertTrue(
                    NDCG.get(m) > 1.3 * pop,
                    m + " ndcg@10 " + NDCG.get(m) + " vs popularity " + pop);
        }
        // target-only CF has nothing for cold users but its popularity fallback
        assertEquals(pop, NDCG.get("target-cf"), 1e-12);
    }

    @Test
    void modelsNeverSeeTheTestRows() {
        InteractionBlock[] b = PlantedCrossDomain.blocks(100, 2, 10, 4, 4, 3);
        int[] seenTestRows = {-1};
        ModelRegistry registry =
                new ModelRegistry()
                        .register(
                                new ColdStartModelProvider() {
                                    @Override
                                    public String name() {
                                        return "spy";
                                    }

                                    @Override
                                    public ColdStartModel create(ModelSettings s) {
                                        return new ColdStartModel() {
                                            @Override
                                            public String name() {
                                                return "spy";
                                            }

                                            @Override
                                            public void fit(CrossDomainSplit split) {
                                                seenTestRows[0] = split.targetTest.nnz();
                                            }

                                            @Override
                                            public void scoreItems(int user, double[] out) {}
                                        };
                                    }
                                });
        EvaluationResult r =
                EvaluationRun.run(
                        "p",
                        0.5,
                        List.of(1L),
                        seed -> ColdStartSplits.draw("p", b[0], b[1], 0.5, 0.1, seed),
                        List.of("spy"),
                        registry,
                        new ModelSettings(1, 4, 1, 1, 1),
                        null,
                        msg -> {});
        assertEquals(0, seenTestRows[0]);
        assertTrue(r.values.get("spy").get(ColdStartEvaluator.NDCG_10).get(0) >= 0);
    }
}

package io.crossinterest.cf.als;

import io.crossinterest.data.InteractionMatrix;

import org.apache.flink.api.common.BatchShuffleMode;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.ml.common.datastream.TableUtils;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.internal.TableImpl;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Als / AlsModel in Flink ML's test shape, on a MiniCluster in BATCH mode. */
class AlsTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private StreamExecutionEnvironment env;
    private StreamTableEnvironment tEnv;

    /**
     * (user, item, rating) rows of a planted matrix, and history rows (user, item) for transform.
     */
    private static final PlantedData DATA = new PlantedData(300, 120, 4, 10, 3L);

    @BeforeEach
    void setUp() {
        env = environment(2);
        tEnv = StreamTableEnvironment.create(env);
    }

    private static StreamExecutionEnvironment environment(int parallelism) {
        StreamExecutionEnvironment e = StreamExecutionEnvironment.getExecutionEnvironment();
        e.setRuntimeMode(RuntimeExecutionMode.BATCH);
        e.setParallelism(parallelism);
        return e;
    }

    private static Table ratings(StreamTableEnvironment t, InteractionMatrix m) {
        List<Row> rows = new ArrayList<>();
        for (int u = 0; u < m.numRows(); u++) {
            for (int q = m.rowStart(u); q < m.rowEnd(u); q++) {
                rows.add(Row.of((long) u, (long) m.col(q), m.value(q)));
            }
        }
        return t.fromDataStream(
                TableEnvHolder.env(t)
                        .fromCollection(
                                rows,
                                Types.ROW_NAMED(
                                        new String[] {"user", "item", "rating"},
                                        Types.LONG,
                                        Types.LONG,
                                        Types.DOUBLE)));
    }

    /** Access to a table environment's stream environment in tests. */
    private static final class TableEnvHolder {
        static StreamExecutionEnvironment env(StreamTableEnvironment t) {
            return TableUtils.getExecutionEnvironment(t);
        }
    }

    private static List<Row> collect(Table t) throws Exception {
        StreamTableEnvironment te = (StreamTableEnvironment) ((TableImpl) t).getTableEnvironment();
        List<Row> out = new ArrayList<>();
        try (CloseableIterator<Row> it = te.toDataStream(t).executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    private static Map<String, double[]> factors(Table modelData) throws Exception {
        return bySideAndId(collect(modelData).iterator());
    }

    /** Model data rows as "side:id" → factors. */
    private static Map<String, double[]> bySideAndId(Iterator<Row> rows) {
        Map<String, double[]> out = new HashMap<>();
        rows.forEachRemaining(
                r ->
                        out.put(
                                r.getField("side") + ":" + r.getField("id"),
                                (double[]) r.getField("factors")));
        return out;
    }

    /** {@link #factors}, or the job cancelled and a failure when it has not finished in time. */
    private static Map<String, double[]> factorsWithin(
            StreamTableEnvironment t, Table modelData, Duration limit) throws Exception {
        DataStream<Row> rows = t.toDataStream(modelData);
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try (CloseableIterator<Row> it = rows.collectAsync()) {
            JobClient job = rows.getExecutionEnvironment().executeAsync("ALS factors");
            Future<Map<String, double[]>> read = reader.submit(() -> bySideAndId(it));
            try {
                return read.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                job.cancel().get(1, TimeUnit.MINUTES);
                return fail("the ALS job did not finish within " + limit);
            }
        } finally {
            reader.shutdownNow();
        }
    }

    @Test
    void testParam() {
        Als als = new Als();
        assertEquals("user", als.getUserCol());
        assertEquals("item", als.getItemCol());
        assertEquals("rating", als.getRatingCol());
        assertEquals("prediction", als.getPredictionCol());
        assertEquals(10, als.getRank());
        assertEquals(0.1, als.getRegParam());
        assertEquals(1.0, als.getAlpha());
        assertTrue(als.getImplicit());
        assertEquals("l2", als.getRegularization());
        assertEquals("cholesky", als.getSolver());
        assertEquals(3, als.getCgSteps());
        assertEquals(8, als.getNumBlocks());
        assertEquals(10, als.getNumRecommendations());

        als.setUserCol("u")
                .setItemCol("i")
                .setRatingCol("r")
                .setPredictionCol("p")
                .setRank(4)
                .setRegParam(0.5)
                .setAlpha(3)
                .setRegularization("weighted")
                .setSolver("cg")
                .setCgSteps(2)
                .setNumBlocks(3)
                .setNumRecommendations(5)
                .setMaxIter(7)
                .setSeed(11L)
                .setImplicit(false);
        assertEquals("u", als.getUserCol());
        assertEquals(4, als.getRank());
        assertEquals("weighted", als.getRegularization());
        assertEquals("cg", als.getSolver());
        assertEquals(7, als.getMaxIter());
        assertEquals(11L, als.getSeed());
        assertFalse(als.getImplicit());
        assertFalse(AlsConfig.from(als).implicit);

        assertThrows(IllegalArgumentException.class, () -> als.setRank(0));
        assertThrows(IllegalArgumentException.class, () -> als.setSolver("lu"));
        assertThrows(IllegalArgumentException.class, () -> als.setRegularization("l1"));
        assertThrows(IllegalArgumentException.class, () -> als.setRegParam(-1.0));
        assertThrows(IllegalArgumentException.class, () -> als.setNumBlocks(0));
        assertThrows(IllegalArgumentException.class, () -> als.set(AlsParams.IMPLICIT, null));
    }

    @Test
    void testOutputSchema() {
        Table input = ratings(tEnv, DATA.train);
        AlsModel model = new Als().setRank(3).setMaxIter(1).setPredictionCol("score").fit(input);
        Table[] out = model.transform(input);
        assertEquals(2, out.length);
        assertEquals(
                Arrays.asList("user", "item", "rating", "score"),
                out[0].getResolvedSchema().getColumnNames());
        assertEquals(
                Arrays.asList("user", "items", "scores"),
                out[1].getResolvedSchema().getColumnNames());
        assertEquals(
                Arrays.asList("side", "id", "factors"),
                model.getModelData()[0].getResolvedSchema().getColumnNames());
    }

    @Test
    void testFitAndPredict() throws Exception {
        Table input = ratings(tEnv, DATA.train);
        AlsModel model =
                new Als()
                        .setRank(8)
                        .setMaxIter(6)
                        .setAlpha(5)
                        .setSeed(1L)
                        .setNumRecommendations(10)
                        .fit(input);
        Table[] out = model.transform(input);
        // recommendations exclude the user's own rows; the held-out item should often be among the
        // top 10
        List<Row> recs = collect(out[1]);
        assertEquals(DATA.numUsers, recs.size());
        int hits = 0;
        for (Row r : recs) {
            int u = ((Long) r.getField("user")).intValue();
            long[] items = (long[]) r.getField("items");
            assertEquals(10, items.length);
            for (long i : items) {
                assertEquals(0.0, DATA.train.get(u, (int) i), "recommended a seen item");
                hits += i == DATA.heldOutItem[u] ? 1 : 0;
            }
            double[] scores = (double[]) r.getField("scores");
            for (int j = 1; j < scores.length; j++) {
                assertTrue(scores[j] <= scores[j - 1], "scores not sorted");
            }
        }
        double recall = hits / (double) DATA.numUsers;
        double popularity = DATA.popularityRecallAt10();
        assertTrue(
                recall > 1.5 * popularity && recall > popularity + 0.05,
                "recall@10 " + recall + " vs popularity " + popularity);
        // predictions: one per input row, observed pairs score near 1 on average
        List<Row> predictions = collect(out[0]);
        assertEquals(DATA.train.nnz(), predictions.size());
        double mean =
                predictions.stream()
                        .mapToDouble(r -> (Double) r.getField("prediction"))
                        .average()
                        .orElse(0);
        assertTrue(mean > 0.5, "mean prediction on training pairs " + mean);
    }

    @Test
    void testSaveLoadAndPredict(@TempDir Path dir) throws Exception {
        Table input = ratings(tEnv, DATA.train);
        AlsModel model = new Als().setRank(4).setMaxIter(2).setNumRecommendations(3).fit(input);
        Map<String, double[]> before = factors(model.getModelData()[0]);
        String path = dir.resolve("als-model").toString();
        model.save(path);
        env.execute("save");
        AlsModel loaded = AlsModel.load(tEnv, path);
        assertEquals(3, loaded.getNumRecommendations());
        Map<String, double[]> after = factors(loaded.getModelData()[0]);
        assertEquals(before.keySet(), after.keySet());
        for (String key : before.keySet()) {
            assertArrayEquals(before.get(key), after.get(key), 0.0, key);
        }
        List<Row> recs = collect(loaded.transform(input)[1]);
        assertEquals(DATA.numUsers, recs.size());

        new Als().setRank(5).setSolver("cg").setImplicit(false).save(dir.resolve("als").toString());
        Als reloaded = Als.load(tEnv, dir.resolve("als").toString());
        assertEquals(5, reloaded.getRank());
        assertEquals("cg", reloaded.getSolver());
        assertFalse(reloaded.getImplicit());
        new Als().save(dir.resolve("als-default").toString());
        assertTrue(Als.load(tEnv, dir.resolve("als-default").toString()).getImplicit());
    }

    @Test
    void testGetModelData() throws Exception {
        Table input = ratings(tEnv, DATA.train);
        AlsModel model = new Als().setRank(3).setMaxIter(1).fit(input);
        Map<String, double[]> f = factors(model.getModelData()[0]);
        int items = 0;
        for (int i = 0; i < DATA.train.numCols(); i++) {
            items += f.containsKey("1:" + i) ? 1 : 0;
        }
        assertEquals(DATA.numUsers, f.size() - items);
        f.values().forEach(v -> assertEquals(3, v.length));
    }

    @Test
    void testSetModelData() throws Exception {
        List<AlsModelData> records =
                List.of(
                        new AlsModelData(AlsModelData.USER, 7L, new double[] {1, 2}),
                        new AlsModelData(AlsModelData.ITEM, 1L, new double[] {1, 0}),
                        new AlsModelData(AlsModelData.ITEM, 2L, new double[] {0, 1}),
                        new AlsModelData(AlsModelData.ITEM, 3L, new double[] {1, 1}),
                        new AlsModelData(AlsModelData.ITEM, 4L, new double[] {-1, 0}));
        Table modelData = AlsModelData.toTable(tEnv, env.fromCollection(records));
        AlsModel model = new AlsModel().setModelData(modelData).setNumRecommendations(2);
        Table input =
                tEnv.fromDataStream(
                        env.fromCollection(
                                List.of(Row.of(7L, 3L), Row.of(7L, 9L), Row.of(8L, 1L)),
                                Types.ROW_NAMED(
                                        new String[] {"user", "item"}, Types.LONG, Types.LONG)));
        Table[] out = model.transform(input);
        List<Row> predictions = collect(out[0]);
        predictions.sort(
                Comparator.comparing(
                        r -> (Long) r.getField("user") * 100 + (Long) r.getField("item")));
        assertEquals(3.0, (Double) predictions.get(0).getField("prediction"), 1e-12); // (1,2)·(1,1)
        assertTrue(
                Double.isNaN((Double) predictions.get(1).getField("prediction"))); // unknown item 9
        assertTrue(
                Double.isNaN((Double) predictions.get(2).getField("prediction"))); // unknown user 8
        List<Row> recs = collect(out[1]);
        assertEquals(1, recs.size()); // user 8 is not in the model
        assertArrayEquals(
                new long[] {2L, 1L},
                (long[]) recs.get(0).getField("items")); // 3 was seen; 2 > 1 > 4
        assertArrayEquals(
                new double[] {2.0, 1.0}, (double[]) recs.get(0).getField("scores"), 1e-12);
    }

    @Test
    void parallelismDoesNotChangeTheFactorsAndMatchesTheInProcessSolver() throws Exception {
        AlsConfig cfg =
                new AlsConfig(
                        4,
                        3,
                        0.2,
                        4.0,
                        AlsConfig.Regularization.WEIGHTED,
                        AlsConfig.Solver.CHOLESKY,
                        3,
                        5L,
                        1);
        Map<String, double[]>[] runs = new Map[2];
        for (int p = 1; p <= 2; p++) {
            StreamExecutionEnvironment e = environment(p);
            StreamTableEnvironment t = StreamTableEnvironment.create(e);
            AlsModel model =
                    new Als()
                            .setRank(cfg.rank)
                            .setMaxIter(cfg.iterations)
                            .setRegParam(cfg.lambda)
                            .setAlpha(cfg.alpha)
                            .setRegularization("weighted")
                            .setSeed(cfg.seed)
                            .setNumBlocks(3)
                            .fit(ratings(t, DATA.train));
            runs[p - 1] = factors(model.getModelData()[0]);
        }
        assertEquals(runs[0].keySet(), runs[1].keySet());
        for (String key : runs[0].keySet()) {
            assertArrayEquals(runs[0].get(key), runs[1].get(key), 0.0, key);
        }
        // the distributed graph computes what the in-process solver computes (up to the order of
        // the Gram sums)
        AlsResult local = new ImplicitAls(cfg).fit(DATA.train);
        boolean anyDifferent = false;
        for (int u = 0; u < DATA.numUsers; u++) {
            assertArrayEquals(local.users.row(u), runs[0].get("0:" + u), 1e-6, "user " + u);
        }
        for (int i = 0; i < DATA.train.numCols(); i++) {
            double[] f = runs[0].get("1:" + i);
            if (f != null) {
                assertArrayEquals(local.items.row(i), f, 1e-6, "item " + i);
                anyDifferent |= f[0] != 0;
            }
        }
        assertTrue(anyDifferent);
    }

    /**
     * With pipelined exchanges (every stage of the unrolled graph running at once, as a cluster
     * whose Flink configuration sets {@code execution.batch-shuffle-mode: ALL_EXCHANGES_PIPELINED}
     * runs it) the job finishes and gives the blocking job's factors. Each user block's own factors
     * (10,000 users × rank 16 = 1.3 MB) are more than the network buffers between two subtasks
     * hold: a builder that sent them itself, before its output ended, waited forever for the first
     * user half-step, which reads its blocks to the end before any message. A job that does not
     * finish within minutes (it takes seconds) is cancelled and the test fails, rather than hanging
     * the suite.
     */
    @Test
    void pipelinedExchangesGiveTheBlockingFactors() throws Exception {
        PlantedData d = new PlantedData(20_000, 200, 4, 5, 9L);
        Map<String, double[]>[] runs = new Map[2];
        for (int run = 0; run < 2; run++) {
            StreamExecutionEnvironment e = environment(2);
            if (run == 1) {
                Configuration conf = new Configuration();
                conf.set(
                        ExecutionOptions.BATCH_SHUFFLE_MODE,
                        BatchShuffleMode.ALL_EXCHANGES_PIPELINED);
                // the adaptive batch scheduler refuses pipelined exchanges
                conf.set(JobManagerOptions.SCHEDULER, JobManagerOptions.SchedulerType.Default);
                e.configure(conf, AlsTest.class.getClassLoader());
            }
            StreamTableEnvironment t = StreamTableEnvironment.create(e);
            AlsModel model =
                    new Als()
                            .setRank(16)
                            .setMaxIter(2)
                            .setSolver("cg")
                            .setSeed(4L)
                            .setNumBlocks(2)
                            .fit(ratings(t, d.train));
            runs[run] = factorsWithin(t, model.getModelData()[0], Duration.ofMinutes(5));
        }
        assertTrue(runs[0].size() > 20_000, runs[0].size() + " factors");
        assertEquals(runs[0].keySet(), runs[1].keySet());
        for (String key : runs[0].keySet()) {
            assertArrayEquals(runs[0].get(key), runs[1].get(key), 0.0, key);
        }
    }

    @Test
    void explicitRatingsParallelismOneEqualsTwoMatchesInProcessAndPredictsHeldOutRatings()
            throws Exception {
        PlantedRatings d = new PlantedRatings(200, 120, 3, 30, 3, 0.2, 13L);
        AlsConfig cfg =
                new AlsConfig(
                        4,
                        6,
                        0.05,
                        1.0,
                        AlsConfig.Regularization.WEIGHTED,
                        AlsConfig.Solver.CHOLESKY,
                        3,
                        5L,
                        1,
                        false);
        Map<String, double[]>[] runs = new Map[2];
        List<Row> heldOut = null;
        for (int p = 1; p <= 2; p++) {
            StreamExecutionEnvironment e = environment(p);
            StreamTableEnvironment t = StreamTableEnvironment.create(e);
            AlsModel model =
                    new Als()
                            .setImplicit(false)
                            .setRank(cfg.rank)
                            .setMaxIter(cfg.iterations)
                            .setRegParam(cfg.lambda)
                            .setRegularization("weighted")
                            .setSeed(cfg.seed)
                            .setNumBlocks(3)
                            .fit(ratings(t, d.train));
            runs[p - 1] = factors(model.getModelData()[0]);
            if (p == 2) {
                List<Row> test = new ArrayList<>();
                for (int q = 0; q < d.testUser.length; q++) {
                    test.add(Row.of((long) d.testUser[q], (long) d.testItem[q], d.testRating[q]));
                }
                heldOut =
                        collect(
                                model.transform(
                                                t.fromDataStream(
                                                        e.fromCollection(
                                                                test,
                                                                Types.ROW_NAMED(
                                                                        new String[] {
                                                                            "user", "item", "rating"
                                                                        },
                                                                        Types.LONG,
                                                                        Types.LONG,
                                                                        Types.DOUBLE))))[0]);
            }
        }
        assertEquals(runs[0].keySet(), runs[1].keySet());
        for (String key : runs[0].keySet()) {
            assertArrayEquals(runs[0].get(key), runs[1].get(key), 0.0, key);
        }
        // the distributed graph (no Gram messages) computes what the in-process explicit solver
        // computes
        AlsResult local = new ImplicitAls(cfg).fit(d.train);
        for (int u = 0; u < d.numUsers; u++) {
            assertArrayEquals(local.users.row(u), runs[0].get("0:" + u), 1e-6, "user " + u);
        }
        for (int i = 0; i < d.numItems; i++) {
            double[] f = runs[0].get("1:" + i);
            if (f != null) {
                assertArrayEquals(local.items.row(i), f, 1e-6, "item " + i);
            }
        }
        // predictions of held-out ratings through AlsModel.transform, against the global-mean
        // baseline
        assertEquals(d.testUser.length, heldOut.size());
        double sum = 0;
        int scored = 0;
        for (Row r : heldOut) {
            double prediction = (Double) r.getField("prediction");
            if (!Double.isNaN(
                    prediction)) { // an item that only occurs held out is not in the model
                double err = (Double) r.getField("rating") - prediction;
                sum += err * err;
                scored++;
            }
        }
        assertTrue(scored > 0.95 * heldOut.size(), scored + " of " + heldOut.size() + " scored");
        double rmse = Math.sqrt(sum / scored);
        double baseline = d.globalMeanRmse();
        assertTrue(rmse < 0.5 * baseline, "held-out RMSE " + rmse + " vs global mean " + baseline);
    }

    @Test
    void rejectsMissingColumns() {
        Table input =
                tEnv.fromDataStream(
                        env.fromCollection(
                                List.of(Row.of(1L, 2L)),
                                Types.ROW_NAMED(
                                        new String[] {"user", "item"}, Types.LONG, Types.LONG)));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new Als().fit(input));
        assertTrue(e.getMessage().contains("rating"), e.getMessage());
        assertFalse(e.getMessage().isEmpty());
    }
}

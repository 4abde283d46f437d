package io.crossinterest.bench;

import io.crossinterest.data.InteractionMatrix;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The reference side of the ALS benchmark in its own JVM: Spark MLlib ALS, local mode on {@code
 * threads} cores, implicitPrefs, same data, rank, λ (Spark always scales it by each row's
 * interaction count: ALS-WR), α, iterations. Prints one line {@code RESULT <json>}.
 */
@Command(name = "spark-als")
public final class SparkAlsRunner implements Callable<Integer> {
    @Mixin RunSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SparkAlsRunner()).execute(args));
    }

    @Override
    public Integer call() {
        double loadAtStart = NativeBlasReport.loadAverage();
        BenchData data = spec.loadData();
        SparkSession spark =
                SparkSession.builder()
                        .master("local[" + spec.threads + "]")
                        .appName("als-bench")
                        .config("spark.ui.enabled", "false")
                        .config("spark.sql.shuffle.partitions", 2 * spec.threads)
                        .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        try {
            InteractionMatrix m = data.train;
            List<Row> rows = new ArrayList<>(m.nnz());
            for (int u = 0; u < m.numRows(); u++) {
                for (int q = m.rowStart(u); q < m.rowEnd(u); q++) {
                    rows.add(RowFactory.create(u, m.col(q), (float) m.value(q)));
                }
            }
            StructType schema =
                    new StructType()
                            .add("user", DataTypes.IntegerType)
                            .add("item", DataTypes.IntegerType)
                            .add("rating", DataTypes.FloatType);
            Dataset<Row> df = spark.createDataFrame(rows, schema).cache();
            df.count();
            ObjectMapper om = new ObjectMapper();
            ObjectNode out = om.createObjectNode();
            ArrayNode recalls = out.putArray("recall_at_10");
            ArrayNode perIter = out.putArray("s_per_iter");
            // warm-up (class loading, JIT, Spark's first jobs), not timed
            new ALS()
                    .setImplicitPrefs(true)
                    .setRank(spec.rank)
                    .setMaxIter(1)
                    .setUserCol("user")
                    .setItemCol("item")
                    .setRatingCol("rating")
                    .fit(df);
            for (long seed : spec.seeds) {
                ALS als =
                        new ALS()
                                .setImplicitPrefs(true)
                                .setRank(spec.rank)
                                .setRegParam(spec.lambda)
                                .setAlpha(spec.alpha)
                                .setSeed(seed)
                                .setUserCol("user")
                                .setItemCol("item")
                                .setRatingCol("rating");
                // s/iter = (t(T iterations) − t(1 iteration)) / (T − 1), exactly as for ours
                long t0 = System.nanoTime();
                als.setMaxIter(1).fit(df);
                long t1 = System.nanoTime();
                ALSModel model = als.setMaxIter(spec.iterations).fit(df);
                long t2 = System.nanoTime();
                perIter.add(((t2 - t1) - (t1 - t0)) / 1e9 / (spec.iterations - 1));
                double[] users = factors(model.userFactors(), m.numRows(), spec.rank);
                double[] items = factors(model.itemFactors(), m.numCols(), spec.rank);
                recalls.add(RecallEvaluator.recallAt10(data, users, items, spec.rank));
            }
            out.put("spark_version", spark.version());
            out.put("num_blocks", "default (10 user, 10 item)");
            out.put("load_average_at_start", loadAtStart);
            ObjectNode blas = NativeBlasReport.capture();
            // what Spark's ALS calls: ml.linalg.BLAS.nativeBLAS (dspr of the normal equations,
            // level-3), its javaBLAS (level 1), and netlib's LAPACK (dppsv of the Cholesky solve);
            // each falls back to the Java implementation when the machine has no libblas.so.3 /
            // liblapack.so.3
            blas.put(
                    "spark_nativeBLAS",
                    instanceName("org.apache.spark.ml.linalg.BLAS", "nativeBLAS"));
            blas.put("spark_javaBLAS", instanceName("org.apache.spark.ml.linalg.BLAS", "javaBLAS"));
            blas.put(
                    "netlib_LAPACK",
                    instanceName("dev.ludovic.netlib.lapack.LAPACK", "getInstance"));
            out.set("blas", blas);
            System.out.println("RESULT " + out);
        } finally {
            spark.stop();
        }
        return 0;
    }

    /**
     * The class of the instance {@code cls.method()} returns (Spark's BLAS objects are internal: by
     * reflection).
     */
    private static String instanceName(String cls, String method) {
        try {
            Object o;
            try {
                o = Class.forName(cls).getMethod(method).invoke(null);
            } catch (NoSuchMethodException e) {
                // a Scala object without static forwarders: its singleton MODULE$
                Object module = Class.forName(cls + "$").getField("MODULE$").get(null);
                o = module.getClass().getMethod(method).invoke(module);
            }
            return o.getClass().getName();
        } catch (ReflectiveOperationException | LinkageError e) {
            return "unavailable: " + e;
        }
    }

    /** Spark's (id, features: array of float) rows as a dense row-major double matrix. */
    private static double[] factors(Dataset<Row> f, int n, int k) {
        double[] out = new double[n * k];
        for (Row r : f.collectAsList()) {
            int id = r.getInt(0);
            List<Object> v = r.getList(1);
            for (int j = 0; j < k; j++) {
                out[id * k + j] = ((Number) v.get(j)).doubleValue();
            }
        }
        return out;
    }
}

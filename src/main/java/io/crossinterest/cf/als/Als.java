package io.crossinterest.cf.als;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.ml.api.Estimator;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.util.ParamUtils;
import org.apache.flink.ml.util.ReadWriteUtils;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.internal.TableImpl;
import org.apache.flink.types.Row;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * ALS as a Flink ML Estimator: implicit feedback (Hu, Koren, Volinsky 2008; the default) or, with
 * {@code setImplicit(false)}, explicit ratings fitted on the observed cells only (see {@link
 * AlsKernels}). {@code fit} takes one table of (user, item, rating) and trains user and item
 * factors distributed over the job's parallel subtasks (users and items in {@code numBlocks} blocks
 * each; see {@link AlsBlocks} for the graph and its cost); the result is an {@link AlsModel} whose
 * model data is the factor table ({@link AlsModelData}).
 *
 * <p>Iterations are unrolled into one bounded job graph (Flink ML's iteration runtime is not
 * available); run the environment in BATCH mode. The factors depend on the seed and {@code
 * numBlocks}, not on the parallelism.
 */
public class Als implements Estimator<Als, AlsModel>, AlsParams<Als> {
    private final Map<Param<?>, Object> paramMap = new HashMap<>();

    public Als() {
        ParamUtils.initializeMapWithDefaultValues(paramMap, this);
    }

    @Override
    public AlsModel fit(Table... inputs) {
        if (inputs.length != 1) {
            throw new IllegalArgumentException(
                    "Als.fit takes one table of (user, item, rating), got " + inputs.length);
        }
        StreamTableEnvironment tEnv =
                (StreamTableEnvironment) ((TableImpl) inputs[0]).getTableEnvironment();
        AlsConfig cfg = AlsConfig.from(this);
        int numBlocks = getNumBlocks();
        String userCol = getUserCol();
        String itemCol = getItemCol();
        String ratingCol = getRatingCol();
        for (String c : new String[] {userCol, itemCol, ratingCol}) {
            if (!inputs[0].getResolvedSchema().getColumnNames().contains(c)) {
                throw new IllegalArgumentException(
                        "input table has no column '"
                                + c
                                + "'; columns: "
                                + inputs[0].getResolvedSchema().getColumnNames());
            }
        }
        DataStream<Tuple3<Long, Long, Double>> ratings =
                tEnv.toDataStream(inputs[0])
                        .map(row -> toRating(row, userCol, itemCol, ratingCol))
                        .returns(Types.TUPLE(Types.LONG, Types.LONG, Types.DOUBLE))
                        .name("als-ratings")
                        .uid("als-ratings");
        DataStream<Tuple3<Long, Long, Double>> transposed =
                ratings.map(t -> Tuple3.of(t.f1, t.f0, t.f2))
                        .returns(Types.TUPLE(Types.LONG, Types.LONG, Types.DOUBLE))
                        .name("als-ratings-by-item")
                        .uid("als-ratings-by-item");
        DataStream<AlsModelData> modelData = AlsBlocks.train(ratings, transposed, cfg, numBlocks);
        AlsModel model = new AlsModel().setModelData(AlsModelData.toTable(tEnv, modelData));
        ParamUtils.updateExistingParams(model, paramMap);
        return model;
    }

    private static Tuple3<Long, Long, Double> toRating(
            Row row, String userCol, String itemCol, String ratingCol) {
        Object u = row.getField(userCol);
        Object i = row.getField(itemCol);
        Object r = row.getField(ratingCol);
        if (!(u instanceof Number) || !(i instanceof Number) || !(r instanceof Number)) {
            throw new IllegalArgumentException(
                    "ALS input row needs numeric "
                            + userCol
                            + ", "
                            + itemCol
                            + ", "
                            + ratingCol
                            + ": "
                            + row);
        }
        double v = ((Number) r).doubleValue();
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("ALS input row has a non-finite rating: " + row);
        }
        return Tuple3.of(((Number) u).longValue(), ((Number) i).longValue(), v);
    }

    @Override
    public Map<Param<?>, Object> getParamMap() {
        return paramMap;
    }

    @Override
    public void save(String path) throws IOException {
        ReadWriteUtils.saveMetadata(this, path);
    }

    public static Als load(StreamTableEnvironment tEnv, String path) throws IOException {
        return ReadWriteUtils.loadStageParam(path);
    }
}

package io.crossinterest.cf.als;

import org.apache.flink.api.common.functions.CoGroupFunction;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.ml.api.Model;
import org.apache.flink.ml.common.datastream.EndOfStreamWindows;
import org.apache.flink.ml.common.datastream.TableUtils;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.util.ParamUtils;
import org.apache.flink.ml.util.ReadWriteUtils;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.internal.TableImpl;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The model {@link Als} fits: user and item factors (model data: {@link AlsModelData}).
 *
 * <p>{@code transform(input)} takes a table with user and item columns (a user's rows are its
 * history) and returns two tables:
 *
 * <ol>
 *   <li>the input with a prediction column: x_u·y_i, NaN when the user or the item is not in the
 *       model;
 *   <li>recommendations: for every user of the input that the model knows, the {@code
 *       numRecommendations} items with the highest x_u·y_i among those not in the user's input
 *       rows: columns (user, items ARRAY&lt;BIGINT&gt;, scores ARRAY&lt;DOUBLE&gt;), best first,
 *       ties by smaller item id.
 * </ol>
 *
 * Distribution: input rows meet their user's factor (keyed by user) and then their item's factor
 * (keyed by item); for recommendations, the item factors are replicated to each of the job's
 * parallel scoring partitions (users are hashed over them), which score a user against all items
 * with one dgemv. Runs on bounded input in either mode.
 */
public class AlsModel implements Model<AlsModel>, AlsModelParams<AlsModel> {
    private final Map<Param<?>, Object> paramMap = new HashMap<>();
    private Table modelDataTable;

    public AlsModel() {
        ParamUtils.initializeMapWithDefaultValues(paramMap, this);
    }

    @Override
    public AlsModel setModelData(Table... inputs) {
        if (inputs.length != 1) {
            throw new IllegalArgumentException(
                    "AlsModel takes one model data table, got " + inputs.length);
        }
        modelDataTable = inputs[0];
        return this;
    }

    @Override
    public Table[] getModelData() {
        return new Table[] {modelDataTable};
    }

    /** The request of one user for recommendations. A Flink POJO. */
    public static class UserRequest {
        public long user;
        public double[] factors;
        public long[] seen;

        public UserRequest() {}
    }

    @Override
    public Table[] transform(Table... inputs) {
        if (modelDataTable == null) {
            throw new IllegalStateException(
                    "AlsModel has no model data: fit it or call setModelData");
        }
        Table input = inputs[0];
        StreamTableEnvironment tEnv =
                (StreamTableEnvironment) ((TableImpl) input).getTableEnvironment();
        RowTypeInfo inType = TableUtils.getRowTypeInfo(input.getResolvedSchema());
        List<String> names = input.getResolvedSchema().getColumnNames();
        int userIdx = names.indexOf(getUserCol());
        int itemIdx = names.indexOf(getItemCol());
        if (userIdx < 0 || itemIdx < 0) {
            throw new IllegalArgumentException(
                    "input table needs columns '"
                            + getUserCol()
                            + "' and '"
                            + getItemCol()
                            + "'; columns: "
                            + names);
        }
        int arity = names.size();
        int topN = getNumRecommendations();
        int parallelism = TableUtils.getExecutionEnvironment(tEnv).getParallelism();

        DataStream<Row> rows = tEnv.toDataStream(input);
        DataStream<AlsModelData> modelData = AlsModelData.getModelDataStream(modelDataTable);
        DataStream<AlsModelData> userFactors =
                modelData.filter(m -> m.side == AlsModelData.USER).name("als-user-factors");
        DataStream<AlsModelData> itemFactors =
                modelData.filter(m -> m.side == AlsModelData.ITEM).name("als-item-factors");

        // (1) predictions: row ⋈ x_u (by user), then ⋈ y_i (by item): x_u·y_i
        RowTypeInfo withX =
                append(
                        inType,
                        "__als_user_factors",
                        PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO);
        DataStream<Row> rowsWithX =
                rows.coGroup(userFactors)
                        .where(r -> id(r, userIdx), Types.LONG)
                        .equalTo(m -> m.id, Types.LONG)
                        .window(EndOfStreamWindows.get())
                        .apply(
                                (CoGroupFunction<Row, AlsModelData, Row>)
                                        (rs, us, out) -> {
                                            double[] x = first(us);
                                            for (Row r : rs) {
                                                Row o = new Row(arity + 1);
                                                for (int f = 0; f < arity; f++) {
                                                    o.setField(f, r.getField(f));
                                                }
                                                o.setField(arity, x);
                                                out.collect(o);
                                            }
                                        },
                                withX);
        RowTypeInfo outType = append(inType, getPredictionCol(), Types.DOUBLE);
        DataStream<Row> predictions =
                rowsWithX
                        .coGroup(itemFactors)
                        .where(r -> id(r, itemIdx), Types.LONG)
                        .equalTo(m -> m.id, Types.LONG)
                        .window(EndOfStreamWindows.get())
                        .apply(
                                (CoGroupFunction<Row, AlsModelData, Row>)
                                        (rs, is, out) -> {
                                            double[] y = first(is);
                                            for (Row r : rs) {
                                                double[] x = (double[]) r.getField(arity);
                                                r.setField(
                                                        arity,
                                                        x == null || y == null
                                                                ? Double.NaN
                                                                : AlsKernels.JAVA_BLAS.ddot(
                                                                        x.length, x, 1, y, 1));
                                                out.collect(r);
                                            }
                                        },
                                outType);

        // (2) recommendations: a request per known user (factor + items seen in the input) ...
        DataStream<UserRequest> requests =
                rows.coGroup(userFactors)
                        .where(r -> id(r, userIdx), Types.LONG)
                        .equalTo(m -> m.id, Types.LONG)
                        .window(EndOfStreamWindows.get())
                        .apply(
                                (CoGroupFunction<Row, AlsModelData, UserRequest>)
                                        (rs, us, out) -> {
                                            double[] x = first(us);
                                            if (x == null) {
                                                return;
                                            }
                                            Set<Long> seen = new HashSet<>();
                                            long user = 0;
                                            for (Row r : rs) {
                                                user = id(r, userIdx);
                                                seen.add(id(r, itemIdx));
                                            }
                                            UserRequest q = new UserRequest();
                                            q.user = user;
                                            q.factors = x;
                                            q.seen =
                                                    seen.stream()
                                                            .mapToLong(Long::longValue)
                                                            .sorted()
                                                            .toArray();
                                            out.collect(q);
                                        },
                                TypeInformation.of(UserRequest.class));
        // ... hashed over the scoring partitions, each holding a replica of all item factors
        DataStream<Tuple2<Integer, AlsModelData>> replicated =
                itemFactors
                        .flatMap(
                                (AlsModelData m, Collector<Tuple2<Integer, AlsModelData>> out) -> {
                                    for (int p = 0; p < parallelism; p++) {
                                        out.collect(Tuple2.of(p, m));
                                    }
                                })
                        .returns(Types.TUPLE(Types.INT, TypeInformation.of(AlsModelData.class)))
                        .name("als-item-factors-replicated");
        String[] recNames = {getUserCol(), "items", "scores"};
        TypeInformation<Row> recType =
                Types.ROW_NAMED(
                        recNames,
                        Types.LONG,
                        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO,
                        PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO);
        DataStream<Row> recommendations =
                requests.coGroup(replicated)
                        .where(q -> AlsBlocks.blockOf(q.user, parallelism), Types.INT)
                        .equalTo(t -> t.f0, Types.INT)
                        .window(EndOfStreamWindows.get())
                        .apply(
                                (CoGroupFunction<UserRequest, Tuple2<Integer, AlsModelData>, Row>)
                                        (qs, items, out) -> recommend(qs, items, topN, out),
                                recType);

        return new Table[] {tEnv.fromDataStream(predictions), tEnv.fromDataStream(recommendations)};
    }

    /** Scores each request against all items (one dgemv) and keeps the top n unseen, best first. */
    private static void recommend(
            Iterable<UserRequest> requests,
            Iterable<Tuple2<Integer, AlsModelData>> items,
            int n,
            Collector<Row> out) {
        List<AlsModelData> list = new ArrayList<>();
        items.forEach(t -> list.add(t.f1));
        if (list.isEmpty()) {
            return;
        }
        list.sort(Comparator.comparingLong(m -> m.id));
        int k = list.get(0).factors.length;
        long[] ids = new long[list.size()];
        double[] y = new double[list.size() * k];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = list.get(i).id;
            System.arraycopy(list.get(i).factors, 0, y, i * k, k);
        }
        Factors itemFactors = new Factors(ids.length, k, y);
        double[] scores = new double[ids.length];
        for (UserRequest q : requests) {
            new Factors(1, k, q.factors).scoreAll(0, itemFactors, scores);
            // min-heap of the best n (score, then smaller id wins ties)
            PriorityQueue<Integer> heap =
                    new PriorityQueue<>(
                            n + 1,
                            (a, b) ->
                                    scores[a] != scores[b]
                                            ? Double.compare(scores[a], scores[b])
                                            : Long.compare(ids[b], ids[a]));
            for (int i = 0; i < ids.length; i++) {
                if (Arrays.binarySearch(q.seen, ids[i]) >= 0) {
                    continue;
                }
                heap.add(i);
                if (heap.size() > n) {
                    heap.poll();
                }
            }
            int m = heap.size();
            long[] best = new long[m];
            double[] bestScores = new double[m];
            for (int j = m - 1; j >= 0; j--) {
                int i = heap.poll();
                best[j] = ids[i];
                bestScores[j] = scores[i];
            }
            out.collect(Row.of(q.user, best, bestScores));
        }
    }

    private static long id(Row r, int idx) {
        Object v = r.getField(idx);
        if (!(v instanceof Number)) {
            throw new IllegalArgumentException(
                    "ALS id column " + idx + " must be numeric and not null: " + r);
        }
        return ((Number) v).longValue();
    }

    private static double[] first(Iterable<AlsModelData> it) {
        for (AlsModelData m : it) {
            return m.factors;
        }
        return null;
    }

    private static RowTypeInfo append(RowTypeInfo in, String name, TypeInformation<?> type) {
        TypeInformation<?>[] types = Arrays.copyOf(in.getFieldTypes(), in.getArity() + 1);
        String[] names = Arrays.copyOf(in.getFieldNames(), in.getArity() + 1);
        types[in.getArity()] = type;
        names[in.getArity()] = name;
        return new RowTypeInfo(types, names);
    }

    @Override
    public Map<Param<?>, Object> getParamMap() {
        return paramMap;
    }

    @Override
    public void save(String path) throws IOException {
        ReadWriteUtils.saveMetadata(this, path);
        ReadWriteUtils.saveModelData(
                AlsModelData.getModelDataStream(modelDataTable),
                path,
                new AlsModelData.ModelDataEncoder());
    }

    public static AlsModel load(StreamTableEnvironment tEnv, String path) throws IOException {
        AlsModel model = ReadWriteUtils.loadStageParam(path);
        Table modelData =
                ReadWriteUtils.loadModelData(tEnv, path, new AlsModelData.ModelDataDecoder());
        return model.setModelData(modelData);
    }
}

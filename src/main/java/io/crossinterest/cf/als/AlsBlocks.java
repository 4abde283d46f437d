package io.crossinterest.cf.als;

import io.crossinterest.data.InteractionMatrix;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.ml.common.datastream.EndOfStreamWindows;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The distributed ALS job graph behind {@link Als#fit}.
 *
 * <p><b>Partitioning.</b> Users and items are each hashed into {@code numBlocks} blocks. A block is
 * one record ({@link BlockState}): its rows' ids, their interactions as a local CSR whose columns
 * index the other side's ids the block references (grouped by the other side's block), the list of
 * its rows each other-side block needs ("out-links"), and its current factors. Keyed by block id, a
 * block always lands on the same parallel subtask; the result depends on {@code numBlocks}, never
 * on the parallelism.
 *
 * <p><b>A half-step</b> (solve side S from side O): every O block sends (a) to each S block the
 * factors of exactly the rows that block references (its out-links; never the whole factor matrix)
 * and (b), for implicit feedback only, its partial Gram matrix Y_jᵀY_j to every S block (explicit
 * ratings need no G: a row sees only its observed items). Each S block sums the partial Grams in
 * block order (G = YᵀY, the same for any parallelism), lays the received factors out in its column
 * order, and runs the shared kernels ({@link AlsKernels#solveChunk}) on its rows. Messages and the
 * block's own state meet in a keyed {@link EndOfStreamWindows} window, which fires once all of them
 * have arrived. The window is keyed by a routing key per block ({@link Routing}), so that block b
 * runs on subtask b mod p: keyed by the block id itself, blocks 0 and 1 both hashed to subtask 1 of
 * 2 (and 8 blocks to 4 of 8 subtasks), which ran the "parallel" job on one core.
 *
 * <p><b>Iterations without Flink ML's iteration runtime</b> (unavailable here) are unrolled: the
 * graph holds 2·T half-step stages in one bounded job (run it in BATCH mode, where each stage's
 * shuffle is blocking). Cost: the graph grows linearly with T (fine for the tens of iterations ALS
 * needs), and each stage re-ships every block's state, including its interactions, to the same
 * subtask: O(nnz) bytes per half-step against O(nnz·k² + n·k³) (Cholesky) or O(nnz·k + n·k²) per CG
 * step of compute, plus numBlocks² Gram messages of k² doubles and the out-link factors (at most
 * one factor per interaction).
 */
final class AlsBlocks {
    private AlsBlocks() {}

    /** The block of an id: a mixed hash, so consecutive ids spread over blocks. */
    static int blockOf(long id, int numBlocks) {
        long z = id * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 32)) * 0xD6E8FEB86659FD93L;
        z ^= z >>> 32;
        return (int) Math.floorMod(z, (long) numBlocks);
    }

    /** A block of users or items with its interactions, out-links and factors. A Flink POJO. */
    public static class BlockState {
        public int side;
        public int block;

        /** Row ids, ascending; local row r is ids[r]. */
        public long[] ids;

        /** Local CSR of the block's interactions; columns index {@link #colIds}. */
        public int[] rowPtr;

        public int[] cols;
        public double[] values;

        /** The other side's ids referenced, grouped by their block, ascending within a group. */
        public long[] colIds;

        /** colIds of other-side block j: [colBlockPtr[j], colBlockPtr[j+1]). */
        public int[] colBlockPtr;

        /**
         * Local rows other-side block j references: outRows[outPtr[j] .. outPtr[j+1]), ascending.
         */
        public int[] outPtr;

        public int[] outRows;

        /** Current factors, ids.length × k row-major. */
        public double[] factors;

        public BlockState() {}

        InteractionMatrix matrix() {
            return new InteractionMatrix(ids.length, colIds.length, rowPtr, cols, values);
        }
    }

    /**
     * What travels to a block in a half-step: its own state, or factors / a partial Gram from
     * another block.
     */
    public static class BlockMessage {
        public static final int STATE = 0;
        public static final int FACTORS = 1;
        public static final int GRAM = 2;

        public int kind;
        public int dest;
        public int src;
        public BlockState state;
        public double[] values;

        public BlockMessage() {}

        static BlockMessage of(int kind, int dest, int src, BlockState state, double[] values) {
            BlockMessage m = new BlockMessage();
            m.kind = kind;
            m.dest = dest;
            m.src = src;
            m.state = state;
            m.values = values;
            return m;
        }
    }

    /**
     * Where the blocks run. Flink places a key by murmur-hashing it into one of maxParallelism key
     * groups and a key group onto a subtask ({@link KeyGroupRangeAssignment}); the routing key of
     * block b is the smallest non-negative int that lands on subtask b mod p, so the blocks spread
     * evenly over the p subtasks of the keyed operators, which run at exactly this parallelism and
     * max parallelism.
     */
    static final class Routing {
        final int parallelism;
        final int maxParallelism;

        /** Flink key of block b. */
        final int[] keyOfBlock;

        /** Block of a routing key (−1 for ints that are no block's key). */
        final int[] blockOfKey;

        Routing(int numBlocks, int parallelism, int maxParallelism) {
            this.parallelism = parallelism;
            this.maxParallelism = maxParallelism;
            this.keyOfBlock = new int[numBlocks];
            int[] found = new int[parallelism];
            int remaining = numBlocks;
            for (int key = 0; remaining > 0; key++) {
                int t =
                        KeyGroupRangeAssignment.assignKeyToParallelOperator(
                                key, maxParallelism, parallelism);
                // subtask t hosts blocks t, t + p, t + 2p, ... < numBlocks
                int wanted = t < numBlocks ? (numBlocks - 1 - t) / parallelism + 1 : 0;
                if (found[t] < wanted) {
                    keyOfBlock[t + found[t] * parallelism] = key;
                    found[t]++;
                    remaining--;
                }
            }
            int maxKey = Arrays.stream(keyOfBlock).max().orElse(0);
            this.blockOfKey = new int[maxKey + 1];
            Arrays.fill(blockOfKey, -1);
            for (int b = 0; b < numBlocks; b++) {
                blockOfKey[keyOfBlock[b]] = b;
            }
        }

        /**
         * For the keyed operators of {@code env}'s job: its default parallelism and max
         * parallelism.
         */
        static Routing of(StreamExecutionEnvironment env, int numBlocks) {
            int p = Math.max(1, env.getParallelism());
            int max =
                    env.getMaxParallelism() > 0
                            ? env.getMaxParallelism()
                            : KeyGroupRangeAssignment.computeDefaultMaxParallelism(p);
            return new Routing(numBlocks, p, Math.max(max, p));
        }
    }

    static final TypeInformation<BlockState> STATE_TYPE = TypeInformation.of(BlockState.class);
    static final TypeInformation<BlockMessage> MESSAGE_TYPE =
            TypeInformation.of(BlockMessage.class);

    /**
     * Builds one block from its interactions (row id, column id, r); initial factors are drawn per
     * id, so they do not depend on how ids are partitioned.
     */
    static BlockState build(
            int side,
            int block,
            List<Tuple3<Long, Long, Double>> entries,
            int numBlocks,
            int k,
            long seed) {
        long[] ids = entries.stream().mapToLong(e -> e.f0).distinct().sorted().toArray();
        Long[] cols = entries.stream().map(e -> e.f1).distinct().toArray(Long[]::new);
        Arrays.sort(
                cols,
                (a, b) -> {
                    int c = Integer.compare(blockOf(a, numBlocks), blockOf(b, numBlocks));
                    return c != 0 ? c : Long.compare(a, b);
                });
        BlockState s = new BlockState();
        s.side = side;
        s.block = block;
        s.ids = ids;
        s.colIds = new long[cols.length];
        s.colBlockPtr = new int[numBlocks + 1];
        Map<Long, Integer> colIndex = new HashMap<>(cols.length * 2);
        for (int c = 0; c < cols.length; c++) {
            s.colIds[c] = cols[c];
            colIndex.put(cols[c], c);
            s.colBlockPtr[blockOf(cols[c], numBlocks) + 1]++;
        }
        for (int j = 0; j < numBlocks; j++) {
            s.colBlockPtr[j + 1] += s.colBlockPtr[j];
        }
        InteractionMatrix.Builder b = new InteractionMatrix.Builder(ids.length, cols.length);
        for (Tuple3<Long, Long, Double> e : entries) {
            b.add(Arrays.binarySearch(ids, e.f0), colIndex.get(e.f1), e.f2);
        }
        InteractionMatrix m = b.build();
        s.rowPtr = m.rowPtr();
        s.cols = m.cols();
        s.values = m.values();
        // out-links: the rows that other-side block j references are the rows with an interaction
        // in j's columns
        List<List<Integer>> needed = new ArrayList<>();
        for (int j = 0; j < numBlocks; j++) {
            needed.add(new ArrayList<>());
        }
        for (int r = 0; r < ids.length; r++) {
            for (int q = m.rowStart(r); q < m.rowEnd(r); q++) {
                List<Integer> list = needed.get(blockOf(s.colIds[m.col(q)], numBlocks));
                if (list.isEmpty() || list.get(list.size() - 1) != r) {
                    list.add(r);
                }
            }
        }
        s.outPtr = new int[numBlocks + 1];
        for (int j = 0; j < numBlocks; j++) {
            s.outPtr[j + 1] = s.outPtr[j] + needed.get(j).size();
        }
        s.outRows = needed.stream().flatMap(List::stream).mapToInt(Integer::intValue).toArray();
        s.factors = new double[ids.length * k];
        for (int r = 0; r < ids.length; r++) {
            Factors.initRow(s.factors, r * k, k, seed, side, ids[r]);
        }
        return s;
    }

    /** Groups (row id, column id, r) by the block of the row id and builds each block. */
    static DataStream<BlockState> buildBlocks(
            DataStream<Tuple3<Long, Long, Double>> entries,
            int side,
            int numBlocks,
            int k,
            long seed,
            String name) {
        Routing routing = Routing.of(entries.getExecutionEnvironment(), numBlocks);
        int[] keyOfBlock = routing.keyOfBlock;
        int[] blockOfKey = routing.blockOfKey;
        return entries.keyBy(e -> keyOfBlock[blockOf(e.f0, numBlocks)])
                .window(EndOfStreamWindows.get())
                .process(
                        new ProcessWindowFunction<
                                Tuple3<Long, Long, Double>, BlockState, Integer, TimeWindow>() {
                            @Override
                            public void process(
                                    Integer key,
                                    Context ctx,
                                    Iterable<Tuple3<Long, Long, Double>> in,
                                    Collector<BlockState> out) {
                                List<Tuple3<Long, Long, Double>> list = new ArrayList<>();
                                in.forEach(list::add);
                                out.collect(build(side, blockOfKey[key], list, numBlocks, k, seed));
                            }
                        },
                        STATE_TYPE)
                .setParallelism(routing.parallelism)
                .setMaxParallelism(routing.maxParallelism)
                .name(name)
                .uid(name);
    }

    /**
     * A block's messages to the other side: out-link factors to each block that needs them, and
     * (implicit feedback) its Gram to all.
     */
    static final class Emit implements FlatMapFunction<BlockState, BlockMessage> {
        private final int numBlocks;
        private final int k;
        private final boolean implicit;

        Emit(int numBlocks, int k, boolean implicit) {
            this.numBlocks = numBlocks;
            this.k = k;
            this.implicit = implicit;
        }

        @Override
        public void flatMap(BlockState s, Collector<BlockMessage> out) {
            // partial Gram Y_jᵀY_j = Σ_{r ∈ block} y_r y_rᵀ (implicit only)
            double[] gram = null;
            if (implicit) {
                gram = new double[k * k];
                AlsKernels.addGram(s.factors, 0, s.ids.length, k, gram);
            }
            for (int b = 0; b < numBlocks; b++) {
                if (gram != null) {
                    out.collect(BlockMessage.of(BlockMessage.GRAM, b, s.block, null, gram));
                }
                int from = s.outPtr[b];
                int to = s.outPtr[b + 1];
                if (to > from) {
                    double[] f = new double[(to - from) * k];
                    for (int q = from; q < to; q++) {
                        System.arraycopy(s.factors, s.outRows[q] * k, f, (q - from) * k, k);
                    }
                    out.collect(BlockMessage.of(BlockMessage.FACTORS, b, s.block, null, f));
                }
            }
        }
    }

    /**
     * One half-step: every block of {@code solve} re-solved against the factors {@code from} sends
     * it.
     */
    static DataStream<BlockState> halfStep(
            DataStream<BlockState> solve,
            DataStream<BlockState> from,
            AlsConfig cfg,
            int numBlocks,
            String name) {
        int k = cfg.rank;
        DataStream<BlockMessage> own =
                solve.map(s -> BlockMessage.of(BlockMessage.STATE, s.block, s.block, s, null))
                        .returns(MESSAGE_TYPE)
                        .name(name + "-state");
        DataStream<BlockMessage> messages =
                from.flatMap(new Emit(numBlocks, k, cfg.implicit))
                        .returns(MESSAGE_TYPE)
                        .name(name + "-messages");
        Routing routing = Routing.of(solve.getExecutionEnvironment(), numBlocks);
        int[] keyOfBlock = routing.keyOfBlock;
        return own.union(messages)
                .keyBy(m -> keyOfBlock[m.dest])
                .window(EndOfStreamWindows.get())
                .process(new Solve(cfg, numBlocks), STATE_TYPE)
                .setParallelism(routing.parallelism)
                .setMaxParallelism(routing.maxParallelism)
                .name(name)
                .uid(name);
    }

    /** Assembles a block's inputs and solves its rows with the shared kernels. */
    static final class Solve
            extends ProcessWindowFunction<BlockMessage, BlockState, Integer, TimeWindow> {
        private final AlsConfig cfg;
        private final int numBlocks;

        Solve(AlsConfig cfg, int numBlocks) {
            this.cfg = cfg.withThreads(1);
            this.numBlocks = numBlocks;
        }

        @Override
        public void process(
                Integer routingKey,
                Context ctx,
                Iterable<BlockMessage> in,
                Collector<BlockState> out) {
            int k = cfg.rank;
            BlockState s = null;
            double[][] grams = new double[numBlocks][];
            List<BlockMessage> factors = new ArrayList<>();
            for (BlockMessage m : in) {
                if (m.kind == BlockMessage.STATE) {
                    s = m.state;
                } else if (m.kind == BlockMessage.GRAM) {
                    grams[m.src] = m.values;
                } else {
                    factors.add(m);
                }
            }
            if (s == null) {
                return; // no rows hash to this block on this side: only Grams were addressed to it
            }
            // G = Σ_j Y_jᵀY_j in block order, so G does not depend on arrival order or parallelism
            // (explicit: none)
            double[] gram = null;
            if (cfg.implicit) {
                gram = new double[k * k];
                for (double[] g : grams) {
                    if (g != null) {
                        AlsKernels.addInto(g, gram);
                    }
                }
            }
            // the other side's factors in this block's column order: block j's rows at
            // colBlockPtr[j]
            double[] y = new double[s.colIds.length * k];
            for (BlockMessage m : factors) {
                int at = s.colBlockPtr[m.src];
                int expected = (s.colBlockPtr[m.src + 1] - at) * k;
                if (m.values.length != expected) {
                    throw new IllegalStateException(
                            "block "
                                    + s.block
                                    + " got "
                                    + m.values.length / k
                                    + " factors from block "
                                    + m.src
                                    + ", expected "
                                    + expected / k);
                }
                System.arraycopy(m.values, 0, y, at * k, expected);
            }
            InteractionMatrix r = s.matrix();
            try (AlsKernels.Workspace ws = new AlsKernels.Workspace(k)) {
                for (int from = 0; from < r.numRows(); from += AlsKernels.CHUNK) {
                    AlsKernels.solveChunk(
                            r,
                            from,
                            Math.min(r.numRows(), from + AlsKernels.CHUNK),
                            y,
                            gram,
                            cfg,
                            s.factors,
                            ws);
                }
            }
            out.collect(s);
        }
    }

    /** A block's factors as model data records. */
    static final class ToModelData implements FlatMapFunction<BlockState, AlsModelData> {
        private final int k;

        ToModelData(int k) {
            this.k = k;
        }

        @Override
        public void flatMap(BlockState s, Collector<AlsModelData> out) {
            for (int r = 0; r < s.ids.length; r++) {
                out.collect(
                        new AlsModelData(
                                s.side,
                                s.ids[r],
                                Arrays.copyOfRange(s.factors, r * k, (r + 1) * k)));
            }
        }
    }
}

package io.crossinterest.cf.als;

import io.crossinterest.data.InteractionMatrix;

import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.functions.Partitioner;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.InputSelectable;
import org.apache.flink.streaming.api.operators.InputSelection;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import static io.crossinterest.cf.als.AlsBlockSerializers.BLOCK_TYPE;
import static io.crossinterest.cf.als.AlsBlockSerializers.MESSAGE_TYPE;

/**
 * The distributed ALS job graph behind {@link Als#fit}.
 *
 * <p><b>Partitioning.</b> Users and items are each hashed into {@code numBlocks} blocks. A block is
 * one immutable record ({@link Block}), built once: its rows' ids, their interactions as a local
 * CSR whose columns are the other side's rows the block references (grouped by the other side's
 * block), and the list of its rows each other-side block references ("out-links"). Block b lives on
 * subtask b mod p: every record addressed to a block goes through a custom partitioner on its block
 * ({@link ToSubtask}), so the result depends on {@code numBlocks}, never on the parallelism.
 *
 * <p><b>A half-step</b> (solve side S from side O) is one bounded two-input operator ({@link
 * HalfStep}): input 1 is S's blocks, input 2 the messages addressed to them. Every O block sends
 * (a) to each S block the factors of exactly the rows that block references (its out-links; never
 * the whole factor matrix), in chunks of {@link #MESSAGE_BYTES}, and (b), for implicit feedback
 * only, its partial Gram matrix Y_jᵀY_j to every S block (explicit ratings need no G: a row sees
 * only its observed items); with conjugate gradient, which warm-starts from the current factors,
 * S's previous half-step also sends each S block its own factors. The operator reads its blocks
 * first, then copies each message on arrival to where the kernels read it; at the end of both
 * inputs it sums the partial Grams in block order (G = YᵀY, the same for any parallelism), runs the
 * shared kernels ({@link AlsKernels#solveChunk}) on each block's rows and sends the new factors on.
 * No keyed state, no sort: a keyed {@code EndOfStreamWindows} window did this before, and in BATCH
 * mode it sorted every record by key (each block's whole state, interactions and factors included,
 * every half-step), serialized one double at a time, and buffered it in window state: about 70 % of
 * the job's CPU samples against 11-17 % for the kernels (profiled at parallelism 2 on the Amazon
 * target block and at 1 on the 2.2M power-law matrix).
 *
 * <p><b>Iterations without Flink ML's iteration runtime</b> (unavailable here) are unrolled: the
 * graph holds 2·T half-step operators in one bounded job (run it in BATCH mode, where each
 * half-step's exchanges are blocking). A side's blocks are built once and read by each of its T
 * half-steps; what changes from one half-step to the next travels as messages. Cost per half-step
 * ({@link AlsShuffleCost}): the solving side's blocks deserialized (ids, interactions, out-links:
 * O(n + nnz) bytes, never their factors), the out-link factors (at most one factor per
 * interaction), numBlocks² Gram messages of k² doubles, and with CG the side's own factors (to the
 * same subtask), against O(nnz·k + n·k²) per CG step (O(nnz·k² + n·k³) Cholesky) of compute.
 */
final class AlsBlocks {
    private AlsBlocks() {}

    /**
     * Largest factor message: factors travel in chunks of at most this many bytes (at least one
     * row), so that most records fit in one 32 KiB network buffer and are read in place; a record
     * spanning buffers is first gathered into a byte array that Flink grows from 1 KiB by doubling,
     * anew for every record (7 % of the task threads' CPU samples with 1 MiB messages).
     */
    static final int MESSAGE_BYTES = 1 << 14;

    /** Own factors for the side's next half-step (conjugate gradient's warm start). */
    static final OutputTag<BlockMessage> OWN = new OutputTag<>("als-own-factors", MESSAGE_TYPE);

    /** The final factors. */
    static final OutputTag<AlsModelData> MODEL =
            new OutputTag<>("als-model-data", TypeInformation.of(AlsModelData.class));

    /**
     * The accumulator in which a stage (a block builder or a half-step, by its operator name)
     * records when its last subtask finished: the TaskManagers' wall clock in milliseconds, the
     * maximum over subtasks. {@link AlsSolvers} turns them into seconds per iteration.
     */
    static String stageEnd(String stage) {
        return stage + "-end-ms";
    }

    /** Records, in its {@link #stageEnd} accumulator, when a stage's subtask finished. */
    static final class StageClock implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String stage;
        private transient LongMaximum end;

        StageClock(String stage) {
            this.stage = stage;
        }

        void open(RuntimeContext context) {
            end = new LongMaximum();
            context.addAccumulator(stageEnd(stage), end);
        }

        void finished() {
            end.add(System.currentTimeMillis());
        }
    }

    static final String USER_BLOCKS = "als-user-blocks";
    static final String ITEM_BLOCKS = "als-item-blocks";
    static final String USER_START = "als-user-initial-factors";
    static final String ITEM_START = "als-item-initial-factors";

    static String itemStep(int iteration) {
        return "als-items-" + iteration;
    }

    static String userStep(int iteration) {
        return "als-users-" + iteration;
    }

    /**
     * Wall-clock seconds of each iteration from a finished job's accumulators ({@link #stageEnd}):
     * iteration t lasts from the end of the stage before it (iteration t−1's user half-step, or for
     * t = 1 the later of the two sides' initial factors) to the end of its own user half-step, so
     * the iterations add up to the job's time from built blocks to the last factors (stage
     * scheduling included), like the in-process solver's per-iteration times. Empty without the
     * accumulators.
     */
    static double[] secondsPerIteration(Map<String, Object> accumulators, int iterations) {
        Object users = accumulators.get(stageEnd(USER_START));
        Object items = accumulators.get(stageEnd(ITEM_START));
        if (!(users instanceof Long) || !(items instanceof Long)) {
            return new double[0];
        }
        double[] seconds = new double[iterations];
        long previous = Math.max((Long) users, (Long) items);
        for (int it = 1; it <= iterations; it++) {
            Object end = accumulators.get(stageEnd(userStep(it)));
            if (!(end instanceof Long)) {
                return new double[0];
            }
            seconds[it - 1] = ((Long) end - previous) / 1e3;
            previous = (Long) end;
        }
        return seconds;
    }

    /** The block of an id: a mixed hash, so consecutive ids spread over blocks. */
    static int blockOf(long id, int numBlocks) {
        long z = id * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 32)) * 0xD6E8FEB86659FD93L;
        z ^= z >>> 32;
        return (int) Math.floorMod(z, (long) numBlocks);
    }

    /** A block of users or items with its interactions and out-links; immutable once built. */
    static final class Block {
        final int side;
        final int block;

        /** Row ids, ascending; local row r is ids[r]. */
        final long[] ids;

        /** Local CSR of the block's interactions; columns index the referenced other-side rows. */
        final int[] rowPtr;

        final int[] cols;
        final double[] values;

        /**
         * The other side's rows referenced, grouped by their block, ascending by id within a group:
         * other-side block j's are local columns [colBlockPtr[j], colBlockPtr[j+1]).
         */
        final int[] colBlockPtr;

        /**
         * Local rows other-side block j references: outRows[outPtr[j] .. outPtr[j+1]), ascending.
         */
        final int[] outPtr;

        final int[] outRows;

        Block(
                int side,
                int block,
                long[] ids,
                int[] rowPtr,
                int[] cols,
                double[] values,
                int[] colBlockPtr,
                int[] outPtr,
                int[] outRows) {
            this.side = side;
            this.block = block;
            this.ids = ids;
            this.rowPtr = rowPtr;
            this.cols = cols;
            this.values = values;
            this.colBlockPtr = colBlockPtr;
            this.outPtr = outPtr;
            this.outRows = outRows;
        }

        int numCols() {
            return colBlockPtr[colBlockPtr.length - 1];
        }

        InteractionMatrix matrix() {
            return new InteractionMatrix(ids.length, numCols(), rowPtr, cols, values);
        }
    }

    /**
     * What travels to a block in a half-step: factors or a partial Gram from another block, or its
     * own factors. Immutable.
     */
    static final class BlockMessage {
        /**
         * Factors of the source's out-links to the destination, from position {@code offset} of
         * that list.
         */
        static final byte FACTORS = 0;

        /** The source's partial Gram matrix. */
        static final byte GRAM = 1;

        /** The destination's own factors, rows {@code offset ..} (dest = src). */
        static final byte OWN = 2;

        final byte kind;
        final int dest;
        final int src;
        final int offset;
        final double[] values;

        BlockMessage(byte kind, int dest, int src, int offset, double[] values) {
            this.kind = kind;
            this.dest = dest;
            this.src = src;
            this.offset = offset;
            this.values = values;
        }
    }

    /** Block b runs on subtask b mod p. */
    static final class ToSubtask implements Partitioner<Integer> {
        private static final long serialVersionUID = 1L;

        @Override
        public int partition(Integer block, int numPartitions) {
            return block % numPartitions;
        }
    }

    private static final class BlockOfRow
            implements KeySelector<Tuple3<Long, Long, Double>, Integer> {
        private static final long serialVersionUID = 1L;
        private final int numBlocks;

        BlockOfRow(int numBlocks) {
            this.numBlocks = numBlocks;
        }

        @Override
        public Integer getKey(Tuple3<Long, Long, Double> e) {
            return blockOf(e.f0, numBlocks);
        }
    }

    private static final class BlockId implements KeySelector<Block, Integer> {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer getKey(Block b) {
            return b.block;
        }
    }

    private static final class Destination implements KeySelector<BlockMessage, Integer> {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer getKey(BlockMessage m) {
            return m.dest;
        }
    }

    /**
     * The factors of {@code cfg.iterations} ALS iterations on the ratings, given as (user, item, r)
     * and as (item, user, r), as model data records.
     */
    static DataStream<AlsModelData> train(
            DataStream<Tuple3<Long, Long, Double>> byUser,
            DataStream<Tuple3<Long, Long, Double>> byItem,
            AlsConfig cfg,
            int numBlocks) {
        int iterations = cfg.iterations;
        // conjugate gradient starts from the current factors; Cholesky never reads them
        boolean warm = cfg.solver == AlsConfig.Solver.CG;
        boolean any = iterations > 0;
        DataStream<Block> users = buildBlocks(byUser, AlsModelData.USER, numBlocks, USER_BLOCKS);
        DataStream<Block> items = buildBlocks(byItem, AlsModelData.ITEM, numBlocks, ITEM_BLOCKS);
        SingleOutputStreamOperator<BlockMessage> usersStart =
                initialFactors(
                        users,
                        cfg,
                        new Emission(cfg, numBlocks, any, any && warm, !any),
                        USER_START);
        SingleOutputStreamOperator<BlockMessage> itemsStart =
                initialFactors(
                        items,
                        cfg,
                        new Emission(cfg, numBlocks, false, any && warm, !any),
                        ITEM_START);
        if (!any) {
            return usersStart.getSideOutput(MODEL).union(itemsStart.getSideOutput(MODEL));
        }
        DataStream<BlockMessage> toItems = usersStart;
        DataStream<BlockMessage> itemsOwn = warm ? itemsStart.getSideOutput(OWN) : null;
        DataStream<BlockMessage> usersOwn = warm ? usersStart.getSideOutput(OWN) : null;
        for (int it = 1; ; it++) {
            boolean last = it == iterations;
            // items from users, then users from items (the order of ImplicitAls)
            SingleOutputStreamOperator<BlockMessage> itemStep =
                    halfStep(
                            items,
                            with(toItems, itemsOwn),
                            cfg,
                            numBlocks,
                            new Emission(cfg, numBlocks, true, warm && !last, last),
                            itemStep(it));
            SingleOutputStreamOperator<BlockMessage> userStep =
                    halfStep(
                            users,
                            with(itemStep, usersOwn),
                            cfg,
                            numBlocks,
                            new Emission(cfg, numBlocks, !last, warm && !last, last),
                            userStep(it));
            if (last) {
                return itemStep.getSideOutput(MODEL).union(userStep.getSideOutput(MODEL));
            }
            toItems = userStep;
            itemsOwn = warm ? itemStep.getSideOutput(OWN) : null;
            usersOwn = warm ? userStep.getSideOutput(OWN) : null;
        }
    }

    private static DataStream<BlockMessage> with(
            DataStream<BlockMessage> messages, DataStream<BlockMessage> own) {
        return own == null ? messages : messages.union(own);
    }

    /**
     * The parallelism of the block operators: the environment's, set on each operator, so that a
     * BATCH job's adaptive scheduler does not pick a smaller one from the data volume (and a local
     * environment's MiniCluster starts as many slots).
     */
    static int parallelism(StreamExecutionEnvironment env) {
        return Math.max(1, env.getParallelism());
    }

    /** Partitions (row id, column id, r) by the block of the row id and builds each block. */
    static DataStream<Block> buildBlocks(
            DataStream<Tuple3<Long, Long, Double>> entries, int side, int numBlocks, String name) {
        return entries.partitionCustom(new ToSubtask(), new BlockOfRow(numBlocks))
                .transform(name, BLOCK_TYPE, new BuildBlocks(side, numBlocks, name))
                .setParallelism(parallelism(entries.getExecutionEnvironment()))
                .name(name)
                .uid(name);
    }

    /**
     * Each block's seeded initial factors, sent as its {@link Emission} says. An operator of its
     * own, so that a builder's output ends with its last block: a half-step reads its blocks to the
     * end before any message, and with pipelined exchanges a builder that also sent messages would
     * wait for that half-step to read them while the half-step waits for the builder's end.
     */
    static SingleOutputStreamOperator<BlockMessage> initialFactors(
            DataStream<Block> blocks, AlsConfig cfg, Emission emission, String name) {
        return blocks.partitionCustom(new ToSubtask(), new BlockId())
                .transform(name, MESSAGE_TYPE, new InitialFactors(cfg, emission, name))
                .setParallelism(parallelism(blocks.getExecutionEnvironment()))
                .name(name)
                .uid(name);
    }

    /**
     * One half-step: every block of {@code solve} re-solved against the messages addressed to it;
     * the main output is what the solved blocks send the other side.
     */
    static SingleOutputStreamOperator<BlockMessage> halfStep(
            DataStream<Block> solve,
            DataStream<BlockMessage> messages,
            AlsConfig cfg,
            int numBlocks,
            Emission emission,
            String name) {
        return solve.partitionCustom(new ToSubtask(), new BlockId())
                .connect(messages.partitionCustom(new ToSubtask(), new Destination()))
                .transform(name, MESSAGE_TYPE, new HalfStep(cfg, numBlocks, emission, name))
                .setParallelism(parallelism(solve.getExecutionEnvironment()))
                .name(name)
                .uid(name);
    }

    /**
     * Where a block's outputs go, an operator's: main output to the other side, side outputs {@link
     * #OWN}, {@link #MODEL}.
     */
    static final class Outputs {
        private final Output<StreamRecord<BlockMessage>> output;

        Outputs(Output<StreamRecord<BlockMessage>> output) {
            this.output = output;
        }

        void toOther(BlockMessage m) {
            output.collect(new StreamRecord<>(m));
        }

        void own(BlockMessage m) {
            output.collect(OWN, new StreamRecord<>(m));
        }

        void model(AlsModelData d) {
            output.collect(MODEL, new StreamRecord<>(d));
        }
    }

    /**
     * What a block sends once it has factors x (initial or solved), by its stage: to the other
     * side's next half-step its out-link factors and (implicit) its partial Gram; to its own side's
     * next half-step its factors (conjugate gradient only); or, after the side's last half-step,
     * model data.
     */
    static final class Emission implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int k;
        private final int numBlocks;
        private final boolean implicit;
        private final boolean toOther;
        private final boolean own;
        private final boolean model;

        Emission(AlsConfig cfg, int numBlocks, boolean toOther, boolean own, boolean model) {
            this.k = cfg.rank;
            this.numBlocks = numBlocks;
            this.implicit = cfg.implicit;
            this.toOther = toOther;
            this.own = own;
            this.model = model;
        }

        void emit(Block b, double[] x, Outputs out) {
            int rowsPerMessage = Math.max(1, MESSAGE_BYTES / (k * Double.BYTES));
            if (toOther) {
                if (implicit) {
                    // partial Gram Y_jᵀY_j = Σ_{r ∈ block} y_r y_rᵀ, the same array to every block
                    double[] gram = new double[k * k];
                    AlsKernels.addGram(x, 0, b.ids.length, k, gram);
                    for (int j = 0; j < numBlocks; j++) {
                        out.toOther(new BlockMessage(BlockMessage.GRAM, j, b.block, 0, gram));
                    }
                }
                for (int j = 0; j < numBlocks; j++) {
                    for (int from = b.outPtr[j]; from < b.outPtr[j + 1]; from += rowsPerMessage) {
                        int to = Math.min(b.outPtr[j + 1], from + rowsPerMessage);
                        double[] f = new double[(to - from) * k];
                        for (int q = from; q < to; q++) {
                            System.arraycopy(x, b.outRows[q] * k, f, (q - from) * k, k);
                        }
                        out.toOther(
                                new BlockMessage(
                                        BlockMessage.FACTORS, j, b.block, from - b.outPtr[j], f));
                    }
                }
            }
            if (own) {
                for (int from = 0; from < b.ids.length; from += rowsPerMessage) {
                    int to = Math.min(b.ids.length, from + rowsPerMessage);
                    out.own(
                            new BlockMessage(
                                    BlockMessage.OWN,
                                    b.block,
                                    b.block,
                                    from,
                                    Arrays.copyOfRange(x, from * k, to * k)));
                }
            }
            if (model) {
                for (int r = 0; r < b.ids.length; r++) {
                    out.model(
                            new AlsModelData(
                                    b.side, b.ids[r], Arrays.copyOfRange(x, r * k, (r + 1) * k)));
                }
            }
        }
    }

    /** Fails unless {@code block} is one of this subtask's blocks (b mod p). */
    private static void checkRouting(AbstractStreamOperator<?> op, int block) {
        int subtask = op.getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        int p = op.getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        if (block % p != subtask) {
            throw new IllegalStateException(
                    "block " + block + " arrived at subtask " + subtask + " of " + p);
        }
    }

    /**
     * Collects the entries of this subtask's blocks in memory and, at the end of the input, builds
     * and emits each block.
     */
    static final class BuildBlocks extends AbstractStreamOperator<Block>
            implements OneInputStreamOperator<Tuple3<Long, Long, Double>, Block>, BoundedOneInput {
        private static final long serialVersionUID = 1L;
        private final int side;
        private final int numBlocks;
        private final StageClock clock;
        private transient Map<Integer, Entries> entries;

        BuildBlocks(int side, int numBlocks, String stage) {
            this.side = side;
            this.numBlocks = numBlocks;
            this.clock = new StageClock(stage);
        }

        @Override
        public void open() throws Exception {
            super.open();
            entries = new TreeMap<>();
            clock.open(getRuntimeContext());
        }

        @Override
        public void processElement(StreamRecord<Tuple3<Long, Long, Double>> record) {
            Tuple3<Long, Long, Double> e = record.getValue();
            int b = blockOf(e.f0, numBlocks);
            Entries es = entries.get(b);
            if (es == null) {
                checkRouting(this, b);
                es = new Entries();
                entries.put(b, es);
            }
            es.add(e.f0, e.f1, e.f2);
        }

        @Override
        public void endInput() {
            for (Map.Entry<Integer, Entries> e : entries.entrySet()) {
                output.collect(
                        new StreamRecord<>(build(side, e.getKey(), e.getValue(), numBlocks)));
            }
            entries = null;
            clock.finished();
        }
    }

    /**
     * Draws each arriving block's initial factors (per id, so they do not depend on how ids are
     * partitioned) and emits them as its {@link Emission} says (main output: to the other side;
     * side outputs {@link #OWN}, {@link #MODEL}).
     */
    static final class InitialFactors extends AbstractStreamOperator<BlockMessage>
            implements OneInputStreamOperator<Block, BlockMessage>, BoundedOneInput {
        private static final long serialVersionUID = 1L;
        private final int k;
        private final long seed;
        private final Emission emission;
        private final StageClock clock;

        InitialFactors(AlsConfig cfg, Emission emission, String stage) {
            this.k = cfg.rank;
            this.seed = cfg.seed;
            this.emission = emission;
            this.clock = new StageClock(stage);
        }

        @Override
        public void open() throws Exception {
            super.open();
            clock.open(getRuntimeContext());
        }

        @Override
        public void processElement(StreamRecord<Block> record) {
            Block b = record.getValue();
            checkRouting(this, b.block);
            double[] x = new double[b.ids.length * k];
            for (int r = 0; r < b.ids.length; r++) {
                Factors.initRow(x, r * k, k, seed, b.side, b.ids[r]);
            }
            emission.emit(b, x, new Outputs(output));
        }

        @Override
        public void endInput() {
            clock.finished();
        }
    }

    /** A block's entries while they arrive: (row id, column id, r) in three growing arrays. */
    static final class Entries {
        long[] rows = new long[256];
        long[] cols = new long[256];
        double[] values = new double[256];
        int size;

        void add(long row, long col, double value) {
            if (size == rows.length) {
                rows = Arrays.copyOf(rows, 2 * size);
                cols = Arrays.copyOf(cols, 2 * size);
                values = Arrays.copyOf(values, 2 * size);
            }
            rows[size] = row;
            cols[size] = col;
            values[size] = value;
            size++;
        }
    }

    /** Sorted distinct values of a[0..n). */
    private static long[] distinct(long[] a, int n) {
        long[] s = Arrays.copyOf(a, n);
        Arrays.sort(s);
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (m == 0 || s[i] != s[m - 1]) {
                s[m++] = s[i];
            }
        }
        return Arrays.copyOf(s, m);
    }

    /** Builds block {@code block} of {@code side} from its entries. */
    static Block build(int side, int block, Entries es, int numBlocks) {
        long[] ids = distinct(es.rows, es.size);
        // the referenced other-side rows, grouped by their block, ascending within a block (a
        // stable counting sort of the ascending distinct ids by block)
        long[] colIds = distinct(es.cols, es.size);
        int[] colBlockPtr = new int[numBlocks + 1];
        int[] blockOfCol = new int[colIds.length];
        for (int c = 0; c < colIds.length; c++) {
            blockOfCol[c] = blockOf(colIds[c], numBlocks);
            colBlockPtr[blockOfCol[c] + 1]++;
        }
        for (int j = 0; j < numBlocks; j++) {
            colBlockPtr[j + 1] += colBlockPtr[j];
        }
        int[] localCol = new int[colIds.length]; // ascending position → local column
        int[] next = Arrays.copyOf(colBlockPtr, numBlocks);
        for (int c = 0; c < colIds.length; c++) {
            localCol[c] = next[blockOfCol[c]]++;
        }
        InteractionMatrix.Builder mb = new InteractionMatrix.Builder(ids.length, colIds.length);
        for (int q = 0; q < es.size; q++) {
            mb.add(
                    Arrays.binarySearch(ids, es.rows[q]),
                    localCol[Arrays.binarySearch(colIds, es.cols[q])],
                    es.values[q]);
        }
        InteractionMatrix m = mb.build();
        int[] colBlock = new int[colIds.length]; // local column → its block
        for (int j = 0; j < numBlocks; j++) {
            Arrays.fill(colBlock, colBlockPtr[j], colBlockPtr[j + 1], j);
        }
        // out-links: the rows that other-side block j references are the rows with an interaction
        // in j's columns; counted, then filled in row order
        int[] outPtr = new int[numBlocks + 1];
        int[] lastRow = new int[numBlocks];
        Arrays.fill(lastRow, -1);
        for (int r = 0; r < ids.length; r++) {
            for (int q = m.rowStart(r); q < m.rowEnd(r); q++) {
                int j = colBlock[m.col(q)];
                if (lastRow[j] != r) {
                    lastRow[j] = r;
                    outPtr[j + 1]++;
                }
            }
        }
        for (int j = 0; j < numBlocks; j++) {
            outPtr[j + 1] += outPtr[j];
        }
        int[] outRows = new int[outPtr[numBlocks]];
        int[] fill = Arrays.copyOf(outPtr, numBlocks);
        Arrays.fill(lastRow, -1);
        for (int r = 0; r < ids.length; r++) {
            for (int q = m.rowStart(r); q < m.rowEnd(r); q++) {
                int j = colBlock[m.col(q)];
                if (lastRow[j] != r) {
                    lastRow[j] = r;
                    outRows[fill[j]++] = r;
                }
            }
        }
        return new Block(
                side, block, ids, m.rowPtr(), m.cols(), m.values(), colBlockPtr, outPtr, outRows);
    }

    /**
     * One half-step on one subtask: reads its blocks (input 1) first, then the messages addressed
     * to them (input 2), each copied on arrival to where the kernels read it ({@link Inbox}), so
     * that a message is garbage at once instead of living, and being copied by the collector, for
     * the whole half-step. At the end of both inputs it solves each block and emits what its {@link
     * Emission} says (main output: to the other side; side outputs {@link #OWN}, {@link #MODEL}).
     */
    static final class HalfStep extends AbstractStreamOperator<BlockMessage>
            implements TwoInputStreamOperator<Block, BlockMessage, BlockMessage>,
                    BoundedMultiInput,
                    InputSelectable {
        private static final long serialVersionUID = 1L;
        private final AlsConfig cfg;
        private final int numBlocks;
        private final Emission emission;
        private final StageClock clock;
        private transient Map<Integer, Block> blocks;
        private transient Map<Integer, Inbox> inboxes;

        HalfStep(AlsConfig cfg, int numBlocks, Emission emission, String stage) {
            this.cfg = cfg.withThreads(1);
            this.numBlocks = numBlocks;
            this.emission = emission;
            this.clock = new StageClock(stage);
        }

        @Override
        public void open() throws Exception {
            super.open();
            blocks = new TreeMap<>();
            clock.open(getRuntimeContext());
        }

        @Override
        public InputSelection nextSelection() {
            return inboxes == null ? InputSelection.FIRST : InputSelection.SECOND;
        }

        @Override
        public void processElement1(StreamRecord<Block> record) {
            Block b = record.getValue();
            checkRouting(this, b.block);
            blocks.put(b.block, b);
        }

        @Override
        public void processElement2(StreamRecord<BlockMessage> record) {
            BlockMessage m = record.getValue();
            Inbox in = inboxes.get(m.dest);
            if (in == null) {
                // only Grams go to every block, also to one without rows on this side
                checkRouting(this, m.dest);
            } else {
                in.add(m);
            }
        }

        @Override
        public void endInput(int inputId) {
            if (inputId == 1) {
                inboxes = new HashMap<>();
                for (Block b : blocks.values()) {
                    inboxes.put(b.block, new Inbox(b, cfg.rank, numBlocks));
                }
                return;
            }
            Outputs out = new Outputs(output);
            for (Block b : blocks.values()) {
                Inbox in = inboxes.remove(b.block);
                emission.emit(b, solve(in), out);
            }
            blocks = null;
            inboxes = null;
            clock.finished();
        }

        private double[] solve(Inbox in) {
            int k = cfg.rank;
            Block b = in.block;
            if (in.factorValues != in.y().length) {
                throw new IllegalStateException(
                        "block "
                                + b.block
                                + " got "
                                + in.factorValues / k
                                + " of the "
                                + b.numCols()
                                + " factors it references");
            }
            if (cfg.solver == AlsConfig.Solver.CG && in.ownValues != in.x().length) {
                throw new IllegalStateException(
                        "block "
                                + b.block
                                + " got "
                                + in.ownValues / k
                                + " of its "
                                + b.ids.length
                                + " current factors");
            }
            // G = Σ_j Y_jᵀY_j in block order, so G does not depend on arrival order or
            // parallelism (explicit: none)
            double[] gram = null;
            if (cfg.implicit) {
                gram = new double[k * k];
                for (double[] g : in.grams) {
                    if (g != null) {
                        AlsKernels.addInto(g, gram);
                    }
                }
            }
            InteractionMatrix r = b.matrix();
            try (AlsKernels.Workspace ws = new AlsKernels.Workspace(k)) {
                for (int from = 0; from < r.numRows(); from += AlsKernels.CHUNK) {
                    AlsKernels.solveChunk(
                            r,
                            from,
                            Math.min(r.numRows(), from + AlsKernels.CHUNK),
                            in.y(),
                            gram,
                            cfg,
                            in.x(),
                            ws);
                }
            }
            return in.x();
        }
    }

    /** What a block has received in a half-step, laid out as the kernels read it. */
    static final class Inbox {
        final Block block;
        private final int k;

        /**
         * The other side's factors in the block's column order: block j's rows at colBlockPtr[j].
         * Allocated by the first message, like {@link #x}: with pipelined exchanges every half-step
         * of the job has read its blocks long before its messages come.
         */
        private double[] y;

        /** The block's current factors (CG warm start; Cholesky overwrites every row). */
        private double[] x;

        /** Partial Gram matrices by source block. */
        final double[][] grams;

        long factorValues;
        long ownValues;

        Inbox(Block block, int k, int numBlocks) {
            this.block = block;
            this.k = k;
            this.grams = new double[numBlocks][];
        }

        double[] y() {
            if (y == null) {
                y = new double[block.numCols() * k];
            }
            return y;
        }

        double[] x() {
            if (x == null) {
                x = new double[block.ids.length * k];
            }
            return x;
        }

        void add(BlockMessage m) {
            if (m.kind == BlockMessage.GRAM) {
                grams[m.src] = m.values;
            } else if (m.kind == BlockMessage.FACTORS) {
                int[] colPtr = block.colBlockPtr;
                int at = (colPtr[m.src] + m.offset) * k;
                if (at + m.values.length > colPtr[m.src + 1] * k) {
                    throw new IllegalStateException(
                            "block "
                                    + block.block
                                    + ": factors from block "
                                    + m.src
                                    + " beyond its "
                                    + (colPtr[m.src + 1] - colPtr[m.src])
                                    + " referenced rows");
                }
                System.arraycopy(m.values, 0, y(), at, m.values.length);
                factorValues += m.values.length;
            } else {
                System.arraycopy(m.values, 0, x(), m.offset * k, m.values.length);
                ownValues += m.values.length;
            }
        }
    }
}

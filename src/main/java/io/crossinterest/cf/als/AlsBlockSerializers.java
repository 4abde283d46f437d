package io.crossinterest.cf.als;

import io.crossinterest.cf.als.AlsBlocks.Block;
import io.crossinterest.cf.als.AlsBlocks.BlockMessage;
import io.crossinterest.types.SerializerTypeInfo;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The wire formats of the distributed ALS's records ({@link Block}, {@link BlockMessage}): the
 * arrays go as little-endian bytes in bulk, 64 KiB at a time, instead of one {@code writeDouble}
 * per element as the POJO serializer of the keyed graph did (its serialization outside the sort was
 * 18-21 % of that graph's CPU samples). Both records are immutable once built, so {@code copy}
 * (chained operators) returns the record itself. Records in flight only, never state; the snapshots
 * are those of a fixed format.
 */
final class AlsBlockSerializers {
    private AlsBlockSerializers() {}

    static final TypeInformation<Block> BLOCK_TYPE =
            new SerializerTypeInfo<>(Block.class, BlockSerializer.INSTANCE);
    static final TypeInformation<BlockMessage> MESSAGE_TYPE =
            new SerializerTypeInfo<>(BlockMessage.class, MessageSerializer.INSTANCE);

    /** Bytes converted per bulk write or read. */
    private static final int SCRATCH_BYTES = 1 << 16;

    /** A {@link Block}: side, block, then its arrays. */
    static final class BlockSerializer extends TypeSerializerSingleton<Block> {
        private static final long serialVersionUID = 1L;
        static final BlockSerializer INSTANCE = new BlockSerializer();

        private BlockSerializer() {}

        @Override
        public boolean isImmutableType() {
            return true;
        }

        @Override
        public Block createInstance() {
            return null;
        }

        @Override
        public Block copy(Block b) {
            return b;
        }

        @Override
        public Block copy(Block from, Block reuse) {
            return from;
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(Block b, DataOutputView out) throws IOException {
            out.writeInt(b.side);
            out.writeInt(b.block);
            writeLongs(b.ids, out);
            writeInts(b.rowPtr, out);
            writeInts(b.cols, out);
            writeDoubles(b.values, out);
            writeInts(b.colBlockPtr, out);
            writeInts(b.outPtr, out);
            writeInts(b.outRows, out);
        }

        @Override
        public Block deserialize(DataInputView in) throws IOException {
            int side = in.readInt();
            int block = in.readInt();
            return new Block(
                    side,
                    block,
                    readLongs(in),
                    readInts(in),
                    readInts(in),
                    readDoubles(in),
                    readInts(in),
                    readInts(in),
                    readInts(in));
        }

        @Override
        public Block deserialize(Block reuse, DataInputView in) throws IOException {
            return deserialize(in);
        }

        @Override
        public void copy(DataInputView in, DataOutputView out) throws IOException {
            serialize(deserialize(in), out);
        }

        @Override
        public TypeSerializerSnapshot<Block> snapshotConfiguration() {
            return new BlockSnapshot();
        }
    }

    /** The snapshot of the fixed {@link Block} format. */
    public static final class BlockSnapshot extends SimpleTypeSerializerSnapshot<Block> {
        public BlockSnapshot() {
            super(() -> BlockSerializer.INSTANCE);
        }
    }

    /** A {@link BlockMessage}: kind, destination, source, offset, values. */
    static final class MessageSerializer extends TypeSerializerSingleton<BlockMessage> {
        private static final long serialVersionUID = 1L;
        static final MessageSerializer INSTANCE = new MessageSerializer();

        private MessageSerializer() {}

        @Override
        public boolean isImmutableType() {
            return true;
        }

        @Override
        public BlockMessage createInstance() {
            return null;
        }

        @Override
        public BlockMessage copy(BlockMessage m) {
            return m;
        }

        @Override
        public BlockMessage copy(BlockMessage from, BlockMessage reuse) {
            return from;
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(BlockMessage m, DataOutputView out) throws IOException {
            out.writeByte(m.kind);
            out.writeInt(m.dest);
            out.writeInt(m.src);
            out.writeInt(m.offset);
            writeDoubles(m.values, out);
        }

        @Override
        public BlockMessage deserialize(DataInputView in) throws IOException {
            byte kind = in.readByte();
            int dest = in.readInt();
            int src = in.readInt();
            int offset = in.readInt();
            return new BlockMessage(kind, dest, src, offset, readDoubles(in));
        }

        @Override
        public BlockMessage deserialize(BlockMessage reuse, DataInputView in) throws IOException {
            return deserialize(in);
        }

        @Override
        public void copy(DataInputView in, DataOutputView out) throws IOException {
            serialize(deserialize(in), out);
        }

        @Override
        public TypeSerializerSnapshot<BlockMessage> snapshotConfiguration() {
            return new MessageSnapshot();
        }
    }

    /** The snapshot of the fixed {@link BlockMessage} format. */
    public static final class MessageSnapshot extends SimpleTypeSerializerSnapshot<BlockMessage> {
        public MessageSnapshot() {
            super(() -> MessageSerializer.INSTANCE);
        }
    }

    // An array is its length, then its elements as little-endian bytes; every array is non-null.

    /** One conversion buffer per thread (the serializers are shared singletons). */
    private static final ThreadLocal<ByteBuffer> SCRATCH =
            ThreadLocal.withInitial(
                    () -> ByteBuffer.allocate(SCRATCH_BYTES).order(ByteOrder.LITTLE_ENDIAN));

    static void writeDoubles(double[] a, DataOutputView out) throws IOException {
        out.writeInt(a.length);
        ByteBuffer buf = SCRATCH.get();
        int per = buf.capacity() / Double.BYTES;
        for (int i = 0; i < a.length; i += per) {
            int n = Math.min(per, a.length - i);
            buf.asDoubleBuffer().put(a, i, n);
            out.write(buf.array(), 0, n * Double.BYTES);
        }
    }

    static double[] readDoubles(DataInputView in) throws IOException {
        double[] a = new double[in.readInt()];
        ByteBuffer buf = SCRATCH.get();
        int per = buf.capacity() / Double.BYTES;
        for (int i = 0; i < a.length; i += per) {
            int n = Math.min(per, a.length - i);
            in.readFully(buf.array(), 0, n * Double.BYTES);
            buf.asDoubleBuffer().get(a, i, n);
        }
        return a;
    }

    static void writeLongs(long[] a, DataOutputView out) throws IOException {
        out.writeInt(a.length);
        ByteBuffer buf = SCRATCH.get();
        int per = buf.capacity() / Long.BYTES;
        for (int i = 0; i < a.length; i += per) {
            int n = Math.min(per, a.length - i);
            buf.asLongBuffer().put(a, i, n);
            out.write(buf.array(), 0, n * Long.BYTES);
        }
    }

    static long[] readLongs(DataInputView in) throws IOException {
        long[] a = new long[in.readInt()];
        ByteBuffer buf = SCRATCH.get();
        int per = buf.capacity() / Long.BYTES;
        for (int i = 0; i < a.length; i += per) {
            int n = Math.min(per, a.length - i);
            in.readFully(buf.array(), 0, n * Long.BYTES);
            buf.asLongBuffer().get(a, i, n);
        }
        return a;
    }

    static void writeInts(int[] a, DataOutputView out) throws IOException {
        out.writeInt(a.length);
        ByteBuffer buf = SCRATCH.get();
        int per = buf.capacity() / Integer.BYTES;
        for (int i = 0; i < a.length; i += per) {
            int n = Math.min(per, a.length - i);
            buf.asIntBuffer().put(a, i, n);
            out.write(buf.array(), 0, n * Integer.BYTES);
        }
    }

    static int[] readInts(DataInputView in) throws IOException {
        int[] a = new int[in.readInt()];
        ByteBuffer buf = SCRATCH.get();
        int per = buf.capacity() / Integer.BYTES;
        for (int i = 0; i < a.length; i += per) {
            int n = Math.min(per, a.length - i);
            in.readFully(buf.array(), 0, n * Integer.BYTES);
            buf.asIntBuffer().get(a, i, n);
        }
        return a;
    }
}

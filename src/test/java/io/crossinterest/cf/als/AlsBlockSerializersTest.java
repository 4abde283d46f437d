package io.crossinterest.cf.als;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The distributed ALS's records survive their wire formats, arrays above the 64 KiB chunk too. */
class AlsBlockSerializersTest {

    @Test
    void blockAndMessageRoundTrip() throws Exception {
        SplittableRandom rnd = new SplittableRandom(7);
        int n = 20_000; // 160 KB of longs and doubles: several bulk chunks, and a partial last one
        long[] ids = rnd.longs(n).toArray();
        int[] cols = rnd.ints(n + 3).toArray();
        double[] values = rnd.doubles(n + 1).toArray();
        AlsBlocks.Block b =
                new AlsBlocks.Block(
                        1,
                        5,
                        ids,
                        new int[] {0, 2},
                        cols,
                        values,
                        new int[0],
                        new int[] {3},
                        new int[] {-1, 0, Integer.MAX_VALUE});
        DataOutputSerializer out = new DataOutputSerializer(64);
        AlsBlockSerializers.BlockSerializer.INSTANCE.serialize(b, out);
        AlsBlocks.BlockMessage m =
                new AlsBlocks.BlockMessage(AlsBlocks.BlockMessage.FACTORS, 3, 4, 17, values);
        AlsBlockSerializers.MessageSerializer.INSTANCE.serialize(m, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        AlsBlocks.Block c = AlsBlockSerializers.BlockSerializer.INSTANCE.deserialize(in);
        assertEquals(1, c.side);
        assertEquals(5, c.block);
        assertArrayEquals(ids, c.ids);
        assertArrayEquals(new int[] {0, 2}, c.rowPtr);
        assertArrayEquals(cols, c.cols);
        assertArrayEquals(values, c.values, 0.0);
        assertArrayEquals(new int[0], c.colBlockPtr);
        assertArrayEquals(new int[] {3}, c.outPtr);
        assertArrayEquals(new int[] {-1, 0, Integer.MAX_VALUE}, c.outRows);
        AlsBlocks.BlockMessage d = AlsBlockSerializers.MessageSerializer.INSTANCE.deserialize(in);
        assertEquals(AlsBlocks.BlockMessage.FACTORS, d.kind);
        assertEquals(3, d.dest);
        assertEquals(4, d.src);
        assertEquals(17, d.offset);
        assertArrayEquals(values, d.values, 0.0);
        assertEquals(0, in.available());
    }
}

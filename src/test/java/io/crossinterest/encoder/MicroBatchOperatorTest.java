package io.crossinterest.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

class MicroBatchOperatorTest {

    /** Tags each element with the size of the batch it was processed in. */
    static final class TagWithBatchSize implements BatchFunction<Integer, String> {
        @Override
        public List<String> apply(List<Integer> batch) {
            List<String> out = new ArrayList<>(batch.size());
            for (Integer x : batch) {
                out.add(x + "@" + batch.size());
            }
            return out;
        }
    }

    @Test
    void oneOutputPerInputFlushedBySizeAndAtEndOfInput() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<Integer> in = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            in.add(i);
        }
        DataStream<String> out = MicroBatching.apply(env.fromData(in), new TagWithBatchSize(), Types.STRING, 4,
                3_600_000L, "encode-batched", "encode (micro-batched)");
        StreamNode node = env.getStreamGraph(false).getStreamNodes().stream()
                .filter(n -> "encode (micro-batched)".equals(n.getOperatorName())).findFirst().orElseThrow();
        assertEquals("encode-batched", node.getTransformationUID());
        List<String> result = new ArrayList<>();
        out.executeAndCollect().forEachRemaining(result::add);
        // the timer (1 h) never fires: batches of 4, 4 by size, then the last 2 at end of input
        assertEquals(List.of("0@4", "1@4", "2@4", "3@4", "4@4", "5@4", "6@4", "7@4", "8@2", "9@2"), result);
    }

    @Test
    void everyInputIsEmittedOnceWithParallelSubtasks() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        List<Integer> in = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            in.add(i);
        }
        List<String> result = new ArrayList<>();
        MicroBatching.apply(env.fromData(in).rebalance(), new TagWithBatchSize(), Types.STRING, 8, 5L,
                "encode-batched", "encode (micro-batched)").executeAndCollect().forEachRemaining(result::add);
        List<Integer> ids = result.stream().map(s -> Integer.parseInt(s.substring(0, s.indexOf('@')))).sorted()
                .toList();
        assertEquals(in, ids);
        result.forEach(s -> {
            int size = Integer.parseInt(s.substring(s.indexOf('@') + 1));
            assertEquals(true, size >= 1 && size <= 8, s);
        });
    }
}

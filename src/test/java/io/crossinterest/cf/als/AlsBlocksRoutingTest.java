package io.crossinterest.cf.als;

import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The distributed ALS's blocks spread evenly over the subtasks: block b runs on subtask b mod p.
 */
class AlsBlocksRoutingTest {

    @ParameterizedTest
    @CsvSource({"1, 1", "2, 2", "2, 5", "3, 3", "4, 8", "8, 8", "8, 3", "32, 32", "32, 64"})
    void blockBRunsOnSubtaskBModP(int parallelism, int numBlocks) {
        int max = KeyGroupRangeAssignment.computeDefaultMaxParallelism(parallelism);
        AlsBlocks.Routing routing = new AlsBlocks.Routing(numBlocks, parallelism, max);
        Set<Integer> keys = new HashSet<>();
        for (int b = 0; b < numBlocks; b++) {
            int key = routing.keyOfBlock[b];
            assertEquals(
                    b % parallelism,
                    KeyGroupRangeAssignment.assignKeyToParallelOperator(key, max, parallelism),
                    "block " + b);
            assertEquals(b, routing.blockOfKey[key]);
            keys.add(key);
        }
        assertEquals(numBlocks, keys.size());
    }
}

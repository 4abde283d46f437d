package io.crossinterest.cf.als;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The distributed ALS's blocks spread evenly over the subtasks: block b runs on subtask b mod p
 * (the operators also check it on every block and message they receive).
 */
class AlsBlocksRoutingTest {

    @ParameterizedTest
    @CsvSource({"1, 1", "2, 2", "2, 5", "3, 3", "4, 8", "8, 8", "8, 3", "32, 32", "32, 64"})
    void blockBRunsOnSubtaskBModP(int parallelism, int numBlocks) {
        AlsBlocks.ToSubtask partitioner = new AlsBlocks.ToSubtask();
        int[] blocksPerSubtask = new int[parallelism];
        for (int b = 0; b < numBlocks; b++) {
            int subtask = partitioner.partition(b, parallelism);
            assertEquals(b % parallelism, subtask, "block " + b);
            blocksPerSubtask[subtask]++;
        }
        for (int t = 0; t < parallelism; t++) {
            int n = blocksPerSubtask[t];
            assertTrue(
                    n == numBlocks / parallelism
                            || n == (numBlocks + parallelism - 1) / parallelism,
                    "subtask " + t + " has " + n + " blocks");
        }
    }
}

package io.crossinterest.baselines;

import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;

import java.util.function.Supplier;

/**
 * Runs the training of the bridge networks (EMCDR, PTUPCDR) with ND4J's native op parallelism set
 * to one thread and restores the previous setting afterwards. Their matrices are tiny (batch ×
 * rank), so splitting one op over OpenMP threads costs more in synchronisation than it gains, and
 * on a busy machine the spinning threads wait for each other.
 */
final class SmallNetThreads {
    private SmallNetThreads() {}

    static <T> T single(Supplier<T> work) {
        Environment env = Nd4j.getEnvironment();
        int before = env.maxThreads();
        env.setMaxThreads(1);
        try {
            return work.get();
        } finally {
            env.setMaxThreads(before);
        }
    }
}

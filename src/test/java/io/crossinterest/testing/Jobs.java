package io.crossinterest.testing;

import org.apache.flink.core.execution.JobClient;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Ending unbounded test jobs. */
public final class Jobs {
    private Jobs() {}

    /**
     * Cancels the job and waits (bounded) until it has ended, so its sources stop before the test's
     * files go.
     */
    public static void cancelAndWait(JobClient job) throws Exception {
        job.cancel().get(60, TimeUnit.SECONDS);
        try {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException cancelled) {
            // the expected outcome of a cancelled job
        }
    }
}

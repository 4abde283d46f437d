package io.crossinterest.pipeline;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions;
import org.apache.flink.contrib.streaming.state.RocksDBOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.rocksdb.CompressionType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The job configurations of the two execution modes, as Flink {@link Configuration}s (so the same
 * settings apply on the embedded cluster of {@code bin/cross-interest} and under {@code flink
 * run}).
 *
 * <ul>
 *   <li>Both: Kryo off ({@code pipeline.generic-types: false}): every type on the wire and in state
 *       is a POJO or a basic type, and a type that would fall back to Kryo fails the job at build
 *       time instead of slowing it down.
 *   <li>BATCH: bounded input only; keyed state lives in Flink's sort-based batch state backend; no
 *       checkpoints.
 *   <li>STREAMING: RocksDB (incremental checkpoints), exactly-once checkpoints every {@code
 *       interval}, retained on cancellation (and after a crash of the process), savepoints without
 *       a target folder in {@code <checkpointDir>/savepoints} ({@link RetainedCheckpoints}), and a
 *       bounded fixed-delay restart strategy (a job that keeps failing fails instead of looping).
 *       RocksDB is tuned for the profile operator's access pattern: Bloom filters, because most
 *       reads in live traffic and in a replay are of users not seen for a while or never (a miss
 *       must not visit every SST level); timers on the heap, because only users with a pending
 *       emission have one (at most the users active within one emit interval), so the timer queue
 *       is small and a RocksDB-backed queue would cost a write and a delete per emission for
 *       nothing. Whole (not partitioned) index and filter blocks, Flink's default: a miss then
 *       costs one filter probe per SST file instead of an index seek into the filter partitions
 *       first; measured on the stream benchmark, partitioned blocks were 10-20 % slower. At ~150
 *       bytes a profile the filters and indexes are about 2 % of the state, so they stay in the
 *       block cache until the state is ~50 times the managed memory; a cluster beyond that can turn
 *       on {@code state.backend.rocksdb.memory.partitioned-index-filters} in its configuration
 *       (this class does not set it). Four write buffers instead of two, so a put does not stall
 *       while a memtable is flushed (every event writes its user's profile); no block compression,
 *       trading disk for the CPU that flushes and compactions would spend on it (a profile is ~150
 *       bytes; state is small on disk anyway). Object reuse on: a record passes between chained
 *       operators without a serializer copy (a raw record, an event and a profile update per event
 *       otherwise). Our streaming operators allow it: none mutates its input or an object it has
 *       emitted, and the one that buffers inputs across calls (the bundle operator {@code
 *       AbstractMapBundleOperator}, i.e. {@code ModelServingOperator}) copies them when reuse is
 *       on.
 * </ul>
 */
public final class Environments {
    public static final int RESTART_ATTEMPTS = 3;
    public static final Duration RESTART_DELAY = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(30);

    private Environments() {}

    public static Configuration batch(int parallelism) {
        Configuration c = common(parallelism);
        c.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return c;
    }

    /**
     * @param checkpointDir where checkpoints go (a local path or, on a cluster, shared storage)
     * @param interval time between checkpoints (and so between Kafka transaction commits)
     */
    public static Configuration streaming(int parallelism, Path checkpointDir, Duration interval) {
        Configuration c = common(parallelism);
        c.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.STREAMING);
        c.set(PipelineOptions.OBJECT_REUSE, true);
        c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        c.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        c.set(
                RocksDBOptions.TIMER_SERVICE_FACTORY,
                EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP);
        c.set(RocksDBConfigurableOptions.MAX_WRITE_BUFFER_NUMBER, 4);
        c.set(
                RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL,
                List.of(CompressionType.NO_COMPRESSION));
        c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.toUri().toString());
        // stop-with-savepoint without a target folder writes here, where RetainedCheckpoints.latest
        // finds it
        c.set(
                CheckpointingOptions.SAVEPOINT_DIRECTORY,
                checkpointDir.resolve(RetainedCheckpoints.SAVEPOINTS).toUri().toString());
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
        c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        c.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, RESTART_ATTEMPTS);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, RESTART_DELAY);
        return c;
    }

    /**
     * Restores the job from {@code snapshot} (a retained checkpoint or a savepoint: its folder or
     * metadata file, a local path or a URI such as {@code s3://...}).
     */
    public static Configuration restoringFrom(Configuration c, String snapshot) {
        c.set(StateRecoveryOptions.SAVEPOINT_PATH, snapshot);
        return c;
    }

    /**
     * Managed memory of the embedded cluster's task manager (RocksDB's block cache and write
     * buffers come out of it). A local Flink cluster gets only 128 MB by default, which makes
     * RocksDB re-read index and filter blocks on every lookup once the state outgrows it. Ignored
     * under {@code flink run}, where the cluster's setting applies.
     */
    public static Configuration withLocalManagedMemory(Configuration c, MemorySize size) {
        c.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, size);
        return c;
    }

    private static Configuration common(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1: " + parallelism);
        }
        Configuration c = new Configuration();
        c.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        c.set(PipelineOptions.GENERIC_TYPES, false);
        return c;
    }

    /**
     * The environment of the current context (a cluster under {@code flink run}, else a local one)
     * with {@code conf}.
     */
    public static StreamExecutionEnvironment create(Configuration conf) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.configure(conf, Environments.class.getClassLoader());
        return env;
    }
}

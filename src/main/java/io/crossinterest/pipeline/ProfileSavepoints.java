package io.crossinterest.pipeline;

import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.profile.ProfileAggregator;
import io.crossinterest.profile.ProfileConfig;
import io.crossinterest.profile.ProfileStateBootstrap;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Warm start of the stream job: the profile state of a bounded history written as a savepoint
 * (State Processor API) that {@code stream} starts from ({@code flink run -s DIR ... stream}). The
 * savepoint holds the keyed state of the profile operator only (uid {@value ProfileAggregator#UID},
 * keyed by user as the stream keys it); every other operator of the stream starts empty, its Kafka
 * source from the group's committed offsets.
 *
 * <p>Max parallelism: {@value KeyGroupRangeAssignment#DEFAULT_LOWER_BOUND_MAX_PARALLELISM}, what
 * Flink gives a job that sets none and runs at a parallelism up to 85 (the stream job sets none); a
 * stream job with another max parallelism cannot start from it. The format is Flink's canonical
 * savepoint format, so the stream's RocksDB backend restores what the heap backend wrote here.
 */
public final class ProfileSavepoints {
    public static final int MAX_PARALLELISM =
            KeyGroupRangeAssignment.DEFAULT_LOWER_BOUND_MAX_PARALLELISM;

    private ProfileSavepoints() {}

    /**
     * Adds the savepoint writer to {@code events}' (BATCH) environment; it writes when that
     * environment executes.
     *
     * @param streamConfig the profile settings of the stream job that will start from it (its
     *     idle-user TTL included)
     * @param path where the savepoint goes (a folder that does not exist yet)
     */
    public static void write(
            DataStream<BehaviorEvent> events, ProfileConfig streamConfig, String path) {
        // the writer ships its operator states between its own operators as
        // TaggedOperatorSubtaskState, which Flink serializes with Kryo: this job allows generic
        // types (our own types keep their serializers)
        Configuration genericTypes = new Configuration();
        genericTypes.set(PipelineOptions.GENERIC_TYPES, true);
        events.getExecutionEnvironment().configure(genericTypes);
        StateBootstrapTransformation<BehaviorEvent> profiles =
                OperatorTransformation.bootstrapWith(events)
                        .keyBy(e -> e.user, Types.STRING)
                        .transform(new ProfileStateBootstrap(streamConfig));
        SavepointWriter.newSavepoint(
                        events.getExecutionEnvironment(),
                        new HashMapStateBackend(),
                        MAX_PARALLELISM)
                .withOperator(OperatorIdentifier.forUid(ProfileAggregator.UID), profiles)
                .write(path);
    }
}

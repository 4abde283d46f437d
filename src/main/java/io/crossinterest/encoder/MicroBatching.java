package io.crossinterest.encoder;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** Wires a {@link BatchFunction} into a job graph behind a {@link MicroBatchOperator}, with a stable uid and a name. */
public final class MicroBatching {
    private MicroBatching() {
    }

    public static <IN, OUT> SingleOutputStreamOperator<OUT> apply(DataStream<IN> input, BatchFunction<IN, OUT> fn,
            TypeInformation<OUT> outType, int maxBatchSize, long maxDelayMillis, String uid, String name) {
        return input.transform(name, outType, new MicroBatchOperator<>(fn, maxBatchSize, maxDelayMillis))
                .uid(uid)
                .name(name);
    }
}

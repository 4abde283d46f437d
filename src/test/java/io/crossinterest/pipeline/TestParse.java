package io.crossinterest.pipeline;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.event.DeadLetter;
import io.crossinterest.ingest.MalformedRecordException;
import io.crossinterest.ingest.RawRecord;
import io.crossinterest.ingest.RecordParser;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.function.Consumer;

/** A minimal Taobao-CSV parse step for graph tests: events out, malformed lines to the dead-letter side output. */
final class TestParse extends ProcessFunction<RawRecord, BehaviorEvent> {
    private static final long serialVersionUID = 1L;

    static final OutputTag<DeadLetter> DEAD = new OutputTag<>("dead-letters") {};

    static final RecordParser CSV = (RawRecord r, Consumer<BehaviorEvent> out) -> {
        String[] f = r.text.split(",", -1);
        if (f.length != 5) {
            throw new MalformedRecordException("expected 5 columns, got " + f.length);
        }
        Behavior b = Behavior.parse(f[3]);
        if (b == null) {
            throw new MalformedRecordException("unknown behaviour " + f[3]);
        }
        long ts;
        try {
            ts = Long.parseLong(f[4]) * 1000;
        } catch (NumberFormatException e) {
            throw new MalformedRecordException("timestamp not a number");
        }
        out.accept(new BehaviorEvent(f[0], f[1], f[2], b, 1.0, ts));
    };

    @Override
    public void processElement(RawRecord r, Context ctx, Collector<BehaviorEvent> out) {
        try {
            CSV.parse(r, out::collect);
        } catch (MalformedRecordException e) {
            ctx.output(DEAD, new DeadLetter(r.source, r.position, e.getMessage(), r.text));
        }
    }
}

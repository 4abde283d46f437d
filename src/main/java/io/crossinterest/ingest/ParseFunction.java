package io.crossinterest.ingest;

import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.event.DeadLetter;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.function.Consumer;

/**
 * The parse step: raw records in, behaviour events out, every record that cannot be parsed to the
 * side output {@link #DEAD_LETTERS} with its source, position, raw text and reason. Never throws
 * for bad input. Stateless, so it needs no uid for state, but give it one anyway ({@code
 * .uid("parse")}) so savepoints stay readable.
 *
 * <pre>{@code
 * SingleOutputStreamOperator<BehaviorEvent> events = raw.process(new ParseFunction(plan.parser()))
 *         .uid("parse").name("parse");
 * DataStream<DeadLetter> dead = events.getSideOutput(ParseFunction.DEAD_LETTERS);
 * }</pre>
 *
 * <p>Metrics (operator scope): counters {@code recordsIn}, {@code eventsOut}, {@code deadLetters},
 * meters {@code eventsOutPerSecond}, {@code deadLettersPerSecond}, and per reason a counter {@code
 * deadLetters} in the group {@code reason=<code>} (codes of {@link RejectReason}; {@code other} for
 * a custom parser's reason without a known code).
 */
public class ParseFunction extends ProcessFunction<RawRecord, BehaviorEvent> {
    private static final long serialVersionUID = 1L;

    /** The side output of dead letters. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private final RecordParser parser;

    private transient Counter recordsIn;
    private transient Counter eventsOut;
    private transient Counter deadLetters;
    private transient Counter[] deadLettersByReason;
    private transient Counter deadLettersOther;
    private transient Collector<BehaviorEvent> collector;
    private transient Consumer<BehaviorEvent> emit;

    public ParseFunction(RecordParser parser) {
        this.parser = parser;
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        recordsIn = metrics.counter("recordsIn");
        eventsOut = metrics.counter("eventsOut");
        deadLetters = metrics.counter("deadLetters");
        metrics.meter("eventsOutPerSecond", new MeterView(eventsOut));
        metrics.meter("deadLettersPerSecond", new MeterView(deadLetters));
        RejectReason[] reasons = RejectReason.values();
        deadLettersByReason = new Counter[reasons.length];
        for (RejectReason r : reasons) {
            deadLettersByReason[r.ordinal()] =
                    metrics.addGroup("reason", r.code()).counter("deadLetters");
        }
        deadLettersOther = metrics.addGroup("reason", "other").counter("deadLetters");
        // one consumer for the operator's life: the hot path allocates no lambda per record
        emit =
                e -> {
                    eventsOut.inc();
                    collector.collect(e);
                };
    }

    @Override
    public void processElement(
            RawRecord record,
            ProcessFunction<RawRecord, BehaviorEvent>.Context ctx,
            Collector<BehaviorEvent> out) {
        recordsIn.inc();
        collector = out;
        DeadLetter dead = ParseStep.parseOrDeadLetter(parser, record, emit);
        if (dead != null) {
            deadLetters.inc();
            RejectReason reason = RejectReason.ofMessage(dead.reason);
            (reason == null ? deadLettersOther : deadLettersByReason[reason.ordinal()]).inc();
            ctx.output(DEAD_LETTERS, dead);
        }
    }
}

package io.crossinterest.ingest;

import io.crossinterest.event.BehaviorEvent;

import java.io.Serializable;
import java.util.function.Consumer;

/**
 * Turns one raw record of a given input format into behaviour events. One record may give several
 * events (a MovieLens rating of a movie with several genres gives one per genre) or none (a header
 * line a format allows). A record that cannot be parsed throws {@link MalformedRecordException}
 * with the reason; the caller sends it to dead letters.
 *
 * <p>Plain Java, no Flink: the same parsers serve the streaming graph and the in-process evaluation
 * loaders.
 */
public interface RecordParser extends Serializable {

    /**
     * Parses {@code record}, handing each event to {@code out}. Must not emit anything if it
     * throws.
     */
    void parse(RawRecord record, Consumer<BehaviorEvent> out) throws MalformedRecordException;
}

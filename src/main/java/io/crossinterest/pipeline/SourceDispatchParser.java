package io.crossinterest.pipeline;

import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.ingest.MalformedRecordException;
import io.crossinterest.ingest.RawRecord;
import io.crossinterest.ingest.RecordParser;

import java.util.function.Consumer;

/**
 * One parser for a HybridSource whose parts have different formats (history files in a data set's
 * format, then JSON from Kafka): records whose source is a partition of {@code topic} ({@code
 * <topic>-<partition>}, as the Kafka deserializer names them) go to {@code live}, all others (file
 * paths) to {@code history}.
 */
public final class SourceDispatchParser implements RecordParser {
    private static final long serialVersionUID = 1L;

    private final String topicPrefix;
    private final RecordParser history;
    private final RecordParser live;

    public SourceDispatchParser(String topic, RecordParser history, RecordParser live) {
        this.topicPrefix = topic + "-";
        this.history = history;
        this.live = live;
    }

    @Override
    public void parse(RawRecord record, Consumer<BehaviorEvent> out)
            throws MalformedRecordException {
        (isLive(record.source) ? live : history).parse(record, out);
    }

    private boolean isLive(String source) {
        if (source == null
                || !source.startsWith(topicPrefix)
                || source.length() == topicPrefix.length()) {
            return false;
        }
        for (int i = topicPrefix.length(); i < source.length(); i++) {
            if (!Character.isDigit(source.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}

package io.crossinterest.testing;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A test sink for jobs on the embedded MiniCluster (same JVM): every record goes into a named
 * in-memory queue the test reads while the job runs. Stateless, so it restores from any savepoint.
 */
public final class QueueSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, ConcurrentLinkedQueue<Object>> QUEUES =
            new ConcurrentHashMap<>();

    private final String name;

    private QueueSink(String name) {
        this.name = name;
    }

    /** A sink into a new, empty queue {@code name}. */
    public static <T> QueueSink<T> fresh(String name) {
        QUEUES.put(name, new ConcurrentLinkedQueue<>());
        return new QueueSink<>(name);
    }

    /** A sink appending to the existing queue {@code name} (e.g. the next version of a job). */
    public static <T> QueueSink<T> appending(String name) {
        QUEUES.computeIfAbsent(name, n -> new ConcurrentLinkedQueue<>());
        return new QueueSink<>(name);
    }

    /** What the sink has received so far, in arrival order. */
    @SuppressWarnings("unchecked")
    public static <T> List<T> contents(String name) {
        return new ArrayList<>(
                (ConcurrentLinkedQueue<T>) (ConcurrentLinkedQueue<?>) QUEUES.get(name));
    }

    @Override
    @SuppressWarnings("deprecation") // the interface's one abstract writer factory in Flink 1.20
    public SinkWriter<T> createWriter(InitContext context) {
        ConcurrentLinkedQueue<Object> q = QUEUES.get(name);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                q.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}

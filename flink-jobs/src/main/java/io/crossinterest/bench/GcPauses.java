package io.crossinterest.bench;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The garbage collections of this JVM while it is open: how many, their summed and longest
 * duration, and how many took at least {@link #LONG_MS} ms. {@code bench live} runs the job, the
 * event feed and the output consumer in one JVM, so a collection stops all three: next to a latency
 * quantile it says how much of the tail a pause can explain. With G1 on JDK 17 the collectors this
 * JVM reports (young and mixed/full) are stop-the-world, so a duration is a pause.
 */
public final class GcPauses implements AutoCloseable {
    /** A pause this long or longer is counted apart. */
    public static final long LONG_MS = 50;

    private final List<Registration> registrations = new ArrayList<>();
    private long collections;
    private long totalMs;
    private long maxMs;
    private final List<long[]> longOnes = new ArrayList<>();

    private record Registration(NotificationEmitter emitter, NotificationListener listener) {}

    /** Starts counting the collections from now. */
    public GcPauses() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                NotificationListener l = (n, handback) -> record(n);
                emitter.addNotificationListener(l, null, null);
                registrations.add(new Registration(emitter, l));
            }
        }
    }

    private void record(Notification n) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                n.getType())) {
            return;
        }
        long ms =
                GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData())
                        .getGcInfo()
                        .getDuration();
        add(ms, System.currentTimeMillis());
    }

    /** One collection of {@code ms} milliseconds, reported at wall-clock {@code atMs}. */
    synchronized void add(long ms, long atMs) {
        collections++;
        totalMs += ms;
        maxMs = Math.max(maxMs, ms);
        if (ms >= LONG_MS) {
            longOnes.add(new long[] {atMs - ms, ms});
        }
    }

    /**
     * The collections of at least {@link #LONG_MS} ms: {wall-clock ms when it started (as reported
     * at its end, less its duration), ms}, in order.
     */
    public synchronized List<long[]> longPauses() {
        return List.copyOf(longOnes);
    }

    /** {collections, total ms, longest ms, collections of at least {@link #LONG_MS} ms}. */
    public synchronized long[] counts() {
        return new long[] {collections, totalMs, maxMs, longOnes.size()};
    }

    @Override
    public void close() {
        for (Registration r : registrations) {
            try {
                r.emitter().removeNotificationListener(r.listener());
            } catch (ListenerNotFoundException e) {
                // already gone
            }
        }
    }
}

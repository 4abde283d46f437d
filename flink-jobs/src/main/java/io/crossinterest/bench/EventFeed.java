package io.crossinterest.bench;

import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.ingest.EventJson;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes a replay ({@link Replay}, mapped by {@link PairMapping}) to a Kafka topic as the stream
 * job's JSON events, keyed by user: either a backlog as fast as the producer goes ({@link
 * #backlog}), or live at a fixed rate on its own thread ({@link #start}), each event stamped with
 * the wall clock when it is sent (its JSON timestamp and its Kafka timestamp are the same instant)
 * and registered with a {@link LatencyMatcher}.
 */
public final class EventFeed implements AutoCloseable {
    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final Replay replay;
    private final PairMapping mapping;
    private final EventJson json = new EventJson();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean running;
    private Thread thread;

    public EventFeed(
            String bootstrapServers,
            String topic,
            Replay replay,
            PairMapping mapping,
            long lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(lingerMs));
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        p.put(
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                "true"); // no duplicates, each partition in send order
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        this.topic = topic;
        this.replay = replay;
        this.mapping = mapping;
    }

    /** Events sent so far. */
    public long sent() {
        return sent.get();
    }

    private void send(long g, long timestampMs, LatencyMatcher matcher) {
        BehaviorEvent e = mapping.event(replay, g, timestampMs);
        if (matcher != null) {
            matcher.sent(e.user, timestampMs);
        }
        producer.send(
                new ProducerRecord<>(topic, null, timestampMs, e.user, json.toJson(e)),
                (md, ex) -> {
                    if (ex != null) {
                        failure.compareAndSet(null, ex);
                    }
                });
        sent.incrementAndGet();
    }

    /**
     * Events [0, count) as fast as possible, stamped as if they had arrived at {@code nominalRate}
     * events/s up to now (event i at now - (count - i) / rate), so the job's emit intervals hold as
     * many events of a user as live traffic at that rate would; returns when the broker has them
     * all.
     */
    public void backlog(long count, double nominalRate) throws Exception {
        long now = System.currentTimeMillis();
        for (long g = 0; g < count; g++) {
            send(g, now - (long) ((count - g) * 1000.0 / nominalRate), null);
        }
        producer.flush();
        check();
    }

    /**
     * Starts sending from event {@code first} at {@code rate} events/s on its own thread, until
     * {@link #close}.
     */
    public void start(long first, double rate, LatencyMatcher matcher) {
        running = true;
        thread =
                new Thread(
                        () -> {
                            long t0 = System.nanoTime();
                            long g = first;
                            try {
                                while (running) {
                                    long due = (long) ((System.nanoTime() - t0) / 1e9 * rate);
                                    while (g - first < due && running) {
                                        send(g++, System.currentTimeMillis(), matcher);
                                    }
                                    Thread.sleep(1);
                                }
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } catch (RuntimeException e) {
                                failure.compareAndSet(null, e);
                            }
                        },
                        "bench-live-feed");
        thread.setDaemon(true);
        thread.start();
    }

    /** Throws the first send failure, if any. */
    public void check() throws Exception {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("sending events to " + topic + " failed: " + e, e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(10_000);
        }
        producer.close(Duration.ofSeconds(30));
    }
}

package io.crossinterest.ui;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The newest record per user of the job's keyed output topics (profile updates, recommendations),
 * for the live page's user lookup: a Kafka consumer in the page's process, {@code read_committed}
 * (only what the job's exactly-once sinks committed), assigned every partition from the beginning
 * and following the topics' ends, without a consumer group (it commits nothing and takes nothing
 * from the job). The record key is the user. Per topic at most {@code maxUsers} users are kept, the
 * least recently updated dropped first, so the memory is bounded however many users the topics
 * hold; a user dropped that way shows again at their next update.
 */
public final class LatestPerUser implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LatestPerUser.class);

    private final List<String> topics;
    private final Map<String, Newest> latest = new LinkedHashMap<>();
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long recordsRead;

    public LatestPerUser(String bootstrapServers, List<String> topics, int maxUsers) {
        this.topics = List.copyOf(topics);
        for (String t : this.topics) {
            latest.put(t, new Newest(maxUsers));
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "cross-interest-live-page");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        thread = new Thread(this::run, "live-page-consumer");
        thread.setDaemon(true);
    }

    public LatestPerUser start() {
        thread.start();
        return this;
    }

    /** The newest value of {@code user} in {@code topic}, or null. */
    public String get(String topic, String user) {
        Newest m = latest.get(topic);
        return m == null ? null : m.get(user);
    }

    /** Users held for {@code topic}. */
    public int users(String topic) {
        Newest m = latest.get(topic);
        return m == null ? 0 : m.size();
    }

    public long recordsRead() {
        return recordsRead;
    }

    private void run() {
        try {
            List<TopicPartition> assigned = new ArrayList<>();
            while (running
                    && assigned
                            .isEmpty()) { // the job creates nothing: wait for the topics to exist
                for (String t : topics) {
                    List<PartitionInfo> parts = consumer.partitionsFor(t, Duration.ofSeconds(10));
                    if (parts != null) {
                        for (PartitionInfo pi : parts) {
                            assigned.add(new TopicPartition(t, pi.partition()));
                        }
                    }
                }
                if (assigned.isEmpty()) {
                    Thread.sleep(1000);
                }
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            while (running) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() == null || r.value() == null) {
                        continue;
                    }
                    latest.get(r.topic()).put(r.key(), r.value());
                    recordsRead++;
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("live page: reading {} stopped: {}", topics, e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * The newest value per key, at most {@code capacity} keys: putting a key makes it the most
     * recently updated, and beyond the capacity the least recently updated key goes. Thread-safe
     * (one writer, the page's readers).
     */
    static final class Newest {
        private final int capacity;
        private final LinkedHashMap<String, String> values = new LinkedHashMap<>();

        Newest(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be >= 1: " + capacity);
            }
            this.capacity = capacity;
        }

        synchronized void put(String key, String value) {
            values.remove(key); // re-inserted last: insertion order = update order
            values.put(key, value);
            if (values.size() > capacity) {
                values.remove(values.keySet().iterator().next());
            }
        }

        synchronized String get(String key) {
            return values.get(key);
        }

        synchronized int size() {
            return values.size();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        if (thread.isAlive()) {
            consumer.wakeup();
            thread.join(10_000);
        } else if (thread.getState() == Thread.State.NEW) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}

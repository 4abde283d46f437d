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
 * The newest record per user of the job's keyed output topics (profile updates, recommendations), for the live page's
 * user lookup: a Kafka consumer in the page's process, {@code read_committed} (only what the job's exactly-once sinks
 * committed), assigned every partition from the beginning and following the topics' ends, without a consumer group (it
 * commits nothing and takes nothing from the job). The record key is the user. Per topic at most {@code maxUsers}
 * users are kept, the least recently updated dropped first, so the memory is bounded however many users the topics
 * hold; a user dropped that way shows again at their next update.
 */
public final class LatestPerUser implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LatestPerUser.class);

    private final List<String> topics;
    private final int maxUsers;
    private final Map<String, LinkedHashMap<String, String>> latest = new LinkedHashMap<>();
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long recordsRead;

    public LatestPerUser(String bootstrapServers, List<String> topics, int maxUsers) {
        this.topics = List.copyOf(topics);
        this.maxUsers = maxUsers;
        for (String t : this.topics) {
            latest.put(t, new LinkedHashMap<>(16, 0.75f, false));
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
        LinkedHashMap<String, String> m = latest.get(topic);
        if (m == null) {
            return null;
        }
        synchronized (m) {
            return m.get(user);
        }
    }

    /** Users held for {@code topic}. */
    public int users(String topic) {
        LinkedHashMap<String, String> m = latest.get(topic);
        if (m == null) {
            return 0;
        }
        synchronized (m) {
            return m.size();
        }
    }

    public long recordsRead() {
        return recordsRead;
    }

    private void run() {
        try {
            List<TopicPartition> assigned = new ArrayList<>();
            while (running && assigned.isEmpty()) { // the job creates nothing: wait for the topics to exist
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
                    LinkedHashMap<String, String> m = latest.get(r.topic());
                    synchronized (m) {
                        m.remove(r.key()); // re-inserted last: insertion order = update order
                        m.put(r.key(), r.value());
                        if (m.size() > maxUsers) {
                            m.remove(m.keySet().iterator().next());
                        }
                    }
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

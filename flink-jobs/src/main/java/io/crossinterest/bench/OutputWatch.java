package io.crossinterest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads the stream job's profile updates and recommendations from the beginning, on its own thread,
 * and reports them to a {@link LatencyMatcher}: a profile update as (user, Kafka timestamp, {@code
 * events}, whether its recent categories include one of the model's source block, i.e. whether the
 * scoring stage scores it), a recommendation as (user, Kafka timestamp, the wall clock when the
 * poll returned it). The job must write event-time Kafka timestamps ({@code --output-timestamps
 * event}), which tie a recommendation to its update. {@code read_uncommitted} sees records as the
 * job writes them; {@code read_committed} sees exactly-once output when its checkpoint commits.
 */
public final class OutputWatch implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<String, String> consumer;
    private final String profileTopic;
    private final Set<String> sourceCategories;
    private final LatencyMatcher matcher;
    private final AtomicLong recommendations = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    public OutputWatch(
            String bootstrapServers,
            String profileTopic,
            String recommendationsTopic,
            boolean committed,
            Set<String> sourceCategories,
            LatencyMatcher matcher) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                committed ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        this.profileTopic = profileTopic;
        this.sourceCategories = sourceCategories;
        this.matcher = matcher;
        List<TopicPartition> parts = new ArrayList<>();
        for (String topic : List.of(profileTopic, recommendationsTopic)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(60))
                    .forEach(info -> parts.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        thread = new Thread(this::run, "bench-live-outputs");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                var records = consumer.poll(Duration.ofMillis(100));
                long readAt = System.currentTimeMillis();
                for (ConsumerRecord<String, String> r : records) {
                    JsonNode o = JSON.readTree(r.value());
                    String user = o.path("user").asText();
                    if (r.topic().equals(profileTopic)) {
                        matcher.profile(user, r.timestamp(), o.path("events").asLong(), scored(o));
                    } else {
                        matcher.recommendation(user, r.timestamp(), readAt);
                        recommendations.incrementAndGet();
                    }
                }
            }
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Whether a profile update has source-block behaviour (else the scoring stage skips it). */
    private boolean scored(JsonNode profile) {
        for (JsonNode c : profile.path("recentCategories")) {
            if (sourceCategories.contains(c.asText())) {
                return true;
            }
        }
        return false;
    }

    /** Recommendations read so far. */
    public long recommendations() {
        return recommendations.get();
    }

    /** Throws the reader's failure, if any. */
    public void check() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("reading the job's outputs failed: " + e, e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
        consumer.close(Duration.ofSeconds(10));
    }
}

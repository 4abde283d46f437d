package io.crossinterest.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
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
 *
 * <p>The watch runs in the benchmark's JVM, beside the job it measures, so it reads as little as it
 * can: a streaming parse of the fields it needs, stopping once it has them, with no tree and no
 * strings for the rest. (Reading each record into a JSON tree made 30 % of the JVM's allocation in
 * a latency run, and with it garbage collections that paused the job: the measurement disturbed
 * what it measured; {@code results/performance/live-latency-experiments/}, round 16.)
 */
public final class OutputWatch implements AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();

    private final KafkaConsumer<byte[], byte[]> consumer;
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
        this.consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
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
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (r.topic().equals(profileTopic)) {
                        Profile p = profile(r.value(), sourceCategories);
                        matcher.profile(p.user(), r.timestamp(), p.events(), p.scored());
                    } else {
                        matcher.recommendation(user(r.value()), r.timestamp(), readAt);
                        recommendations.incrementAndGet();
                    }
                }
            }
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }

    /** What the matcher needs of a profile update. */
    record Profile(String user, long events, boolean scored) {}

    /**
     * A profile update's {@code user}, {@code events}, and whether its {@code recentCategories}
     * include one of the model's source block (else the scoring stage skips it).
     */
    static Profile profile(byte[] json, Set<String> sourceCategories) throws IOException {
        String user = null;
        long events = 0;
        boolean scored = false;
        try (JsonParser in = JSON.createParser(json)) {
            expectObject(in);
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                String field = in.currentName();
                JsonToken value = in.nextToken();
                if (field.equals("user")) {
                    user = in.getText();
                } else if (field.equals("events")) {
                    events = in.getLongValue();
                } else if (field.equals("recentCategories") && value == JsonToken.START_ARRAY) {
                    while (in.nextToken() != JsonToken.END_ARRAY) {
                        if (!scored && sourceCategories.contains(in.getText())) {
                            scored = true;
                        }
                    }
                } else {
                    in.skipChildren();
                }
            }
        }
        return new Profile(requireUser(user), events, scored);
    }

    /** A recommendation's {@code user}, read up to that field and no further. */
    static String user(byte[] json) throws IOException {
        try (JsonParser in = JSON.createParser(json)) {
            expectObject(in);
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                String field = in.currentName();
                in.nextToken();
                if (field.equals("user")) {
                    return in.getText();
                }
                in.skipChildren();
            }
        }
        return requireUser(null);
    }

    private static void expectObject(JsonParser in) throws IOException {
        if (in.nextToken() != JsonToken.START_OBJECT) {
            throw new IOException("an output record is not a JSON object");
        }
    }

    private static String requireUser(String user) throws IOException {
        if (user == null) {
            throw new IOException("an output record has no field 'user'");
        }
        return user;
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

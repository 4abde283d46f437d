package io.crossinterest.jobs;

import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.ingest.EventJson;
import io.crossinterest.serving.PlantedModels;

import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.ClusterClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test fixture: the {@code stream} command running on its own thread (its own call path, submitting
 * to the test's MiniCluster), and a feed of live events (timestamps = now) of the planted users, so
 * the watermark follows the wall clock and profile updates, scores and retraining keep coming while
 * a test watches. Closing cancels the job and stops the feed.
 */
final class LiveStream implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(120);

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final CompletableFuture<Integer> exit = new CompletableFuture<>();
    final JobID job;
    private final ClusterClient<?> cluster;
    private Feed feed;

    private LiveStream(ClusterClient<?> cluster, String... args) throws InterruptedException {
        this.cluster = cluster;
        Thread t =
                new Thread(
                        () ->
                                exit.complete(
                                        CrossInterest.run(
                                                new PrintWriter(out, true),
                                                new PrintWriter(err, true),
                                                args)),
                        "stream-command");
        t.setDaemon(true);
        t.start();
        job = awaitJobId();
    }

    static LiveStream start(ClusterClient<?> cluster, String... args) throws InterruptedException {
        return new LiveStream(cluster, args);
    }

    /** Starts producing live events to {@code topic} (one every {@code periodMillis}). */
    Feed feed(String bootstrapServers, String topic, int users, long periodMillis) {
        feed = new Feed(bootstrapServers, topic, users, periodMillis);
        feed.start();
        return feed;
    }

    private JobID awaitJobId() throws InterruptedException {
        return JobID.fromHexString(
                awaitOutput(Pattern.compile("stream: job ([0-9a-f]{32}) running")).group(1));
    }

    /** Waits (bounded) until the command has printed a match of {@code pattern}. */
    Matcher awaitOutput(Pattern pattern) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = pattern.matcher(out.toString());
            if (m.find()) {
                return m;
            }
            if (exit.isDone()) {
                throw new AssertionError(
                        "stream exited with " + exit.join() + " before running: " + err + out);
            }
            Thread.sleep(50);
        }
        throw new AssertionError(
                "stream did not print " + pattern + " within " + WAIT + ": " + err + out);
    }

    @Override
    public void close() throws Exception {
        if (feed != null) {
            feed.close();
        }
        try {
            if (!cluster.getJobStatus(job).get(30, TimeUnit.SECONDS).isGloballyTerminalState()) {
                cluster.cancel(job).get(30, TimeUnit.SECONDS);
            }
        } finally {
            exit.completeOnTimeout(-1, 30, TimeUnit.SECONDS).join();
        }
    }

    /**
     * Planted users {@code live-0..live-(n-1)} (user i in taste group i mod 4) reading books (the
     * source block) and, every fifth event, using a music or movies item (the target block, which
     * the CF retraining learns from), each event stamped with the wall clock. Seeded: the sequence
     * of events is the same on every run, only its pace is not.
     */
    static final class Feed extends Thread implements AutoCloseable {
        private final KafkaProducer<String, String> producer;
        private final String topic;
        private final int users;
        private final long periodMillis;
        private final Random rnd = new Random(16);
        private final EventJson json = new EventJson();
        private final AtomicLong sent = new AtomicLong();
        private volatile boolean running = true;

        Feed(String bootstrapServers, String topic, int users, long periodMillis) {
            super("live-events");
            setDaemon(true);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
            this.topic = topic;
            this.users = users;
            this.periodMillis = periodMillis;
        }

        long sent() {
            return sent.get();
        }

        @Override
        public void run() {
            long i = 0;
            try {
                while (running) {
                    int u = (int) (i % users);
                    String user = "live-" + u;
                    long now = System.currentTimeMillis();
                    BehaviorEvent e =
                            i % 5 == 4
                                    ? PlantedModels.targetEvent(
                                            user, (u % 4) * 10 + rnd.nextInt(10), now)
                                    : PlantedModels.sourceEvents(user, u % 4, 1, now, rnd).get(0);
                    producer.send(new ProducerRecord<>(topic, user, json.toJson(e)));
                    sent.incrementAndGet();
                    i++;
                    Thread.sleep(periodMillis); // the pace of the feed; no outcome depends on it
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            interrupt();
            join(10_000);
            producer.close(Duration.ofSeconds(10));
        }
    }
}

package io.crossinterest.cf.als;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * When the streaming job retrains the CF model: every {@code interval} of processing or event time
 * (if any event arrived since the last training), and/or every {@code everyEvents} events; with the
 * ALS hyper-parameters to train with. At least one trigger must be set.
 */
public final class RetrainPolicy implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum TimeDomain {
        PROCESSING,
        EVENT
    }

    public final AlsConfig config;

    /** 0 = no time trigger. */
    public final long intervalMillis;

    public final TimeDomain timeDomain;

    /** 0 = no count trigger. */
    public final long everyEvents;

    /** How often the operator checks whether a background training finished. */
    public final long pollMillis;

    public RetrainPolicy(
            AlsConfig config,
            Duration interval,
            TimeDomain timeDomain,
            long everyEvents,
            Duration poll) {
        this.config = Objects.requireNonNull(config);
        this.intervalMillis = interval == null ? 0 : interval.toMillis();
        this.timeDomain = Objects.requireNonNull(timeDomain);
        this.everyEvents = everyEvents;
        this.pollMillis = poll.toMillis();
        if (intervalMillis < 0 || everyEvents < 0 || (intervalMillis == 0 && everyEvents == 0)) {
            throw new IllegalArgumentException(
                    "retraining needs --retrain-interval > 0 or --retrain-every > 0");
        }
        if (!config.implicit) {
            // the stream's interactions are behaviour events, and models are folded in with the
            // implicit kernels
            throw new IllegalArgumentException(
                    "streaming retraining trains implicit ALS; explicit ratings are for Als");
        }
        if (pollMillis <= 0) {
            throw new IllegalArgumentException("poll interval must be > 0");
        }
    }

    public static RetrainPolicy everyEvents(AlsConfig config, long n) {
        return new RetrainPolicy(config, null, TimeDomain.PROCESSING, n, Duration.ofMillis(50));
    }

    public static RetrainPolicy every(AlsConfig config, Duration interval, TimeDomain domain) {
        return new RetrainPolicy(config, interval, domain, 0, Duration.ofMillis(50));
    }
}

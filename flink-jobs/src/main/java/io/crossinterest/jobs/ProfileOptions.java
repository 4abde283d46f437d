package io.crossinterest.jobs;

import io.crossinterest.profile.BehaviorWeights;
import io.crossinterest.profile.ProfileConfig;

import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Locale;

/** The aggregation options shared by {@code backfill} and {@code stream} (a picocli mixin). */
public class ProfileOptions {
    @Option(
            names = "--half-life",
            defaultValue = "7d",
            paramLabel = "DURATION",
            description =
                    "Event-time half-life of category scores: 90s, 12h, 7d, or 0 for no decay (default ${DEFAULT-VALUE}).")
    String halfLife;

    @Option(
            names = "--weights",
            paramLabel = "b=w,...",
            description =
                    "Behaviour weights, e.g. pv=1,click=1,fav=2,cart=3,buy=4 (the defaults); a rating counts its value.")
    String weights;

    @Option(
            names = "--sequence-length",
            defaultValue = "100",
            paramLabel = "L",
            description = "Recent behaviour tokens kept per user (default ${DEFAULT-VALUE}).")
    int sequenceLength;

    @Option(
            names = "--emit-interval",
            defaultValue = "10s",
            paramLabel = "DURATION",
            description =
                    "STREAMING: at most one profile update per user per this much event time, when the "
                            + "watermark passes its end (default ${DEFAULT-VALUE}); 0 = every event's update at once "
                            + "(low latency, one update and one scoring per event).")
    String emitInterval;

    ProfileConfig config() {
        try {
            ProfileConfig c =
                    ProfileConfig.defaults()
                            .withWeights(BehaviorWeights.parse(weights))
                            .withHalfLife(duration("--half-life", halfLife, true))
                            .withEmitInterval(duration("--emit-interval", emitInterval, true));
            return c.withSequenceLength(sequenceLength);
        } catch (UsageError e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UsageError(optionFor(e.getMessage()) + e.getMessage());
        }
    }

    private static String optionFor(String message) {
        if (message.contains("weight") || message.contains("behaviour")) {
            return "--weights: ";
        }
        if (message.contains("sequence")) {
            return "--sequence-length: ";
        }
        return "";
    }

    /**
     * {@code 90s, 15m, 12h, 7d, 250ms} or an ISO-8601 duration ({@code PT12H}); 0 only where
     * allowed.
     */
    static Duration duration(String option, String text, boolean zeroAllowed) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Duration d;
        try {
            if (t.equals("0")) {
                d = Duration.ZERO;
            } else if (t.startsWith("p")) {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } else if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                switch (t.charAt(t.length() - 1)) {
                    case 's':
                        d = Duration.ofSeconds(n);
                        break;
                    case 'm':
                        d = Duration.ofMinutes(n);
                        break;
                    case 'h':
                        d = Duration.ofHours(n);
                        break;
                    case 'd':
                        d = Duration.ofDays(n);
                        break;
                    default:
                        throw new NumberFormatException();
                }
            }
        } catch (RuntimeException e) {
            throw new UsageError(option + ": not a duration: '" + text + "' (e.g. 90s, 12h, 7d)");
        }
        if (d.isNegative() || (d.isZero() && !zeroAllowed)) {
            throw new UsageError(
                    option + ": must be " + (zeroAllowed ? ">= 0" : "> 0") + ": '" + text + "'");
        }
        return d;
    }
}

package io.crossinterest.serving;

import io.crossinterest.joint.JointBundle;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * Settings of the scoring stage.
 *
 * <ul>
 *   <li>{@code initialBundle} / {@code initialVersion}: the model served from the start (e.g.
 *       {@code --model DIR}) and its version, read from the bundle ({@link #withInitialModel});
 *       null: none until the first announcement (profile updates wait, in state, for it). A
 *       restored job serves the model recorded in its state instead.
 *   <li>{@code topN}: target items per output;
 *   <li>{@code maxBatchSize} / {@code maxDelayMillis}: a micro-batch is scored when it holds this
 *       many users or its oldest update has waited this long (processing time);
 *   <li>{@code pollMillis}: how often a pending model load is checked for completion when no batch
 *       boundary comes;
 *   <li>{@code historyLength}: L, the tokens the profiles keep per user ({@code
 *       --sequence-length}); a bundle whose encoder reads more ({@link #refusal}) is refused. 0:
 *       not known, nothing refused.
 * </ul>
 */
public final class ScoringConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_TOP_N = 10;
    public static final int DEFAULT_MAX_BATCH = 64;
    public static final long DEFAULT_MAX_DELAY_MS = 200;
    public static final long DEFAULT_POLL_MS = 50;

    public final String initialBundle;
    public final long initialVersion;
    public final int topN;
    public final int maxBatchSize;
    public final long maxDelayMillis;
    public final long pollMillis;
    public final int historyLength;

    public ScoringConfig(
            String initialBundle,
            long initialVersion,
            int topN,
            int maxBatchSize,
            long maxDelayMillis,
            long pollMillis) {
        this(initialBundle, initialVersion, topN, maxBatchSize, maxDelayMillis, pollMillis, 0);
    }

    public ScoringConfig(
            String initialBundle,
            long initialVersion,
            int topN,
            int maxBatchSize,
            long maxDelayMillis,
            long pollMillis,
            int historyLength) {
        require(initialVersion >= 0, "initial model version must be >= 0: " + initialVersion);
        require(topN >= 1, "top-N must be >= 1: " + topN);
        require(maxBatchSize >= 1, "max batch size must be >= 1: " + maxBatchSize);
        require(maxDelayMillis >= 0, "max batch delay must be >= 0 ms: " + maxDelayMillis);
        require(pollMillis >= 1, "poll interval must be >= 1 ms: " + pollMillis);
        require(historyLength >= 0, "history length must be >= 0: " + historyLength);
        this.initialBundle = initialBundle;
        this.initialVersion = initialVersion;
        this.topN = topN;
        this.maxBatchSize = maxBatchSize;
        this.maxDelayMillis = maxDelayMillis;
        this.pollMillis = pollMillis;
        this.historyLength = historyLength;
    }

    /** No initial model, defaults otherwise. */
    public static ScoringConfig defaults() {
        return new ScoringConfig(
                null, 0, DEFAULT_TOP_N, DEFAULT_MAX_BATCH, DEFAULT_MAX_DELAY_MS, DEFAULT_POLL_MS);
    }

    /**
     * Serves the bundle in {@code dir} from the start, as the version its metadata holds (read now:
     * a clear error when it is not a bundle).
     */
    public ScoringConfig withInitialModel(Path dir) throws IOException {
        long version = JointBundle.readMetadata(dir).modelVersion();
        return new ScoringConfig(
                dir.toString(),
                version,
                topN,
                maxBatchSize,
                maxDelayMillis,
                pollMillis,
                historyLength);
    }

    public ScoringConfig withTopN(int n) {
        return new ScoringConfig(
                initialBundle,
                initialVersion,
                n,
                maxBatchSize,
                maxDelayMillis,
                pollMillis,
                historyLength);
    }

    public ScoringConfig withBatching(int maxBatch, long maxDelayMs) {
        return new ScoringConfig(
                initialBundle,
                initialVersion,
                topN,
                maxBatch,
                maxDelayMs,
                pollMillis,
                historyLength);
    }

    /** A batch is scored once its oldest update has waited {@code ms} (0: at once). */
    public ScoringConfig withMaxDelay(long ms) {
        return withBatching(maxBatchSize, ms);
    }

    /** For profiles that keep {@code l} tokens per user (0: not known). */
    public ScoringConfig withHistoryLength(int l) {
        return new ScoringConfig(
                initialBundle, initialVersion, topN, maxBatchSize, maxDelayMillis, pollMillis, l);
    }

    /**
     * Why the bundle of {@code md} cannot be served here, or null: its encoder windows the last
     * {@code seqLen} source tokens, and profiles that keep fewer (L) would always give it shorter
     * histories than training did.
     */
    public String refusal(JointBundle.Metadata md) {
        if (historyLength > 0 && md.seqLen() > historyLength) {
            return "the bundle's encoder reads the last "
                    + md.seqLen()
                    + " source tokens, more than the profiles keep"
                    + " per user (sequence length L = "
                    + historyLength
                    + ")";
        }
        return null;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    @Override
    public String toString() {
        return "ScoringConfig{initial="
                + initialBundle
                + "@"
                + initialVersion
                + ", topN="
                + topN
                + ", batch="
                + maxBatchSize
                + ", delayMs="
                + maxDelayMillis
                + ", pollMs="
                + pollMillis
                + ", historyLength="
                + historyLength
                + "}";
    }
}

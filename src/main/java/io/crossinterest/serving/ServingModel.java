package io.crossinterest.serving;

import io.crossinterest.joint.JointBundle;
import io.crossinterest.joint.JointScoringFunction;
import io.crossinterest.joint.SourceHistory;
import io.crossinterest.joint.UserScores;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A loaded model as the scoring operator serves it: the bundle's {@link JointScoringFunction}
 * (network, Q, tokenizer), the announcement that named it, its version (the bundle's, which is the
 * announcement's: {@link #load} refuses a bundle that holds another) and the source block it was
 * trained on. Built on the operator's loader thread, then handed to the task thread, which alone
 * calls {@link #score} (the DL4J graph is not thread-safe).
 */
final class ServingModel {
    final ModelAnnouncement announcement;
    final long version;
    final Set<String> sourceCategories;
    final List<String> targetCategories;
    final long loadMillis;
    private final JointScoringFunction function;

    private ServingModel(
            ModelAnnouncement announcement, JointScoringFunction function, long loadMillis) {
        JointBundle.Metadata md = function.bundle().metadata();
        this.announcement = announcement;
        this.function = function;
        this.version = md.modelVersion();
        this.sourceCategories =
                md.sourceCategories() == null ? Set.of() : new HashSet<>(md.sourceCategories());
        this.targetCategories =
                md.targetCategories() == null ? List.of() : List.copyOf(md.targetCategories());
        this.loadMillis = loadMillis;
    }

    /**
     * Reads the announced bundle (blocking: seconds for a large network; never on the task thread's
     * hot path); refuses, before reading its network, one that {@code config} cannot serve ({@link
     * ScoringConfig#refusal}) and one that no longer holds the announced version (rewritten since
     * it was announced, or named by the state of a job from before versions were read from the
     * bundle).
     */
    static ServingModel load(ModelAnnouncement a, ScoringConfig config) throws Exception {
        long t0 = System.nanoTime();
        JointBundle.Metadata md = JointBundle.readMetadata(Path.of(a.bundle));
        requireAnnouncedVersion(md.modelVersion(), a);
        String refusal = config.refusal(md);
        if (refusal != null) {
            throw new IOException("refused: " + refusal);
        }
        JointScoringFunction fn = new JointScoringFunction(a.bundle, config.topN);
        fn.open();
        requireAnnouncedVersion(fn.bundle().modelVersion(), a); // rewritten between the reads
        return new ServingModel(a, fn, (System.nanoTime() - t0) / 1_000_000);
    }

    private static void requireAnnouncedVersion(long held, ModelAnnouncement a) throws IOException {
        if (held != a.version) {
            throw new IOException(
                    "refused: the bundle holds model version "
                            + held
                            + ", not the announced "
                            + a.version);
        }
    }

    /** The model's version: its bundle's, equal to its announcement's. */
    long version() {
        return version;
    }

    /**
     * The part of a user's recent behaviour in this model's source block (tokens of other
     * categories are not the encoder's input), or null when nothing is left: such a user has no
     * source-side evidence to transfer from.
     */
    SourceHistory sourceBlock(SourceHistory h) {
        if (h.itemIds == null || h.itemIds.length == 0) {
            return null;
        }
        if (sourceCategories.isEmpty() || h.categoryIds == null) {
            return h;
        }
        List<String> items = new ArrayList<>(h.itemIds.length);
        List<String> cats = new ArrayList<>(h.itemIds.length);
        for (int i = 0; i < h.itemIds.length; i++) {
            String c = i < h.categoryIds.length ? h.categoryIds[i] : null;
            if (c != null && sourceCategories.contains(c)) {
                items.add(h.itemIds[i]);
                cats.add(c);
            }
        }
        if (items.isEmpty()) {
            return null;
        }
        return items.size() == h.itemIds.length
                ? h
                : new SourceHistory(
                        h.userId, items.toArray(String[]::new), cats.toArray(String[]::new));
    }

    /** One forward pass over a batch of source-block histories: one output per input, in order. */
    List<UserScores> score(List<SourceHistory> batch) {
        return function.apply(batch);
    }
}

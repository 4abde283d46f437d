package io.crossinterest.serving;

import java.util.Objects;

/**
 * A control message the scoring stage did not act on, the control stream's dead letter: a malformed
 * message ({@code version} −1, the text in {@code raw}), one whose bundle cannot be read or holds
 * another version than the message names ({@code version}: the one named, else −1), a version not
 * newer than the one served or queued, or a bundle that failed to load (the previous model keeps
 * serving); also, with {@code version} −1, updates left unscored at the end of a bounded run
 * because no model ever loaded. {@code subtask} is the scoring subtask that reported it (−1: the
 * control parser); an announcement is reported once, by scoring subtask 0 (the others count and log
 * it), updates left unscored by each subtask. A Flink POJO.
 */
public class ControlError {
    public long version;
    public String bundle;
    public String reason;
    public String raw;
    public int subtask;

    /** Processing time of the report, epoch ms. */
    public long time;

    public ControlError() {}

    public ControlError(
            long version, String bundle, String reason, String raw, int subtask, long time) {
        this.version = version;
        this.bundle = bundle;
        this.reason = reason;
        this.raw = raw;
        this.subtask = subtask;
        this.time = time;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ControlError e
                && version == e.version
                && subtask == e.subtask
                && time == e.time
                && Objects.equals(bundle, e.bundle)
                && Objects.equals(reason, e.reason)
                && Objects.equals(raw, e.raw);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, bundle, reason, subtask);
    }

    @Override
    public String toString() {
        return "ControlError{version " + version + ", " + bundle + ": " + reason + "}";
    }
}

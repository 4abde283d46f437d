package io.crossinterest.bundle;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the bundle operator finishes its bundle; the function decides what the bundle becomes. */
class AbstractMapBundleOperatorTest {

    /** A word's count in the bundle and the timestamp of its newest occurrence. */
    record Count(int n, Long timestamp) {}

    /**
     * Counts words per bundle: "word=count" with the newest occurrence's timestamp; leaves words
     * starting "hold".
     */
    static final class CountWords implements MapBundleFunction<String, Count, String, String> {
        @Override
        public Count addInput(Count value, String input, Long timestamp) {
            return new Count(value == null ? 1 : value.n + 1, timestamp);
        }

        @Override
        public void finishBundle(Map<String, Count> bundle, TimestampedCollector<String> out) {
            Iterator<Map.Entry<String, Count>> it = bundle.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, Count> e = it.next();
                if (e.getKey().startsWith("hold")) {
                    continue;
                }
                if (e.getValue().timestamp == null) {
                    out.eraseTimestamp();
                } else {
                    out.setAbsoluteTimestamp(e.getValue().timestamp);
                }
                out.collect(e.getKey() + "=" + e.getValue().n);
                it.remove();
            }
        }
    }

    /** The one-input form: the word is its own key. */
    static final class WordBundles extends AbstractMapBundleOperator<String, Count, String, String>
            implements OneInputStreamOperator<String, String>, BoundedOneInput {
        WordBundles(int maxSize, long maxDelayMillis) {
            super(new CountWords(), maxSize, maxDelayMillis);
        }

        @Override
        protected String getKey(String input) {
            return input;
        }

        @Override
        public void processElement(StreamRecord<String> element) throws Exception {
            addInput(element);
        }

        @Override
        public void endInput() throws Exception {
            finishBundle();
        }

        int buffered() {
            return bundle().size();
        }
    }

    private static OneInputStreamOperatorTestHarness<String, String> open(WordBundles op)
            throws Exception {
        OneInputStreamOperatorTestHarness<String, String> h =
                new OneInputStreamOperatorTestHarness<>(op);
        h.open();
        return h;
    }

    /**
     * The harness's output in order: records as "value@timestamp" (or "value@-"), watermarks as
     * "W(t)".
     */
    private static List<String> output(OneInputStreamOperatorTestHarness<String, String> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof Watermark w) {
                out.add("W(" + w.getTimestamp() + ")");
            } else {
                StreamRecord<?> r = (StreamRecord<?>) o;
                out.add(
                        r.getValue()
                                + "@"
                                + (r.hasTimestamp() ? String.valueOf(r.getTimestamp()) : "-"));
            }
        }
        h.getOutput().clear();
        return out;
    }

    @Test
    void aFullBundleIsFinishedInTheOrderOfEachKeysFirstInputAndTheRestAtTheEndOfInput()
            throws Exception {
        WordBundles op = new WordBundles(3, 3_600_000L);
        try (OneInputStreamOperatorTestHarness<String, String> h = open(op)) {
            h.processElement("a", 1);
            h.processElement("b", 2);
            h.processElement("a", 3); // joins a's value: still two keys
            assertTrue(output(h).isEmpty());
            h.processElement("c", 4);
            assertEquals(List.of("a=2@3", "b=1@2", "c=1@4"), output(h));
            h.processElement(new StreamRecord<>("d")); // no timestamp
            assertEquals(1, op.buffered());
            h.endInput();
            assertEquals(List.of("d=1@-"), output(h));
        }
    }

    @Test
    void theFirstKeysWaitIsBoundedInProcessingTime() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> h = open(new WordBundles(100, 50))) {
            h.setProcessingTime(1_000);
            h.processElement("a", 1);
            h.setProcessingTime(1_030);
            h.processElement("b", 2); // the wait runs from a's arrival
            h.setProcessingTime(1_049);
            assertTrue(output(h).isEmpty());
            h.setProcessingTime(1_050);
            assertEquals(List.of("a=1@1", "b=1@2"), output(h));
            h.processElement("c", 3);
            h.setProcessingTime(1_099);
            assertTrue(output(h).isEmpty());
            h.setProcessingTime(1_100);
            assertEquals(List.of("c=1@3"), output(h));
        }
    }

    @Test
    void aWatermarkIsForwardedAfterTheBundleIsFinished() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> h =
                open(new WordBundles(100, 3_600_000L))) {
            h.processElement("a", 5);
            h.processWatermark(new Watermark(7));
            assertEquals(List.of("a=1@5", "W(7)"), output(h));
        }
    }

    @Test
    void theBundleIsFinishedBeforeEveryCheckpointBarrierSoASnapshotHoldsNothingOfIt()
            throws Exception {
        OperatorSubtaskState snapshot;
        try (OneInputStreamOperatorTestHarness<String, String> h =
                open(new WordBundles(100, 3_600_000L))) {
            h.processElement("a", 5);
            h.prepareSnapshotPreBarrier(1);
            assertEquals(List.of("a=1@5"), output(h));
            snapshot = h.snapshot(1, 10);
        }
        WordBundles restored = new WordBundles(100, 3_600_000L);
        try (OneInputStreamOperatorTestHarness<String, String> h =
                new OneInputStreamOperatorTestHarness<>(restored)) {
            h.initializeState(snapshot);
            h.open();
            assertEquals(0, restored.buffered());
            h.endInput();
            assertTrue(output(h).isEmpty());
        }
    }

    @Test
    void whatTheFunctionLeavesStaysForTheNextFlush() throws Exception {
        WordBundles op = new WordBundles(2, 3_600_000L);
        try (OneInputStreamOperatorTestHarness<String, String> h = open(op)) {
            h.processElement("hold-x", 1);
            h.processElement("a", 2); // full: a goes, hold-x stays
            assertEquals(List.of("a=1@2"), output(h));
            assertEquals(1, op.buffered());
            h.processElement("hold-x", 3);
            h.processWatermark(new Watermark(9));
            assertEquals(List.of("W(9)"), output(h));
            assertEquals(Map.of("hold-x", new Count(2, 3L)), op.bundle());
        }
    }

    @Test
    void aBundleNeedsRoomForOneKeyAndANonNegativeDelay() {
        assertThrows(IllegalArgumentException.class, () -> new WordBundles(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new WordBundles(1, -1));
    }
}

package io.crossinterest.ingest;

import io.crossinterest.event.BehaviorEvent;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PseudonymisingParser}: keyed, stable pseudonyms; nothing else of the event changes; dead
 * letters as before.
 */
class PseudonymisingParserTest {
    private static final byte[] KEY = "0123456789abcdef0123".getBytes(StandardCharsets.US_ASCII);
    private static final RecordParser JSON =
            InputFormats.parser(InputFormats.JSONL, ParseLimits.DEFAULTS);

    private static BehaviorEvent parse(RecordParser p, String line)
            throws MalformedRecordException {
        List<BehaviorEvent> out = new ArrayList<>();
        p.parse(new RawRecord("events-0", 7, line), out::add);
        assertEquals(1, out.size());
        return out.get(0);
    }

    @Test
    void userIdsBecomeKeyedStablePseudonymsAndNothingElseChanges() throws Exception {
        String line =
                "{\"user\":\"alice@example.com\",\"item\":\"i9\",\"category\":\"books\",\"behavior\":\"buy\","
                        + "\"timestamp\":1700000000000}";
        BehaviorEvent plain = parse(JSON, line);
        PseudonymisingParser p = new PseudonymisingParser(JSON, KEY);
        BehaviorEvent a = parse(p, line);
        assertTrue(a.user.matches("p-[0-9a-f]{32}"), a.user);
        assertFalse(a.user.contains("alice"));
        assertEquals(
                a.user,
                parse(new PseudonymisingParser(JSON, KEY), line).user,
                "stable under the same key");
        assertEquals(a.user, p.pseudonym("alice@example.com"));
        assertNotEquals(a.user, p.pseudonym("bob@example.com"));
        byte[] other = KEY.clone();
        other[0] ^= 1;
        assertNotEquals(
                a.user,
                parse(new PseudonymisingParser(JSON, other), line).user,
                "another key, another name");
        assertEquals(plain.item, a.item);
        assertEquals(plain.category, a.category);
        assertEquals(plain.behavior, a.behavior);
        assertEquals(plain.weight, a.weight);
        assertEquals(plain.timestamp, a.timestamp);
    }

    @Test
    void malformedRecordsStillFailAndShortKeysAreRefused() {
        PseudonymisingParser p = new PseudonymisingParser(JSON, KEY);
        assertThrows(
                MalformedRecordException.class,
                () ->
                        p.parse(
                                new RawRecord("events-0", 1, "not json"),
                                e -> {
                                    throw new AssertionError(
                                            "nothing is emitted for a malformed record");
                                }));
        assertThrows(
                IllegalArgumentException.class, () -> new PseudonymisingParser(JSON, new byte[15]));
    }
}

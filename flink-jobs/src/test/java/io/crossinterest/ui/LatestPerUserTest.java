package io.crossinterest.ui;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The live page's per-user memory is bounded: the newest value per user, least recently updated
 * users dropped.
 */
class LatestPerUserTest {
    @Test
    void keepsTheNewestValueOfTheMostRecentlyUpdatedUsers() {
        LatestPerUser.Newest m = new LatestPerUser.Newest(3);
        m.put("a", "a1");
        m.put("b", "b1");
        m.put("c", "c1");
        m.put("a", "a2"); // a is now the most recently updated
        m.put("d", "d1"); // over capacity: b, the least recently updated, goes
        assertEquals(3, m.size());
        assertNull(m.get("b"));
        assertEquals("a2", m.get("a"));
        assertEquals("c1", m.get("c"));
        assertEquals("d1", m.get("d"));
        m.put("b", "b2"); // back at the next update; c goes
        assertNull(m.get("c"));
        assertEquals("b2", m.get("b"));
        assertEquals(3, m.size());
    }

    @Test
    void aCapacityBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LatestPerUser.Newest(0));
    }
}

package io.crossinterest.serving;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelAnnouncementTest {
    @Test
    void roundTripsAndIgnoresUnknownFields() {
        ModelAnnouncement a = new ModelAnnouncement(7, "/models/joint-7");
        assertEquals(a, ModelAnnouncement.parse(a.toJson()));
        assertEquals(
                a,
                ModelAnnouncement.parse(
                        "{\"bundle\":\"/models/joint-7\",\"version\":7,\"by\":\"trainer\"}"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{not json|not JSON",
                "[1, 2]|not a JSON object",
                "{\"bundle\":\"/m\"}|missing or non-integral \"version\"",
                "{\"version\":\"7\",\"bundle\":\"/m\"}|missing or non-integral \"version\"",
                "{\"version\":1.5,\"bundle\":\"/m\"}|missing or non-integral \"version\"",
                "{\"version\":-1,\"bundle\":\"/m\"}|negative \"version\"",
                "{\"version\":1}|missing or empty \"bundle\"",
                "{\"version\":1,\"bundle\":\" \"}|missing or empty \"bundle\"",
            })
    void malformedMessagesAreRejectedWithTheReason(String text, String reason) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ModelAnnouncement.parse(text));
        assertTrue(e.getMessage().startsWith(reason), e.getMessage());
    }
}

package io.crossinterest.serving;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelAnnouncementTest {
    @Test
    void theWireFormNamesTheBundleAndMayStillNameAVersion() {
        ModelAnnouncement a = new ModelAnnouncement(7, "/models/v7");
        assertEquals("{\"bundle\":\"/models/v7\"}", a.toJson());
        assertEquals(
                new ModelAnnouncement.Message("/models/v7", null),
                ModelAnnouncement.parse(a.toJson()));
        assertEquals(
                new ModelAnnouncement.Message("/models/v7", 7L),
                ModelAnnouncement.parse(
                        "{\"bundle\":\"/models/v7\",\"version\":7,\"by\":\"trainer\"}"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{not json|not JSON",
                "[1, 2]|not a JSON object",
                "{\"version\":1}|missing or empty \"bundle\"",
                "{\"version\":1,\"bundle\":\" \"}|missing or empty \"bundle\"",
                "{\"bundle\":7}|missing or empty \"bundle\"",
                "{\"version\":\"7\",\"bundle\":\"/m\"}|non-integral \"version\"",
                "{\"version\":1.5,\"bundle\":\"/m\"}|non-integral \"version\"",
                "{\"version\":-1,\"bundle\":\"/m\"}|negative \"version\"",
            })
    void malformedMessagesAreRejectedWithTheReason(String text, String reason) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ModelAnnouncement.parse(text));
        assertTrue(e.getMessage().startsWith(reason), e.getMessage());
    }

    /** The announcement's version is the bundle's own, read from its metadata. */
    @Test
    void theVersionIsReadFromTheBundle() throws Exception {
        Path v2 = PlantedModels.v2();
        assertEquals(
                new ModelAnnouncement(2, v2.toString()),
                ModelAnnouncement.read(new ModelAnnouncement.Message(v2.toString(), null)));
        assertEquals(
                new ModelAnnouncement(2, v2.toString()),
                ModelAnnouncement.read(new ModelAnnouncement.Message(v2.toString(), 2L)));
        assertEquals(new ModelAnnouncement(2, v2.toString()), ModelAnnouncement.of(v2));
    }

    @Test
    void aMessageNamingAnotherVersionOrNoBundleIsRejected(@TempDir Path tmp) throws Exception {
        Path v2 = PlantedModels.v2();
        IllegalArgumentException other =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                ModelAnnouncement.read(
                                        new ModelAnnouncement.Message(v2.toString(), 3L)));
        assertEquals(
                "the message names version 3 but the bundle " + v2 + " holds version 2",
                other.getMessage());
        Path none = tmp.resolve("none");
        IllegalArgumentException missing =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                ModelAnnouncement.read(
                                        new ModelAnnouncement.Message(none.toString(), null)));
        assertTrue(
                missing.getMessage().startsWith("cannot read the bundle: ")
                        && missing.getMessage().contains(none.toString()),
                missing.getMessage());
    }
}

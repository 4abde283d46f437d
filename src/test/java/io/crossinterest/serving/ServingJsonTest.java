package io.crossinterest.serving;

import io.crossinterest.joint.UserScores;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServingJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void scoresNameTheModelAndCarryInterestsAndTopItems() throws Exception {
        UserScores s =
                new UserScores(
                        "u1",
                        7,
                        new String[] {"t3", "t9"},
                        new double[] {2.5, 1.0},
                        new String[] {"music", "movies"},
                        new double[] {0.75, 0.25});
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        new ScoresJson().encode(s, line);
        String text = line.toString(StandardCharsets.UTF_8);
        assertTrue(text.endsWith("}\n") && text.indexOf('\n') == text.length() - 1, text);
        JsonNode n = JSON.readTree(text);
        assertEquals("u1", n.get("user").asText());
        assertEquals(7, n.get("modelVersion").asLong());
        assertTrue(n.get("modelVersion").isIntegralNumber());
        assertFalse(n.has("modelLabel"), "one version, no label beside it");
        assertEquals(0.75, n.get("interests").get("music").asDouble());
        assertEquals(0.25, n.get("interests").get("movies").asDouble());
        assertEquals("t3", n.get("top").get(0).get("item").asText());
        assertEquals(1.0, n.get("top").get(1).get("score").asDouble());

        UserScores noInterest =
                new UserScores("u2", 1, new String[] {"t1"}, new double[] {0.5}, null, null);
        assertFalse(JSON.readTree(new ScoresJson().serialize(noInterest)).has("interests"));
    }

    @Test
    void controlErrorsKeepTheRawMessage() throws Exception {
        ControlError e =
                new ControlError(
                        -1, null, "malformed control message: not JSON", "{oops", -1, 123L);
        JsonNode n = JSON.readTree(new ControlErrorJson().serialize(e));
        assertEquals(-1, n.get("version").asLong());
        assertTrue(n.get("bundle").isNull());
        assertEquals("{oops", n.get("raw").asText());
        assertEquals(123L, n.get("time").asLong());
    }
}

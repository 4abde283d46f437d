package io.crossinterest.bench;

import io.crossinterest.event.Behavior;
import io.crossinterest.joint.UserScores;
import io.crossinterest.profile.ProfileJsonEncoder;
import io.crossinterest.profile.UserProfile;
import io.crossinterest.serving.ScoresJson;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The watch's streaming reads of the job's two outputs, as the job writes them. */
class OutputWatchTest {
    /** The profile sink's encoder: the bytes the watch reads from the topic. */
    private static final ProfileJsonEncoder PROFILES = new ProfileJsonEncoder();

    private static UserProfile profile(String... recentCategories) {
        UserProfile p = new UserProfile();
        p.user = "u\"7"; // a quote: the reader must unescape
        p.events = 42;
        p.lastEventTime = 1_511_658_000_000L;
        p.categories = new String[] {"phone", "sport"};
        p.scores = new double[] {1.5, 2.25};
        p.behaviorCounts = new long[Behavior.values().length];
        p.behaviorCounts[0] = 42;
        p.recentItems = new String[recentCategories.length];
        for (int i = 0; i < recentCategories.length; i++) {
            p.recentItems[i] = "i" + i;
        }
        p.recentCategories = recentCategories;
        return p;
    }

    @Test
    void aProfileUpdateGivesItsUserEventsAndWhetherTheScorerSeesIt() throws IOException {
        Set<String> source = Set.of("sport");
        OutputWatch.Profile scored =
                OutputWatch.profile(PROFILES.serialize(profile("phone", "sport", "phone")), source);
        assertEquals(new OutputWatch.Profile("u\"7", 42, true), scored);
        OutputWatch.Profile targetOnly =
                OutputWatch.profile(PROFILES.serialize(profile("phone")), source);
        assertEquals("u\"7", targetOnly.user());
        assertFalse(targetOnly.scored());
        assertFalse(OutputWatch.profile(PROFILES.serialize(profile()), source).scored());
    }

    @Test
    void aRecommendationGivesItsUser() throws IOException {
        UserScores s =
                new UserScores(
                        "u9",
                        3,
                        new String[] {"a", "b"},
                        new double[] {0.5, 0.25},
                        new String[] {"phone"},
                        new double[] {1.0});
        assertEquals("u9", OutputWatch.user(new ScoresJson().serialize(s)));
        // the field's place does not matter
        byte[] userLast =
                "{\"top\":[{\"item\":\"a\",\"score\":1.0}],\"user\":\"u3\"}"
                        .getBytes(StandardCharsets.UTF_8);
        assertEquals("u3", OutputWatch.user(userLast));
    }

    @Test
    void aRecordWithoutAUserOrNotAnObjectIsAnError() {
        byte[] noUser = "{\"events\":1}".getBytes(StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> OutputWatch.user(noUser));
        assertTrue(e.getMessage().contains("'user'"), e.getMessage());
        assertThrows(IOException.class, () -> OutputWatch.profile(noUser, Set.of()));
        assertThrows(
                IOException.class, () -> OutputWatch.user("[1]".getBytes(StandardCharsets.UTF_8)));
    }
}

package io.crossinterest.profile;

import io.crossinterest.event.Behavior;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a {@link UserProfile} (one object per line in files and per Kafka message):
 *
 * <pre>
 * {"user":"42","events":7,"lastEventTime":1511658000000,
 *  "counts":{"pv":5,"cart":1,"buy":1},
 *  "categories":{"1464116":4.93,"965809":3.0},
 *  "recentItems":["1715","2244074"],"recentCategories":["1464116","965809"]}
 * </pre>
 *
 * {@code counts} lists the behaviours with a non-zero count; {@code categories} is the user's row
 * of O (scores decayed to {@code lastEventTime}); the recent arrays are oldest first.
 */
public final class ProfileJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Writes the form, field by field (the profile sinks' encoder). */
    private static final ProfileJsonEncoder ENCODER = new ProfileJsonEncoder();

    private ProfileJson() {}

    public static String write(UserProfile p) {
        return ENCODER.toJson(p);
    }

    /**
     * Reads one JSON line written by {@link #write}.
     *
     * @throws IllegalArgumentException if it is not a profile
     */
    public static UserProfile read(String json) {
        JsonNode n;
        try {
            n = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject() || !n.path("user").isTextual()) {
            throw new IllegalArgumentException("not a profile: no string field 'user'");
        }
        UserProfile p = new UserProfile();
        p.user = n.get("user").asText();
        p.events = n.path("events").asLong();
        p.lastEventTime = n.path("lastEventTime").asLong();
        p.behaviorCounts = new long[Behavior.values().length];
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("counts").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Behavior b = Behavior.parse(e.getKey());
            if (b == null) {
                throw new IllegalArgumentException("unknown behaviour in counts: " + e.getKey());
            }
            p.behaviorCounts[b.ordinal()] = e.getValue().asLong();
        }
        List<String> cs = new ArrayList<>();
        List<Double> ss = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("categories").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            cs.add(e.getKey());
            ss.add(e.getValue().asDouble());
        }
        p.categories = cs.toArray(new String[0]);
        p.scores = ss.stream().mapToDouble(Double::doubleValue).toArray();
        p.recentItems = strings(n.path("recentItems"));
        p.recentCategories = strings(n.path("recentCategories"));
        return p;
    }

    private static String[] strings(JsonNode a) {
        String[] out = new String[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asText();
        }
        return out;
    }
}

package io.crossinterest.profile;

import io.crossinterest.event.BehaviorEvent;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The same aggregation as {@link ProfileAggregator} in a plain single-threaded loop over a heap
 * hash map: the reference the Flink graph is tested against, and the ceiling of the streaming
 * benchmark (no Flink, no RocksDB, no serialisation).
 */
public final class InMemoryProfiles {
    private final ProfileConfig config;
    private final Map<String, ProfileState> users = new HashMap<>();

    public InMemoryProfiles(ProfileConfig config) {
        this.config = config;
    }

    public void add(BehaviorEvent e) {
        ProfileState s = users.computeIfAbsent(e.user, k -> new ProfileState());
        s.add(e, config.weights().of(e), config.halfLifeMs());
        s.addToken(e, config.sequenceLength());
    }

    public int size() {
        return users.size();
    }

    /** The final profile of every user, sorted by user id. */
    public Map<String, UserProfile> profiles() {
        Map<String, UserProfile> out = new TreeMap<>();
        users.forEach((user, s) -> out.put(user, UserProfile.of(user, s)));
        return out;
    }
}

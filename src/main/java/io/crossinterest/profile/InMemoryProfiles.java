package io.crossinterest.profile;

import io.crossinterest.event.BehaviorEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The same aggregation as {@link ProfileAggregator} in a plain single-threaded loop over a heap hash map: the
 * reference the Flink graph is tested against, and the ceiling of the streaming benchmark (no Flink, no RocksDB, no
 * serialisation). Token lists are compacted to L at 2L exactly as in the operator.
 */
public final class InMemoryProfiles {
    private final ProfileConfig config;
    private final Map<String, Entry> users = new HashMap<>();

    private static final class Entry {
        final ProfileState state = new ProfileState();
        List<Token> tokens = new ArrayList<>();
    }

    public InMemoryProfiles(ProfileConfig config) {
        this.config = config;
    }

    public void add(BehaviorEvent e) {
        Entry u = users.computeIfAbsent(e.user, k -> new Entry());
        u.state.add(e, config.weights().of(e), config.halfLifeMs());
        u.tokens.add(Token.of(e));
        if (u.tokens.size() >= 2 * config.sequenceLength()) {
            u.tokens = RecentTokens.newest(u.tokens, config.sequenceLength());
        }
    }

    public int size() {
        return users.size();
    }

    /** The final profile of every user, sorted by user id. */
    public Map<String, UserProfile> profiles() {
        Map<String, UserProfile> out = new TreeMap<>();
        for (Map.Entry<String, Entry> e : users.entrySet()) {
            Entry u = e.getValue();
            out.put(e.getKey(), UserProfile.of(e.getKey(), u.state,
                    RecentTokens.newest(u.tokens, config.sequenceLength())));
        }
        return out;
    }
}

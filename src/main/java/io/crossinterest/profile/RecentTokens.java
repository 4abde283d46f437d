package io.crossinterest.profile;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The newest-L rule for behaviour tokens, shared by the Flink operator and the in-memory reference. */
public final class RecentTokens {
    private RecentTokens() {}

    /** The {@code l} greatest tokens of {@code tokens} under {@link Token#ORDER}, oldest first. O(n log n). */
    public static List<Token> newest(Collection<Token> tokens, int l) {
        List<Token> sorted = new ArrayList<>(tokens);
        sorted.sort(Token.ORDER);
        int from = Math.max(0, sorted.size() - l);
        return from == 0 ? sorted : new ArrayList<>(sorted.subList(from, sorted.size()));
    }
}

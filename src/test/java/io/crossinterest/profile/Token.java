package io.crossinterest.profile;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;

import java.util.Comparator;
import java.util.Objects;

/**
 * Test reference for the token order of {@link ProfileState#addToken}. One behaviour token of a
 * user's recent sequence: the item, its category, the behaviour and the event time.
 *
 * <p>Tokens are ordered by {@link #ORDER}: event time first, then item, category and behaviour, so
 * that "the last L tokens" is one well-defined set whatever order the events arrived in (events
 * with equal time stamps, frequent in the second-resolution Taobao data, are ordered by their
 * content, not by their arrival).
 */
final class Token {
    /**
     * Event time, then item, category, behaviour: a total order on distinct tokens, independent of
     * arrival.
     */
    public static final Comparator<Token> ORDER =
            Comparator.<Token>comparingLong(t -> t.timestamp)
                    .thenComparing(t -> t.item, Comparator.nullsFirst(Comparator.naturalOrder()))
                    .thenComparing(
                            t -> t.category, Comparator.nullsFirst(Comparator.naturalOrder()))
                    .thenComparing(
                            t -> t.behavior, Comparator.nullsFirst(Comparator.naturalOrder()));

    public String item;
    public String category;
    public Behavior behavior;
    public long timestamp;

    public Token() {}

    public Token(String item, String category, Behavior behavior, long timestamp) {
        this.item = item;
        this.category = category;
        this.behavior = behavior;
        this.timestamp = timestamp;
    }

    public static Token of(BehaviorEvent e) {
        return new Token(e.item, e.category, e.behavior, e.timestamp);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Token)) {
            return false;
        }
        Token t = (Token) o;
        return timestamp == t.timestamp
                && Objects.equals(item, t.item)
                && Objects.equals(category, t.category)
                && behavior == t.behavior;
    }

    @Override
    public int hashCode() {
        return Objects.hash(item, category, behavior, timestamp);
    }

    @Override
    public String toString() {
        return item
                + '/'
                + category
                + '/'
                + (behavior == null ? null : behavior.wireName())
                + '@'
                + timestamp;
    }
}

package io.crossinterest.event;

import java.util.Locale;

/**
 * The kinds of user behaviour Cross-Interest understands. Implicit kinds (view/click, favourite,
 * cart, buy) carry a configurable weight (see {@code BehaviorWeights}); {@link #RATING} carries the
 * rating itself as the event weight.
 */
public enum Behavior {
    PV,
    CLICK,
    FAV,
    CART,
    BUY,
    RATING;

    /**
     * The wire name: lower case, as in the Taobao data ({@code pv, cart, fav, buy}) and the JSON
     * format.
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a wire name. Accepts the Taobao names and a few common synonyms; returns null for
     * anything else so that callers can route the record to dead letters with a reason.
     */
    public static Behavior parse(String s) {
        if (s == null) {
            return null;
        }
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "pv":
            case "view":
                return PV;
            case "click":
                return CLICK;
            case "fav":
            case "favorite":
            case "favourite":
                return FAV;
            case "cart":
                return CART;
            case "buy":
            case "purchase":
                return BUY;
            case "rating":
            case "rate":
                return RATING;
            default:
                return null;
        }
    }
}

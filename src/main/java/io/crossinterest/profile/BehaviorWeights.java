package io.crossinterest.profile;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * How much one event of each behaviour counts towards a user's interest in the event's category.
 *
 * <p>An implicit event (pv, click, fav, cart, buy) counts {@code weight(behavior) · event.weight}
 * (the event weight is 1 for a plain implicit event); a {@link Behavior#RATING} counts its value,
 * {@code event.weight}. Defaults: pv 1, click 1, fav 2, cart 3, buy 4.
 */
public final class BehaviorWeights implements Serializable {
    private static final long serialVersionUID = 1L;

    private final double[] byOrdinal;

    private BehaviorWeights(double[] byOrdinal) {
        this.byOrdinal = byOrdinal;
    }

    public static BehaviorWeights defaults() {
        double[] w = new double[Behavior.values().length];
        w[Behavior.PV.ordinal()] = 1;
        w[Behavior.CLICK.ordinal()] = 1;
        w[Behavior.FAV.ordinal()] = 2;
        w[Behavior.CART.ordinal()] = 3;
        w[Behavior.BUY.ordinal()] = 4;
        w[Behavior.RATING.ordinal()] = 1; // a rating counts as its value: 1 · event.weight
        return new BehaviorWeights(w);
    }

    /**
     * A copy with the weight of an implicit behaviour replaced (the weight of RATING cannot be
     * changed).
     */
    public BehaviorWeights with(Behavior behavior, double weight) {
        if (behavior == Behavior.RATING) {
            throw new IllegalArgumentException(
                    "a rating counts as its value; its weight is not configurable");
        }
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException(
                    "weight of " + behavior.wireName() + " must be finite and >= 0: " + weight);
        }
        double[] w = byOrdinal.clone();
        w[behavior.ordinal()] = weight;
        return new BehaviorWeights(w);
    }

    /**
     * Parses {@code "pv=1,click=1,fav=2,cart=3,buy=4"} (any subset; the rest keep their defaults).
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static BehaviorWeights parse(String spec) {
        BehaviorWeights w = defaults();
        if (spec == null || spec.isBlank()) {
            return w;
        }
        for (String part : spec.split(",")) {
            String[] kv = part.split("=", -1);
            if (kv.length != 2) {
                throw new IllegalArgumentException(
                        "behaviour weight '" + part.trim() + "' is not name=value");
            }
            Behavior b = Behavior.parse(kv[0]);
            if (b == null) {
                throw new IllegalArgumentException(
                        "unknown behaviour '" + kv[0].trim() + "' in weights");
            }
            double v;
            try {
                v = Double.parseDouble(kv[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "weight of " + b.wireName() + " is not a number: '" + kv[1].trim() + "'");
            }
            w = w.with(b, v);
        }
        return w;
    }

    public double weight(Behavior behavior) {
        return byOrdinal[behavior.ordinal()];
    }

    /**
     * The contribution of one event before decay: weight(behavior) · event.weight (a rating: its
     * value).
     */
    public double of(BehaviorEvent e) {
        return byOrdinal[e.behavior.ordinal()] * e.weight;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BehaviorWeights
                && Arrays.equals(byOrdinal, ((BehaviorWeights) o).byOrdinal);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(byOrdinal);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Behavior b : Behavior.values()) {
            if (b != Behavior.RATING) {
                sb.append(sb.length() == 0 ? "" : ",")
                        .append(b.name().toLowerCase(Locale.ROOT))
                        .append('=')
                        .append(byOrdinal[b.ordinal()]);
            }
        }
        return sb.toString();
    }
}

package io.crossinterest.eval;

import io.crossinterest.event.BehaviorEvent;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One block of behaviour (the source block or the target block of DESIGN §3) as the evaluation
 * protocol reads it: for each user the items they interacted with and an interaction strength r_ui,
 * and for each item its categories.
 *
 * <p>Aggregation of events into r_ui: the sum of the weights of all events of (user, item).
 * Repeated behaviours on a Taobao item add up (pv + cart + buy, each with its behaviour weight); a
 * MovieLens rating r of a movie with g genres arrives from the parser as g events of weight r/g
 * (one per genre) and sums back to r. An item's categories are the union of the categories its
 * events named.
 *
 * <p>Iteration order is the order of first appearance, so a block read from the same files is
 * always the same block and seeded draws over it are reproducible.
 */
public final class InteractionBlock {
    private final String name;
    private final Map<String, Map<String, Double>> rows;
    private final Map<String, Set<String>> itemCategories;

    private InteractionBlock(
            String name,
            Map<String, Map<String, Double>> rows,
            Map<String, Set<String>> itemCategories) {
        this.name = name;
        this.rows = rows;
        this.itemCategories = itemCategories;
    }

    public String name() {
        return name;
    }

    /** user id → (item id → r_ui), in order of first appearance. */
    public Map<String, Map<String, Double>> rows() {
        return Collections.unmodifiableMap(rows);
    }

    /** item id → its categories, in order of first appearance. */
    public Map<String, Set<String>> itemCategories() {
        return Collections.unmodifiableMap(itemCategories);
    }

    public Set<String> users() {
        return Collections.unmodifiableSet(rows.keySet());
    }

    public int numInteractions() {
        int n = 0;
        for (Map<String, Double> r : rows.values()) {
            n += r.size();
        }
        return n;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Collects events; see the class comment for how they become r_ui. */
    public static final class Builder {
        private final String name;

        /** user → item → summed weight. */
        private final Map<String, Map<String, Double>> rows = new LinkedHashMap<>();

        private final Map<String, Set<String>> itemCategories = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = name;
        }

        public Builder add(BehaviorEvent e) {
            return add(e.user, e.item, e.category, e.weight);
        }

        public Builder add(String user, String item, String category, double weight) {
            if (user == null || item == null) {
                throw new IllegalArgumentException(
                        "event without user or item: " + user + ", " + item);
            }
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException(
                        "interaction weight must be positive and finite, got "
                                + weight
                                + " for user "
                                + user
                                + ", item "
                                + item);
            }
            String cat = category == null ? name : category;
            rows.computeIfAbsent(user, u -> new LinkedHashMap<>()).merge(item, weight, Double::sum);
            itemCategories.computeIfAbsent(item, i -> new LinkedHashSet<>()).add(cat);
            return this;
        }

        public InteractionBlock build() {
            return new InteractionBlock(name, rows, itemCategories);
        }
    }
}

package io.crossinterest.event;

import java.util.Objects;

/**
 * One behaviour event: user {@code user} did {@code behavior} on {@code item} of category {@code
 * category} at {@code timestamp} (epoch milliseconds). {@code weight} is the rating for {@link
 * Behavior#RATING} and the raw interaction strength otherwise (1 for a plain implicit event).
 *
 * <p>A Flink POJO (public fields, no-arg constructor) so the serializer is Flink's fast
 * PojoSerializer and the state schema can evolve. Ids are strings: the data sets use ints, but the
 * Kafka wire format and the generic split layout allow any id.
 */
public class BehaviorEvent {
    public String user;
    public String item;
    public String category;
    public Behavior behavior;
    public double weight;

    /**
     * Event time, epoch milliseconds; 0 when the source has no time (Amazon, Douban, split layout).
     */
    public long timestamp;

    public BehaviorEvent() {}

    public BehaviorEvent(
            String user,
            String item,
            String category,
            Behavior behavior,
            double weight,
            long timestamp) {
        this.user = user;
        this.item = item;
        this.category = category;
        this.behavior = behavior;
        this.weight = weight;
        this.timestamp = timestamp;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof BehaviorEvent)) {
            return false;
        }
        BehaviorEvent e = (BehaviorEvent) o;
        return Double.compare(e.weight, weight) == 0
                && timestamp == e.timestamp
                && Objects.equals(user, e.user)
                && Objects.equals(item, e.item)
                && Objects.equals(category, e.category)
                && behavior == e.behavior;
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, item, category, behavior, weight, timestamp);
    }

    @Override
    public String toString() {
        return "BehaviorEvent{user="
                + user
                + ", item="
                + item
                + ", category="
                + category
                + ", behavior="
                + behavior
                + ", weight="
                + weight
                + ", timestamp="
                + timestamp
                + '}';
    }
}

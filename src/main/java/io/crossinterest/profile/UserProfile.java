package io.crossinterest.profile;

import io.crossinterest.event.Behavior;

import java.util.Arrays;
import java.util.Objects;

/**
 * A profile update: the state of one user after the events seen so far. Emitted by {@link
 * ProfileAggregator}; written as JSON lines ({@link ProfileJson}) with a {@code user} field.
 *
 * <ul>
 *   <li>{@code categories} / {@code scores}: the user's row of O, sorted by category; the
 *       behaviour-weighted count of each category decayed to {@code lastEventTime} (see {@link
 *       ProfileState});
 *   <li>{@code behaviorCounts}: events per behaviour, indexed by {@link Behavior#ordinal()};
 *   <li>{@code recentItems} / {@code recentCategories}: the newest L behaviour tokens, oldest
 *       first.
 * </ul>
 *
 * A Flink POJO (no Kryo on the wire).
 */
public class UserProfile {
    public String user;
    public long events;
    public long lastEventTime;
    public String[] categories;
    public double[] scores;
    public long[] behaviorCounts;
    public String[] recentItems;
    public String[] recentCategories;

    public UserProfile() {}

    public static UserProfile of(String user, ProfileState s) {
        UserProfile p = new UserProfile();
        p.user = user;
        p.events = s.events;
        p.lastEventTime = s.lastEventTime;
        p.categories = s.categories.clone();
        p.scores = s.scores.clone();
        p.behaviorCounts = s.behaviorCounts.clone();
        p.recentItems = s.tokenItems.clone();
        p.recentCategories = s.tokenCategories.clone();
        return p;
    }

    public long count(Behavior b) {
        return behaviorCounts[b.ordinal()];
    }

    /** The score of {@code category}, 0 when the user has none there. */
    public double score(String category) {
        int k = Arrays.binarySearch(categories, category);
        return k >= 0 ? scores[k] : 0.0;
    }

    /**
     * Equal up to a relative tolerance on the scores (they are sums of floating-point terms whose
     * rounding depends on the order of summation); everything else exactly.
     */
    public boolean equalsWithin(UserProfile o, double relTol) {
        if (!Objects.equals(user, o.user)
                || events != o.events
                || lastEventTime != o.lastEventTime
                || !Arrays.equals(categories, o.categories)
                || !Arrays.equals(behaviorCounts, o.behaviorCounts)
                || !Arrays.equals(recentItems, o.recentItems)
                || !Arrays.equals(recentCategories, o.recentCategories)) {
            return false;
        }
        for (int i = 0; i < scores.length; i++) {
            double a = scores[i];
            double b = o.scores[i];
            if (Math.abs(a - b) > relTol * Math.max(Math.abs(a), Math.abs(b))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserProfile && equalsWithin((UserProfile) o, 0.0);
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, events, lastEventTime, Arrays.hashCode(categories));
    }

    @Override
    public String toString() {
        return ProfileJson.write(this);
    }
}

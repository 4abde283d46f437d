package io.crossinterest.eval;

import java.util.Random;

/**
 * A synthetic cross-domain data set with a planted structure that only transfer can find: each user
 * belongs to one of {@code groups} taste groups; source and target items are split among the
 * groups; a user interacts with items of their own group in both blocks (item popularity Zipf-like
 * within a group) plus a little noise. Popularity cannot see the groups; a cold user's source items
 * reveal theirs.
 */
public final class PlantedCrossDomain {
    private PlantedCrossDomain() {}

    public static InteractionBlock[] blocks(
            int users,
            int groups,
            int itemsPerGroup,
            int sourcePerUser,
            int targetPerUser,
            long seed) {
        Random rnd = new Random(seed);
        InteractionBlock.Builder s = InteractionBlock.builder("src");
        InteractionBlock.Builder t = InteractionBlock.builder("tgt");
        for (int u = 0; u < users; u++) {
            int g = rnd.nextInt(groups);
            String user = "u" + u;
            for (int n = 0; n < sourcePerUser; n++) {
                s.add(user, "s" + item(rnd, g, groups, itemsPerGroup), "src", 1.0);
            }
            for (int n = 0; n < targetPerUser; n++) {
                t.add(user, "t" + item(rnd, g, groups, itemsPerGroup), "tgt", 1.0);
            }
        }
        return new InteractionBlock[] {s.build(), t.build()};
    }

    /** An item of group g (Zipf-like rank within the group), or with probability 0.1 any item. */
    private static int item(Random rnd, int g, int groups, int itemsPerGroup) {
        if (rnd.nextDouble() < 0.1) {
            return rnd.nextInt(groups * itemsPerGroup);
        }
        int rank =
                (int)
                        Math.floor(
                                itemsPerGroup
                                        * Math.pow(rnd.nextDouble(), 2)); // small ranks more likely
        return g * itemsPerGroup + rank;
    }
}

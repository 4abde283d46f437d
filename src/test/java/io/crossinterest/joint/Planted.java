package io.crossinterest.joint;

import io.crossinterest.data.CrossDomainData;
import io.crossinterest.data.IdIndex;
import io.crossinterest.data.InteractionMatrix;
import io.crossinterest.encoder.EncoderConfig;
import io.crossinterest.encoder.TokenScheme;
import io.crossinterest.eval.CrossDomainSplit;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Planted cross-domain data: users belong to one of G taste groups; a user's source items are drawn
 * from their group's source items and their target items from the group's target items. Target
 * items are equally popular, so popularity ranks at chance while a model that transfers from source
 * behaviour ranks the user's group first.
 */
final class Planted {
    static final int GROUPS = 4;
    static final int ITEMS_PER_GROUP = 10;

    private Planted() {}

    /** 400 users: 300 warm, 25 validation cold, 75 test cold. */
    static CrossDomainSplit split(long seed) {
        int users = 400;
        Random rnd = new Random(seed);
        IdIndex u = new IdIndex();
        IdIndex si = new IdIndex();
        IdIndex ti = new IdIndex();
        for (int i = 0; i < GROUPS * ITEMS_PER_GROUP; i++) {
            si.add("s" + i);
            ti.add("t" + i);
        }
        int[] role = new int[users];
        InteractionMatrix.Builder s = new InteractionMatrix.Builder(users, si.size());
        InteractionMatrix.Builder tr = new InteractionMatrix.Builder(users, ti.size());
        InteractionMatrix.Builder va = new InteractionMatrix.Builder(users, ti.size());
        InteractionMatrix.Builder te = new InteractionMatrix.Builder(users, ti.size());
        for (int x = 0; x < users; x++) {
            u.add("u" + x);
            int g = x % GROUPS;
            role[x] = x < 300 ? 0 : x < 325 ? 1 : 2;
            for (int v : distinct(rnd, 5)) {
                s.add(x, g * ITEMS_PER_GROUP + v, 1.0);
            }
            InteractionMatrix.Builder t = role[x] == 0 ? tr : role[x] == 1 ? va : te;
            for (int v : distinct(rnd, 4)) {
                t.add(x, g * ITEMS_PER_GROUP + v, 1.0);
            }
        }
        return Splits.split(
                "planted", u, si, ti, s.build(), tr.build(), va.build(), te.build(), role, seed);
    }

    static int group(CrossDomainSplit s, int user) {
        return user % GROUPS;
    }

    private static int[] distinct(Random rnd, int n) {
        int[] perm = IntStream.range(0, ITEMS_PER_GROUP).toArray();
        for (int i = 0; i < n; i++) {
            int j = i + rnd.nextInt(ITEMS_PER_GROUP - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return Arrays.copyOf(perm, n);
    }

    /**
     * The seed's layer structure at test size: Embedding(64, 16) → Conv1D(8, 5) → MaxPool(4) →
     * Dense(16).
     */
    static EncoderConfig tinyEncoder() {
        return new EncoderConfig(TokenScheme.ITEMS, 64, 20, 16, 8, 5, 4, 16, 5e-3, 32, 2, 0.2, 7L);
    }

    /**
     * The revised formulation's deep path alone (no fold-in, teacher, bridge start, wide path) at
     * test size.
     */
    static JointParams tinyJoint() {
        return JointParams.revisedFormulation()
                .withEncoder(tinyEncoder())
                .withTraining(5e-3, 32, 15, 2)
                .withSeed(7L);
    }

    static CfFactors als(CrossDomainData s) {
        return QuickAls.fit(s.targetTrain, 8, 8, 0.1, 10.0, 3L);
    }
}

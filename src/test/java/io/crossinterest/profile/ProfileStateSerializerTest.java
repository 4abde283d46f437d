package io.crossinterest.profile;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProfileStateSerializerTest {
    private static final ProfileStateSerializer S = ProfileStateSerializer.INSTANCE;

    /**
     * A state built from random events (L = 8, so the token list wraps), with a pending emission.
     */
    private static ProfileState randomState(Random rnd, int events) {
        ProfileState s = new ProfileState();
        Behavior[] behaviors = Behavior.values();
        for (int i = 0; i < events; i++) {
            Behavior b = behaviors[rnd.nextInt(behaviors.length)];
            BehaviorEvent e =
                    new BehaviorEvent(
                            "u",
                            rnd.nextInt(4) == 0 ? null : "item-" + rnd.nextInt(50),
                            "cat-" + rnd.nextInt(6),
                            b,
                            b == Behavior.RATING ? 3.5 : 1.0,
                            1_000_000L + rnd.nextInt(100_000));
            s.add(e, BehaviorWeights.defaults().of(e), 3_600_000L);
            s.addToken(e, 8);
        }
        s.pendingEmit = events % 2 == 0 ? ProfileState.NONE : 1_009_999L;
        return s;
    }

    private static void assertSameState(ProfileState want, ProfileState got) {
        assertArrayEquals(want.categories, got.categories);
        assertArrayEquals(want.scores, got.scores, 0.0);
        assertArrayEquals(want.behaviorCounts, got.behaviorCounts);
        assertEquals(want.events, got.events);
        assertEquals(want.lastEventTime, got.lastEventTime);
        assertArrayEquals(want.tokenItems, got.tokenItems);
        assertArrayEquals(want.tokenCategories, got.tokenCategories);
        assertArrayEquals(want.tokenBehaviors, got.tokenBehaviors);
        assertArrayEquals(want.tokenTimes, got.tokenTimes);
        assertEquals(want.pendingEmit, got.pendingEmit);
    }

    private static byte[] write(TypeSerializer<ProfileState> serializer, ProfileState s)
            throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(s, out);
        return out.getCopyOfBuffer();
    }

    @Test
    void roundTripsEveryField() throws Exception {
        Random rnd = new Random(3);
        for (int events : new int[] {0, 1, 2, 7, 40}) {
            ProfileState s = randomState(rnd, events);
            ProfileState back = S.deserialize(new DataInputDeserializer(write(S, s)));
            assertSameState(s, back);
            assertSameState(s, S.copy(s));
            assertNotSame(s.tokenTimes, S.copy(s).tokenTimes);
            DataOutputSerializer copied = new DataOutputSerializer(64);
            S.copy(new DataInputDeserializer(write(S, s)), copied);
            assertArrayEquals(write(S, s), copied.getCopyOfBuffer());
        }
    }

    @Test
    void tokenCategoriesAreIndicesIntoTheCategories() throws Exception {
        ProfileState s = randomState(new Random(4), 40);
        ProfileState back = S.deserialize(new DataInputDeserializer(write(S, s)));
        for (String c : back.tokenCategories) {
            assertSame(back.categories[Arrays.binarySearch(back.categories, c)], c);
        }
        // a token category missing from the categories (not produced by ProfileState, but readable)
        // is spelled out
        s.tokenCategories[0] = "not-a-category";
        assertSameState(s, S.deserialize(new DataInputDeserializer(write(S, s))));
        // smaller than the first release's POJO layout
        @SuppressWarnings("deprecation")
        TypeSerializer<ProfileState> pojo =
                TypeInformation.of(ProfileState.class).createSerializer(new ExecutionConfig());
        assertTrue(write(S, s).length < write(pojo, s).length);
    }

    @Test
    @SuppressWarnings("deprecation")
    void compatibilityWithSnapshotsOfThisAndTheFirstRelease() throws Exception {
        TypeSerializerSnapshot<ProfileState> current = S.snapshotConfiguration();
        // a snapshot survives being written and read, as in a checkpoint
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, current);
        TypeSerializerSnapshot<ProfileState> read =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        getClass().getClassLoader());
        assertTrue(current.resolveSchemaCompatibility(read).isCompatibleAsIs());
        assertSame(S, read.restoreSerializer());

        TypeSerializerSnapshot<ProfileState> firstRelease =
                TypeInformation.of(ProfileState.class)
                        .createSerializer(new ExecutionConfig())
                        .snapshotConfiguration();
        TypeSerializerSchemaCompatibility<ProfileState> c =
                current.resolveSchemaCompatibility(firstRelease);
        assertTrue(c.isCompatibleAfterMigration(), c.toString());

        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSnapshot<ProfileState> other =
                (TypeSerializerSnapshot)
                        Types.POJO(UserProfile.class)
                                .createSerializer(new ExecutionConfig())
                                .snapshotConfiguration();
        assertTrue(current.resolveSchemaCompatibility(other).isIncompatible());

        // a snapshot of a newer format than this release reads is refused with a clear message
        DataOutputSerializer newer = new DataOutputSerializer(8);
        newer.writeInt(ProfileStateSerializer.FORMAT_VERSION + 1);
        ProfileStateSerializer.Snapshot snapshot = new ProfileStateSerializer.Snapshot();
        Exception e =
                assertThrows(
                        IOException.class,
                        () ->
                                snapshot.readSnapshot(
                                        current.getCurrentVersion(),
                                        new DataInputDeserializer(newer.getCopyOfBuffer()),
                                        getClass().getClassLoader()));
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
    }
}

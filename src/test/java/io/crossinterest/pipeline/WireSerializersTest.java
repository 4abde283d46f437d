package io.crossinterest.pipeline;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.profile.UserProfile;
import io.crossinterest.profile.UserProfileSerializer;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-written serializers of the records between operators: every field, nulls, copies,
 * snapshots.
 */
class WireSerializersTest {
    private static <T> T roundTrip(TypeSerializer<T> s, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(32);
        s.serialize(value, out);
        s.serialize(value, out); // two in a row: each reads exactly its own bytes
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        T first = s.deserialize(in);
        DataOutputSerializer copied = new DataOutputSerializer(32);
        s.copy(in, copied); // the second, copied as bytes
        assertEquals(0, in.available());
        DataOutputSerializer once = new DataOutputSerializer(32);
        s.serialize(value, once);
        assertArrayEquals(once.getCopyOfBuffer(), copied.getCopyOfBuffer());
        return first;
    }

    @Test
    void behaviorEvents() throws Exception {
        BehaviorEventSerializer s = BehaviorEventSerializer.INSTANCE;
        for (BehaviorEvent e :
                new BehaviorEvent[] {
                    new BehaviorEvent("u1", "i9", "c3", Behavior.BUY, 1.0, 1_511_658_000_000L),
                    new BehaviorEvent("用户", null, "c", Behavior.RATING, 4.5, 0L),
                    new BehaviorEvent(null, null, null, null, -0.0, Long.MIN_VALUE)
                }) {
            assertEquals(e, roundTrip(s, e));
            BehaviorEvent c = s.copy(e);
            assertEquals(e, c);
            assertNotSame(e, c);
        }
        @SuppressWarnings("deprecation")
        TypeSerializer<BehaviorEvent> fromType =
                ProfilePipeline.EVENT_TYPE.createSerializer(new ExecutionConfig());
        assertSame(s, fromType);
    }

    @Test
    void userProfiles() throws Exception {
        UserProfileSerializer s = UserProfileSerializer.INSTANCE;
        UserProfile p = new UserProfile();
        p.user = "u1";
        p.events = 3;
        p.lastEventTime = 1_511_658_000_000L;
        p.categories = new String[] {"a", "b"};
        p.scores = new double[] {1.5, 0.25};
        p.behaviorCounts = new long[] {2, 0, 0, 1, 0, 0};
        p.recentItems = new String[] {"i1", null, "i3"};
        p.recentCategories = new String[] {"a", "b", "a"};
        assertEquals(p, roundTrip(s, p));
        UserProfile c = s.copy(p);
        assertEquals(p, c);
        assertNotSame(p.scores, c.scores);
        assertNotSame(p.recentItems, c.recentItems);

        UserProfile empty = new UserProfile(); // null arrays stay null
        UserProfile back = roundTrip(s, empty);
        assertNull(back.user);
        assertNull(back.categories);
        assertNull(back.scores);
        assertNull(s.copy(empty).behaviorCounts);
    }

    @Test
    void snapshotsRestoreTheSameSerializer() throws Exception {
        for (TypeSerializer<?> s :
                new TypeSerializer<?>[] {
                    BehaviorEventSerializer.INSTANCE, UserProfileSerializer.INSTANCE
                }) {
            DataOutputSerializer out = new DataOutputSerializer(32);
            TypeSerializerSnapshot.writeVersionedSnapshot(out, s.snapshotConfiguration());
            TypeSerializerSnapshot<?> read =
                    TypeSerializerSnapshot.readVersionedSnapshot(
                            new DataInputDeserializer(out.getCopyOfBuffer()),
                            getClass().getClassLoader());
            assertSame(s, read.restoreSerializer());
            assertTrue(restoredCompatible(s, read));
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static boolean restoredCompatible(TypeSerializer<?> s, TypeSerializerSnapshot<?> old) {
        return ((TypeSerializerSnapshot) s.snapshotConfiguration())
                .resolveSchemaCompatibility(old)
                .isCompatibleAsIs();
    }
}

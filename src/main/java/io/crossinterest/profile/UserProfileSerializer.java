package io.crossinterest.profile;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;

/**
 * The format of a {@link UserProfile} between operators (profile updates to the sinks and the
 * scoring stage): user, events, lastEventTime, then the arrays, each as its length (-1 for null)
 * and its elements. Its copy, which Flink makes for every update handed to a chained sink, clones
 * the arrays without reflection. Used for records in flight only, never for state; the snapshot is
 * that of a fixed format.
 */
public final class UserProfileSerializer extends TypeSerializerSingleton<UserProfile> {
    private static final long serialVersionUID = 1L;

    public static final UserProfileSerializer INSTANCE = new UserProfileSerializer();

    private UserProfileSerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public UserProfile createInstance() {
        return new UserProfile();
    }

    @Override
    public UserProfile copy(UserProfile p) {
        UserProfile c = new UserProfile();
        c.user = p.user;
        c.events = p.events;
        c.lastEventTime = p.lastEventTime;
        c.categories = p.categories == null ? null : p.categories.clone();
        c.scores = p.scores == null ? null : p.scores.clone();
        c.behaviorCounts = p.behaviorCounts == null ? null : p.behaviorCounts.clone();
        c.recentItems = p.recentItems == null ? null : p.recentItems.clone();
        c.recentCategories = p.recentCategories == null ? null : p.recentCategories.clone();
        return c;
    }

    @Override
    public UserProfile copy(UserProfile from, UserProfile reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(UserProfile p, DataOutputView out) throws IOException {
        StringValue.writeString(p.user, out);
        out.writeLong(p.events);
        out.writeLong(p.lastEventTime);
        writeStrings(p.categories, out);
        if (p.scores == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(p.scores.length);
            for (double v : p.scores) {
                out.writeDouble(v);
            }
        }
        if (p.behaviorCounts == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(p.behaviorCounts.length);
            for (long v : p.behaviorCounts) {
                out.writeLong(v);
            }
        }
        writeStrings(p.recentItems, out);
        writeStrings(p.recentCategories, out);
    }

    @Override
    public UserProfile deserialize(DataInputView in) throws IOException {
        UserProfile p = new UserProfile();
        p.user = StringValue.readString(in);
        p.events = in.readLong();
        p.lastEventTime = in.readLong();
        p.categories = readStrings(in);
        int n = in.readInt();
        if (n >= 0) {
            p.scores = new double[n];
            for (int i = 0; i < n; i++) {
                p.scores[i] = in.readDouble();
            }
        }
        n = in.readInt();
        if (n >= 0) {
            p.behaviorCounts = new long[n];
            for (int i = 0; i < n; i++) {
                p.behaviorCounts[i] = in.readLong();
            }
        }
        p.recentItems = readStrings(in);
        p.recentCategories = readStrings(in);
        return p;
    }

    @Override
    public UserProfile deserialize(UserProfile reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    private static void writeStrings(String[] a, DataOutputView out) throws IOException {
        if (a == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(a.length);
        for (String s : a) {
            StringValue.writeString(s, out);
        }
    }

    private static String[] readStrings(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        String[] a = new String[n];
        for (int i = 0; i < n; i++) {
            a[i] = StringValue.readString(in);
        }
        return a;
    }

    @Override
    public TypeSerializerSnapshot<UserProfile> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The snapshot of the fixed format. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<UserProfile> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}

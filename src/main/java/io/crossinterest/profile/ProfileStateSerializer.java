package io.crossinterest.profile;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;
import java.util.Arrays;

/**
 * The serializer of {@link ProfileState} in keyed state (one RocksDB value per user, read and
 * written once per user per emission): the fields in a fixed order, no reflection, no per-field
 * null flags, and each token's category written as its index in the user's sorted category list
 * (every token category is one of them), so a user with L tokens in a few categories stores L small
 * integers instead of L strings and the restored tokens share the category strings.
 *
 * <h2>Format (version {@value #FORMAT_VERSION})</h2>
 *
 * <pre>
 *   n:int, categories[n]:string, scores[n]:double,
 *   b:int, behaviorCounts[b]:long, events:long, lastEventTime:long, pendingEmit:long,
 *   m:int, tokenItems[m]:string|null, tokenCategories[m]:(index:int, or -1 then string|null),
 *   tokenBehaviors[m]:byte, tokenTimes[m]:long
 * </pre>
 *
 * Strings are Flink's {@link StringValue} encoding (length-prefixed, nullable).
 *
 * <h2>Evolution</h2>
 *
 * The snapshot records the format version. {@link Snapshot#resolveSchemaCompatibility} accepts the
 * same version as is and asks Flink to migrate (read every value with the old serializer, write it
 * with this one) from the first release's state, which was the POJO serializer of {@link
 * ProfileState}. A later format bumps {@link #FORMAT_VERSION}, keeps a reader for the older ones
 * ({@link Snapshot#restoreSerializer}) and answers "after migration" for them.
 */
public final class ProfileStateSerializer extends TypeSerializer<ProfileState> {
    private static final long serialVersionUID = 1L;

    /**
     * Version of the binary format above (1 was the POJO layout of the first release, written by
     * Flink).
     */
    public static final int FORMAT_VERSION = 2;

    public static final ProfileStateSerializer INSTANCE = new ProfileStateSerializer();

    private ProfileStateSerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<ProfileState> duplicate() {
        return this; // stateless
    }

    @Override
    public ProfileState createInstance() {
        return new ProfileState();
    }

    @Override
    public ProfileState copy(ProfileState from) {
        ProfileState s = new ProfileState();
        s.categories = from.categories.clone();
        s.scores = from.scores.clone();
        s.behaviorCounts = from.behaviorCounts.clone();
        s.events = from.events;
        s.lastEventTime = from.lastEventTime;
        s.tokenItems = from.tokenItems.clone();
        s.tokenCategories = from.tokenCategories.clone();
        s.tokenBehaviors = from.tokenBehaviors.clone();
        s.tokenTimes = from.tokenTimes.clone();
        s.pendingEmit = from.pendingEmit;
        return s;
    }

    @Override
    public ProfileState copy(ProfileState from, ProfileState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ProfileState s, DataOutputView out) throws IOException {
        String[] categories = s.categories;
        int n = categories.length;
        out.writeInt(n);
        for (String c : categories) {
            StringValue.writeString(c, out);
        }
        for (double v : s.scores) {
            out.writeDouble(v);
        }
        out.writeInt(s.behaviorCounts.length);
        for (long c : s.behaviorCounts) {
            out.writeLong(c);
        }
        out.writeLong(s.events);
        out.writeLong(s.lastEventTime);
        out.writeLong(s.pendingEmit);
        int m = s.tokenTimes.length;
        out.writeInt(m);
        for (String item : s.tokenItems) {
            StringValue.writeString(item, out);
        }
        for (String c : s.tokenCategories) {
            int k = c == null ? -1 : Arrays.binarySearch(categories, c);
            if (k >= 0) {
                out.writeInt(k);
            } else {
                out.writeInt(-1);
                StringValue.writeString(c, out);
            }
        }
        out.write(s.tokenBehaviors);
        for (long t : s.tokenTimes) {
            out.writeLong(t);
        }
    }

    @Override
    public ProfileState deserialize(DataInputView in) throws IOException {
        ProfileState s = new ProfileState();
        int n = in.readInt();
        String[] categories = new String[n];
        for (int i = 0; i < n; i++) {
            categories[i] = StringValue.readString(in);
        }
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
            scores[i] = in.readDouble();
        }
        long[] counts = new long[in.readInt()];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = in.readLong();
        }
        s.categories = categories;
        s.scores = scores;
        s.behaviorCounts = counts;
        s.events = in.readLong();
        s.lastEventTime = in.readLong();
        s.pendingEmit = in.readLong();
        int m = in.readInt();
        String[] items = new String[m];
        for (int i = 0; i < m; i++) {
            items[i] = StringValue.readString(in);
        }
        String[] tokenCategories = new String[m];
        for (int i = 0; i < m; i++) {
            int k = in.readInt();
            tokenCategories[i] = k >= 0 ? categories[k] : StringValue.readString(in);
        }
        byte[] behaviors = new byte[m];
        in.readFully(behaviors);
        long[] times = new long[m];
        for (int i = 0; i < m; i++) {
            times[i] = in.readLong();
        }
        s.tokenItems = items;
        s.tokenCategories = tokenCategories;
        s.tokenBehaviors = behaviors;
        s.tokenTimes = times;
        return s;
    }

    @Override
    public ProfileState deserialize(ProfileState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProfileStateSerializer;
    }

    @Override
    public int hashCode() {
        return ProfileStateSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<ProfileState> snapshotConfiguration() {
        return new Snapshot(FORMAT_VERSION);
    }

    /**
     * The serializer's snapshot in checkpoints and savepoints: the format version of the values
     * written.
     */
    public static final class Snapshot implements TypeSerializerSnapshot<ProfileState> {
        private static final int SNAPSHOT_VERSION = 1;

        private int formatVersion;

        /** For Flink, which reads the fields with {@link #readSnapshot}. */
        public Snapshot() {
            this(FORMAT_VERSION);
        }

        Snapshot(int formatVersion) {
            this.formatVersion = formatVersion;
        }

        @Override
        public int getCurrentVersion() {
            return SNAPSHOT_VERSION;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeInt(formatVersion);
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader)
                throws IOException {
            if (readVersion != SNAPSHOT_VERSION) {
                throw new IOException(
                        "unknown snapshot version " + readVersion + " of " + getClass().getName());
            }
            formatVersion = in.readInt();
            if (formatVersion != FORMAT_VERSION) {
                throw new IOException(
                        "profile state format "
                                + formatVersion
                                + " is newer than this release's "
                                + FORMAT_VERSION);
            }
        }

        @Override
        public TypeSerializer<ProfileState> restoreSerializer() {
            return INSTANCE; // the only binary format so far
        }

        /**
         * Called on the new serializer's snapshot with the one found in a checkpoint or savepoint:
         * the same format as is; the first release's POJO state after migration (Flink reads it
         * with the restored POJO serializer and rewrites it with this one); anything else is not a
         * profile state.
         */
        @Override
        public TypeSerializerSchemaCompatibility<ProfileState> resolveSchemaCompatibility(
                TypeSerializerSnapshot<ProfileState> old) {
            if (old instanceof Snapshot) {
                return ((Snapshot) old).formatVersion == formatVersion
                        ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                        : TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            if (old instanceof PojoSerializerSnapshot
                    && old.restoreSerializer().createInstance() instanceof ProfileState) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}

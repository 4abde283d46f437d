package io.crossinterest.pipeline;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;

/**
 * The wire format of a {@link BehaviorEvent} between operators (the keyBy(user) shuffle of every
 * event): user, item, category as nullable Flink strings, the behaviour as one byte (its ordinal,
 * -1 for none), weight, timestamp. Used for records in flight only, never for state; the snapshot
 * is that of a fixed format.
 */
public final class BehaviorEventSerializer extends TypeSerializerSingleton<BehaviorEvent> {
    private static final long serialVersionUID = 1L;

    public static final BehaviorEventSerializer INSTANCE = new BehaviorEventSerializer();

    private static final Behavior[] BEHAVIORS = Behavior.values();

    private BehaviorEventSerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public BehaviorEvent createInstance() {
        return new BehaviorEvent();
    }

    @Override
    public BehaviorEvent copy(BehaviorEvent e) {
        return new BehaviorEvent(e.user, e.item, e.category, e.behavior, e.weight, e.timestamp);
    }

    @Override
    public BehaviorEvent copy(BehaviorEvent from, BehaviorEvent reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(BehaviorEvent e, DataOutputView out) throws IOException {
        StringValue.writeString(e.user, out);
        StringValue.writeString(e.item, out);
        StringValue.writeString(e.category, out);
        out.writeByte(e.behavior == null ? -1 : e.behavior.ordinal());
        out.writeDouble(e.weight);
        out.writeLong(e.timestamp);
    }

    @Override
    public BehaviorEvent deserialize(DataInputView in) throws IOException {
        String user = StringValue.readString(in);
        String item = StringValue.readString(in);
        String category = StringValue.readString(in);
        byte b = in.readByte();
        return new BehaviorEvent(
                user, item, category, b < 0 ? null : BEHAVIORS[b], in.readDouble(), in.readLong());
    }

    @Override
    public BehaviorEvent deserialize(BehaviorEvent reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        StringValue.copyString(in, out);
        StringValue.copyString(in, out);
        StringValue.copyString(in, out);
        out.writeByte(in.readByte());
        out.writeDouble(in.readDouble());
        out.writeLong(in.readLong());
    }

    @Override
    public TypeSerializerSnapshot<BehaviorEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The snapshot of the fixed format. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<BehaviorEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}

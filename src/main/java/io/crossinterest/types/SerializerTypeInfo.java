package io.crossinterest.types;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

import java.util.Objects;

/**
 * The type information of a class with a hand-written serializer, for the records of the hot path
 * between operators (behaviour events over the keyBy shuffle, profile updates to the sinks and the
 * scoring stage): fields in a fixed order, no reflection, no per-field null bitmap, and a copy
 * without reflection for chained operators (Flink copies every record between chained operators
 * unless object reuse is on: BATCH jobs leave it off, STREAMING jobs turn it on, see {@link
 * Environments}). Not a key type; the graph keys by a field (the user id, a String).
 */
public final class SerializerTypeInfo<T> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final TypeSerializer<T> serializer;

    public SerializerTypeInfo(Class<T> type, TypeSerializer<T> serializer) {
        this.type = type;
        this.serializer = serializer;
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    @SuppressWarnings("deprecation")
    public TypeSerializer<T> createSerializer(ExecutionConfig config) {
        return serializer.duplicate();
    }

    @Override
    public String toString() {
        return type.getSimpleName() + "(" + serializer.getClass().getSimpleName() + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SerializerTypeInfo
                && ((SerializerTypeInfo<?>) o).canEqual(this)
                && type == ((SerializerTypeInfo<?>) o).type
                && serializer.equals(((SerializerTypeInfo<?>) o).serializer);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, serializer);
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof SerializerTypeInfo;
    }
}

package io.crossinterest.profile;

import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.api.common.serialization.SerializationSchema;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A {@link UserProfile} as one JSON line ({@link ProfileJson}): an {@link Encoder} for a row-format
 * {@code FileSink} (the object and a newline) and a {@link SerializationSchema} for a Kafka
 * record's value (the object alone).
 */
public final class ProfileJsonEncoder
        implements Encoder<UserProfile>, SerializationSchema<UserProfile> {
    private static final long serialVersionUID = 1L;

    @Override
    public void encode(UserProfile p, OutputStream stream) throws IOException {
        stream.write(ProfileJson.writeBytes(p));
        stream.write('\n');
    }

    @Override
    public byte[] serialize(UserProfile p) {
        return ProfileJson.writeBytes(p);
    }
}

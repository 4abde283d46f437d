package io.crossinterest.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.api.common.serialization.SerializationSchema;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes one value as one line of JSON (UTF-8), with Jackson's streaming generator. Serves both
 * Flink sinks: as an {@link Encoder} for a {@code FileSink} (row format; writes the object and a
 * newline) and as a {@link SerializationSchema} for a Kafka record's value (the object, no
 * newline).
 */
public abstract class JsonLineEncoder<T> implements Encoder<T>, SerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    static final JsonFactory JSON =
            JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    /** Writes {@code value} as one JSON object. */
    protected abstract void write(JsonGenerator g, T value) throws IOException;

    @Override
    public void encode(T value, OutputStream stream) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(stream)) {
            write(g, value);
        }
        stream.write('\n');
    }

    @Override
    public byte[] serialize(T value) {
        try (ByteArrayBuilder bytes = new ByteArrayBuilder(128)) {
            try (JsonGenerator g = JSON.createGenerator(bytes)) {
                write(g, value);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON text of {@code value}. */
    public String toJson(T value) {
        return new String(serialize(value), StandardCharsets.UTF_8);
    }
}

package io.crossinterest.cf.als;

import org.apache.flink.api.common.serialization.Encoder;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.api.internal.TableImpl;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Model data of {@link AlsModel}: one record per user or item, its id and factor. As a Table:
 * columns {@code side} (0 user, 1 item), {@code id} (BIGINT), {@code factors}
 * (ARRAY&lt;DOUBLE&gt;).
 */
public class AlsModelData {
    public static final int USER = 0;
    public static final int ITEM = 1;

    public int side;
    public long id;
    public double[] factors;

    public AlsModelData() {}

    public AlsModelData(int side, long id, double[] factors) {
        this.side = side;
        this.id = id;
        this.factors = factors;
    }

    /** The model data table as a stream of records. */
    public static DataStream<AlsModelData> getModelDataStream(Table modelData) {
        StreamTableEnvironment tEnv =
                (StreamTableEnvironment) ((TableImpl) modelData).getTableEnvironment();
        return tEnv.toDataStream(modelData, AlsModelData.class);
    }

    /** The records as a model data table. */
    public static Table toTable(StreamTableEnvironment tEnv, DataStream<AlsModelData> records) {
        return tEnv.fromDataStream(records);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AlsModelData)) {
            return false;
        }
        AlsModelData other = (AlsModelData) o;
        return side == other.side && id == other.id && Arrays.equals(factors, other.factors);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * side + Long.hashCode(id)) + Arrays.hashCode(factors);
    }

    @Override
    public String toString() {
        return (side == USER ? "user " : "item ") + id + " " + Arrays.toString(factors);
    }

    /**
     * Binary encoding for {@link org.apache.flink.ml.util.ReadWriteUtils#saveModelData}: side, id,
     * k, k doubles.
     */
    public static class ModelDataEncoder implements Encoder<AlsModelData> {
        private static final long serialVersionUID = 1L;

        @Override
        public void encode(AlsModelData element, OutputStream stream) throws IOException {
            DataOutputViewStreamWrapper out = new DataOutputViewStreamWrapper(stream);
            out.writeInt(element.side);
            out.writeLong(element.id);
            out.writeInt(element.factors.length);
            for (double v : element.factors) {
                out.writeDouble(v);
            }
        }
    }

    /** Reads what {@link ModelDataEncoder} wrote. */
    public static class ModelDataDecoder extends SimpleStreamFormat<AlsModelData> {
        private static final long serialVersionUID = 1L;

        @Override
        public StreamFormat.Reader<AlsModelData> createReader(
                Configuration config, FSDataInputStream stream) {
            DataInputViewStreamWrapper in = new DataInputViewStreamWrapper(stream);
            return new StreamFormat.Reader<>() {
                @Override
                public AlsModelData read() throws IOException {
                    int side;
                    try {
                        side = in.readInt();
                    } catch (EOFException e) {
                        return null;
                    }
                    long id = in.readLong();
                    double[] f = new double[in.readInt()];
                    for (int j = 0; j < f.length; j++) {
                        f[j] = in.readDouble();
                    }
                    return new AlsModelData(side, id, f);
                }

                @Override
                public void close() throws IOException {
                    stream.close();
                }
            };
        }

        @Override
        public TypeInformation<AlsModelData> getProducedType() {
            return TypeInformation.of(AlsModelData.class);
        }
    }
}

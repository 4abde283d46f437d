package io.crossinterest.bench;

import io.crossinterest.ingest.RawRecord;

import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A replay of a Taobao sample ({@link TaobaoSample}) made to any number of events by re-keying
 * copies of it, as Taobao CSV lines ({@link RawRecord}s). Nothing is materialised: each reader
 * loads the sample once (a few MB) and makes event g on demand. A subclass says which row and which
 * replica (copy) event g is, and how far replica time is shifted; every replay re-keys the same
 * way:
 *
 * <pre>
 *   user' = user_l + r·10^7,  item' = item_l + r·10^7,  category' = category_l,  time' = time_l + shift(g)
 * </pre>
 *
 * Ids in the samples are below 10^7, so every replica has its own users and items while the
 * categories and the behaviour mix stay those of the real data.
 *
 * <p>As a {@link GeneratorFunction} of a {@code DataGeneratorSource} over [0, count), parallel
 * reader k gets a contiguous range of indices. {@link #eventIndex} interleaves the {@code lanes}
 * ranges (index n of lane k = n / chunk is event g = (n mod chunk)·lanes + k), so all readers move
 * through event time together, as partitions of a live topic do, and the watermark (the minimum
 * over readers) is not held back by a reader that is far behind.
 */
public abstract class Replay implements GeneratorFunction<Long, RawRecord> {
    private static final long serialVersionUID = 1L;

    public static final String SOURCE = "taobao-replay";

    private final String sample;
    private final long count;
    private final int lanes;

    protected transient TaobaoSample rows;

    /**
     * @param sample the Taobao CSV
     * @param count events to replay; a positive multiple of {@code lanes}
     * @param lanes the source parallelism
     */
    protected Replay(Path sample, long count, int lanes) {
        if (lanes < 1 || count < 1 || count % lanes != 0) {
            throw new IllegalArgumentException(
                    "count " + count + " must be a positive multiple of lanes " + lanes);
        }
        this.sample = sample.toAbsolutePath().toString();
        this.count = count;
        this.lanes = lanes;
    }

    public long count() {
        return count;
    }

    @Override
    public void open(SourceReaderContext readerContext) throws IOException {
        load();
    }

    /** Reads the sample (also for in-process loops, which have no reader context). */
    public Replay load() throws IOException {
        rows = prepare(TaobaoSample.read(Paths.get(sample)));
        return this;
    }

    /** The sample as this replay walks it (e.g. sorted by time). */
    protected TaobaoSample prepare(TaobaoSample sample) {
        return sample;
    }

    /** Rows in the sample. */
    public int rows() {
        return rows.rows();
    }

    /** The sample row of event g. */
    protected abstract int row(long g);

    /** The replica (copy) of the sample that event g belongs to. */
    protected abstract long replica(long g);

    /** Seconds added to the row's time for event g. */
    protected abstract long shift(long g);

    /** Distinct users among events [0, count). */
    public abstract long users();

    @Override
    public RawRecord map(Long index) {
        return record(eventIndex(index));
    }

    /** The event replayed at source index {@code n} (a permutation of [0, count)). */
    public long eventIndex(long n) {
        long chunk = count / lanes;
        return (n % chunk) * lanes + n / chunk;
    }

    /** The re-keyed user of event g. */
    public long user(long g) {
        return rows.users[row(g)] + replica(g) * TaobaoSample.STRIDE;
    }

    /** The re-keyed item of event g. */
    public long item(long g) {
        return rows.items[row(g)] + replica(g) * TaobaoSample.STRIDE;
    }

    /** The category of event g (the sample's). */
    public long category(long g) {
        return rows.categories[row(g)];
    }

    /** The behaviour of event g (pv, cart, fav, buy: the sample's). */
    public String behavior(long g) {
        String t = rows.tails[row(g)];
        return t.substring(t.indexOf(',', 1) + 1, t.length() - 1);
    }

    /** The time of event g, epoch seconds. */
    public long seconds(long g) {
        return rows.seconds[row(g)] + shift(g);
    }

    /** Event g of the replay as a Taobao CSV line. */
    public RawRecord record(long g) {
        int l = row(g);
        long r = replica(g);
        StringBuilder sb = new StringBuilder(48);
        sb.append(rows.users[l] + r * TaobaoSample.STRIDE)
                .append(',')
                .append(rows.items[l] + r * TaobaoSample.STRIDE)
                .append(rows.tails[l])
                .append(rows.seconds[l] + shift(g));
        return new RawRecord(SOURCE, g + 1, sb.toString());
    }
}

package io.crossinterest.bench;

import io.crossinterest.ingest.RawRecord;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * A replay of the Taobao sample, re-keyed on the fly to any number of events, as Taobao CSV lines
 * ({@link RawRecord}s) for the stream benchmark. Nothing is materialised: each reader loads the N sample rows once
 * (a few MB) and makes event g on demand:
 *
 * <pre>
 *   replica r = g / N, row l = g mod N
 *   user' = user_l + r·10^7,  item' = item_l + r·10^7,  category' = category_l,
 *   time' = time_l + r·span   (span = the sample's time span + 1 s, so replicas follow each other in event time)
 * </pre>
 *
 * Ids in the sample are below 10^7, so every replica has its own users and items while the categories and the shape
 * of the traffic (behaviour mix, events per user, time order) stay those of the real data.
 *
 * <p>As a {@link GeneratorFunction} of a {@code DataGeneratorSource} over [0, count), parallel reader k gets a
 * contiguous range of indices. {@link #eventIndex} interleaves the {@code lanes} ranges (index n of lane k = n / chunk
 * is event g = (n mod chunk)·lanes + k), so all readers move through event time together, as partitions of a live topic
 * do, and the watermark (the minimum over readers) is not held back by a reader that is many replicas behind.
 */
public final class TaobaoReplay implements GeneratorFunction<Long, RawRecord> {
    private static final long serialVersionUID = 1L;

    /** Ids of the sample are below this; replica r adds r times it. */
    public static final long STRIDE = 10_000_000L;
    public static final String SOURCE = "taobao-replay";

    private final String sample;
    private final long count;
    private final int lanes;

    private transient long[] users;
    private transient long[] items;
    private transient String[] tails; // ",category,behavior,"
    private transient long[] seconds;
    private transient long span;

    /**
     * @param sample the Taobao CSV (rows user,item,category,behavior,seconds)
     * @param count events to replay; a multiple of {@code lanes} (see {@link #roundUp})
     * @param lanes the source parallelism
     */
    public TaobaoReplay(Path sample, long count, int lanes) {
        if (lanes < 1 || count < 1 || count % lanes != 0) {
            throw new IllegalArgumentException("count " + count + " must be a positive multiple of lanes " + lanes);
        }
        this.sample = sample.toAbsolutePath().toString();
        this.count = count;
        this.lanes = lanes;
    }

    /** The smallest multiple of {@code lanes} that is at least {@code minEvents}. */
    public static long roundUp(long minEvents, int lanes) {
        return (minEvents + lanes - 1) / lanes * lanes;
    }

    public long count() {
        return count;
    }

    @Override
    public void open(SourceReaderContext readerContext) throws IOException {
        load();
    }

    /** Reads the sample rows (also for the in-process ceiling loop, which has no reader context). */
    public TaobaoReplay load() throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(Paths.get(sample), StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
        }
        int n = lines.size();
        if (n == 0) {
            throw new IOException("no rows in " + sample);
        }
        users = new long[n];
        items = new long[n];
        tails = new String[n];
        seconds = new long[n];
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            String line = lines.get(i);
            String[] f = line.split(",", -1);
            if (f.length != 5) {
                throw new IOException(sample + ":" + (i + 1) + ": not a Taobao row: " + line);
            }
            try {
                users[i] = Long.parseLong(f[0]);
                items[i] = Long.parseLong(f[1]);
                seconds[i] = Long.parseLong(f[4]);
            } catch (NumberFormatException e) {
                throw new IOException(sample + ":" + (i + 1) + ": not a Taobao row: " + line);
            }
            if (users[i] >= STRIDE || items[i] >= STRIDE) {
                throw new IOException(sample + ":" + (i + 1) + ": id above " + STRIDE + ", cannot re-key");
            }
            tails[i] = ',' + f[2] + ',' + f[3] + ',';
            min = Math.min(min, seconds[i]);
            max = Math.max(max, seconds[i]);
        }
        span = max - min + 1;
        return this;
    }

    /** Rows in the sample (N). */
    public int rows() {
        return users.length;
    }

    @Override
    public RawRecord map(Long index) {
        return record(eventIndex(index));
    }

    /** The event replayed at source index {@code n} (a permutation of [0, count)). */
    public long eventIndex(long n) {
        long chunk = count / lanes;
        return (n % chunk) * lanes + n / chunk;
    }

    /** Event g of the replay as a Taobao CSV line. */
    public RawRecord record(long g) {
        int n = users.length;
        long r = g / n;
        int l = (int) (g % n);
        StringBuilder sb = new StringBuilder(48);
        sb.append(users[l] + r * STRIDE).append(',').append(items[l] + r * STRIDE).append(tails[l])
                .append(seconds[l] + r * span);
        return new RawRecord(SOURCE, g + 1, sb.toString());
    }
}

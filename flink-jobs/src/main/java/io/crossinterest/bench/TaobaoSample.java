package io.crossinterest.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of a Taobao CSV sample ({@code user,item,category,behavior,seconds}) in columns, for the
 * replays: ids as numbers (below {@link #STRIDE}, so a replay can re-key them by adding multiples
 * of it), the {@code ",category,behavior,"} part of each line as text, and the timestamps. Rows
 * keep the file's order.
 */
public final class TaobaoSample {
    /** Ids of the samples are below this; replica r of a replay adds r times it. */
    public static final long STRIDE = 10_000_000L;

    final long[] users;
    final long[] items;
    final long[] categories;
    final String[] tails; // ",category,behavior,"
    final long[] seconds;

    /** Latest minus earliest timestamp, plus one second. */
    final long span;

    private TaobaoSample(
            long[] users, long[] items, long[] categories, String[] tails, long[] seconds) {
        this.users = users;
        this.items = items;
        this.categories = categories;
        this.tails = tails;
        this.seconds = seconds;
        this.span =
                Arrays.stream(seconds).max().orElse(0) - Arrays.stream(seconds).min().orElse(0) + 1;
    }

    /**
     * Reads every non-empty row; a row that is not a Taobao row, or an id at or above {@link
     * #STRIDE}, fails.
     */
    public static TaobaoSample read(Path csv) throws IOException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
        }
        int n = lines.size();
        if (n == 0) {
            throw new IOException("no rows in " + csv);
        }
        long[] users = new long[n];
        long[] items = new long[n];
        long[] categories = new long[n];
        String[] tails = new String[n];
        long[] seconds = new long[n];
        for (int i = 0; i < n; i++) {
            String line = lines.get(i);
            String[] f = line.split(",", -1);
            if (f.length != 5) {
                throw new IOException(csv + ":" + (i + 1) + ": not a Taobao row: " + line);
            }
            try {
                users[i] = Long.parseLong(f[0]);
                items[i] = Long.parseLong(f[1]);
                categories[i] = Long.parseLong(f[2]);
                seconds[i] = Long.parseLong(f[4]);
            } catch (NumberFormatException e) {
                throw new IOException(csv + ":" + (i + 1) + ": not a Taobao row: " + line);
            }
            if (users[i] >= STRIDE || items[i] >= STRIDE) {
                throw new IOException(
                        csv + ":" + (i + 1) + ": id above " + STRIDE + ", cannot re-key");
            }
            tails[i] = ',' + f[2] + ',' + f[3] + ',';
        }
        return new TaobaoSample(users, items, categories, tails, seconds);
    }

    /** Rows in the sample. */
    public int rows() {
        return users.length;
    }

    /** The number of rows of each user, in no particular order. */
    public long[] eventsPerUser() {
        Map<Long, Long> counts = new HashMap<>();
        for (long u : users) {
            counts.merge(u, 1L, Long::sum);
        }
        return counts.values().stream().mapToLong(Long::longValue).toArray();
    }

    /** The rows in time order (stable: rows of equal time keep the file's order). */
    TaobaoSample sortedByTime() {
        Integer[] order = new Integer[rows()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(seconds[a], seconds[b]));
        long[] u = new long[order.length];
        long[] it = new long[order.length];
        long[] c = new long[order.length];
        String[] t = new String[order.length];
        long[] s = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            u[i] = users[order[i]];
            it[i] = items[order[i]];
            c[i] = categories[order[i]];
            t[i] = tails[order[i]];
            s[i] = seconds[order[i]];
        }
        return new TaobaoSample(u, it, c, t, s);
    }
}

package io.crossinterest.bench;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The worst case of the stream benchmark: the time slice of the Taobao sample (66k users with 1.66
 * events each in two hours) copied one replica after another:
 *
 * <pre>
 *   replica r = g / N, row l = g mod N, shift = r·span   (span = the sample's time span + 1 s)
 * </pre>
 *
 * so replicas follow each other in event time and almost every event is a user the job has never
 * seen: a RocksDB miss and a new profile.
 */
public final class TaobaoReplay extends Replay {
    private static final long serialVersionUID = 1L;

    private long users = -1;

    /**
     * @param sample the Taobao CSV (rows user,item,category,behavior,seconds)
     * @param count events to replay; a multiple of {@code lanes} (see {@link #roundUp})
     * @param lanes the source parallelism
     */
    public TaobaoReplay(Path sample, long count, int lanes) {
        super(sample, count, lanes);
    }

    /** The smallest multiple of {@code lanes} that is at least {@code minEvents}. */
    public static long roundUp(long minEvents, int lanes) {
        return (minEvents + lanes - 1) / lanes * lanes;
    }

    @Override
    protected int row(long g) {
        return (int) (g % rows.rows());
    }

    @Override
    protected long replica(long g) {
        return g / rows.rows();
    }

    @Override
    protected long shift(long g) {
        return replica(g) * rows.span;
    }

    @Override
    public long users() {
        if (users < 0) {
            int n = rows.rows();
            long full = count() / n;
            int rest = (int) (count() % n);
            Set<Long> inRest = new HashSet<>();
            for (int l = 0; l < rest; l++) {
                inRest.add(rows.users[l]);
            }
            users = full * rows.eventsPerUser().length + inRest.size();
        }
        return users;
    }
}

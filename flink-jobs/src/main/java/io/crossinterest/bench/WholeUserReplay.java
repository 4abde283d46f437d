package io.crossinterest.bench;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The realistic case of the stream benchmark: the whole-user Taobao sample (113 users with their
 * complete nine days, 88 events each on average) copied R times side by side, so the replay keeps
 * the real number of events per user and every replica's users are active at the same time, as on a
 * live site. With the sample's rows in time order:
 *
 * <pre>
 *   row l = (g / R) mod N, replica r = g mod R, shift = c·span   (cycle c = g / (R·N); span = the nine days + 1 s)
 * </pre>
 *
 * Events [0, R·N) are each replica's whole history once, in event-time order, R events per row; a
 * replay past R·N starts the same users over in the next span of time (a fixed population, for a
 * soak).
 */
public final class WholeUserReplay extends Replay {
    private static final long serialVersionUID = 1L;

    private final long replicas;
    private final int sampleRows;

    /**
     * @param sample the whole-user Taobao CSV
     * @param replicas R, the copies of the sample's users
     * @param sampleRows N, the rows of the sample (the replay counts R·N events)
     * @param lanes the source parallelism; R·N must be a multiple of it
     */
    public WholeUserReplay(Path sample, long replicas, int sampleRows, int lanes) {
        super(sample, replicas * sampleRows, lanes);
        this.replicas = replicas;
        this.sampleRows = sampleRows;
    }

    /**
     * The replay of the fewest replicas that makes at least {@code minEvents} events, in a count
     * that is a multiple of {@code lanes}.
     */
    public static WholeUserReplay atLeast(Path sample, long minEvents, int lanes)
            throws IOException {
        int n = TaobaoSample.read(sample).rows();
        long r = Math.max(1, (minEvents + n - 1) / n);
        while ((r * n) % lanes != 0) {
            r++;
        }
        return new WholeUserReplay(sample, r, n, lanes);
    }

    public long replicas() {
        return replicas;
    }

    @Override
    protected TaobaoSample prepare(TaobaoSample sample) {
        if (sample.rows() != sampleRows) {
            throw new IllegalStateException(
                    "the sample has "
                            + sample.rows()
                            + " rows, the replay was made for "
                            + sampleRows);
        }
        return sample.sortedByTime();
    }

    @Override
    protected int row(long g) {
        return (int) ((g / replicas) % sampleRows);
    }

    @Override
    protected long replica(long g) {
        return g % replicas;
    }

    @Override
    protected long shift(long g) {
        return g / count() * rows.span;
    }

    @Override
    public long users() {
        return replicas * rows.eventsPerUser().length;
    }
}

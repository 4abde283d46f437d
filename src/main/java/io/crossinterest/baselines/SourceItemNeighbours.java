package io.crossinterest.baselines;

import io.crossinterest.encoder.EncoderConfig;
import io.crossinterest.encoder.SourceTokenizer;
import io.crossinterest.eval.ColdStartModel;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.SelectionReport;
import io.crossinterest.neighbours.ItemSetNeighbours;
import io.crossinterest.neighbours.KSelection;
import io.crossinterest.neighbours.PopularityCounts;

import java.util.Locale;

/**
 * {@code source-items}: a cold user scored by the target rows of the warm users whose source item
 * sets overlap theirs most ({@link ItemSetNeighbours}): score(u, v) = w_u(v) + 1e-9·popularity(v)
 * (ties). Not one of DESIGN's five baselines: it is the joint model's wide path alone, reported so
 * that the joint model's gain can be read against it. The tokens are the joint model's (source
 * items hashed into the encoder's vocabulary, the last L of them), so the two see the same
 * evidence. K is selected on the validation cold users from {@link KSelection#CANDIDATE_K}.
 */
public final class SourceItemNeighbours implements ColdStartModel, SelectionReport {
    public static final String NAME = "source-items";

    private ItemSetNeighbours index;

    /** The neighbour search's working space, reused for every user scored (one thread). */
    private ItemSetNeighbours.Scratch scratch;

    private int[][] tokens;
    private double[] popularity;
    private int k;
    private double validationNdcg = Double.NaN;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void fit(CrossDomainSplit split) {
        EncoderConfig enc = EncoderConfig.defaults();
        SourceTokenizer tok = SourceTokenizer.forSplit(split, enc);
        tokens = tok.userTokens(split);
        index =
                ItemSetNeighbours.build(
                        tokens, split.targetTrain, split.warmUsers, tok.vocabSize(), enc.seqLen);
        scratch = index.newScratch();
        if (index.numWarmUsers() == 0) {
            throw new IllegalStateException(
                    "source-items needs warm users with target rows; the split has none");
        }
        popularity = PopularityCounts.of(split.targetTrain, PopularityCounts.Count.USERS);
        // every candidate K is tried: a K above the number of warm users means "all who share a
        // token"
        KSelection selected =
                KSelection.select(split, Integer.MAX_VALUE, kc -> (u, out) -> score(kc, u, out));
        k = selected.k();
        validationNdcg = selected.validationNdcg()[selected.index()];
    }

    private void score(int kn, int user, double[] out) {
        index.distribution(tokens[user], kn, out, scratch);
        for (int v = 0; v < out.length; v++) {
            out[v] += 1e-9 * popularity[v];
        }
    }

    @Override
    public void scoreItems(int user, double[] out) {
        score(k, user, out);
    }

    @Override
    public String selection() {
        return String.format(Locale.ROOT, "k=%d, validation ndcg@10=%.4f", k, validationNdcg);
    }
}

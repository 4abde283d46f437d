package io.crossinterest.baselines;

import io.crossinterest.cf.als.AlsResult;
import io.crossinterest.data.InteractionMatrix;
import io.crossinterest.eval.ColdStartModel;
import io.crossinterest.eval.CrossDomainSplit;
import io.crossinterest.eval.ModelSettings;
import io.crossinterest.eval.SelectionReport;
import io.crossinterest.neighbours.KSelection;
import io.crossinterest.neighbours.NeighbourEvidence;
import io.crossinterest.neighbours.PopularityCounts;

import java.util.Arrays;
import java.util.Locale;

/**
 * Transfer by neighbours in the source block's CF space (not one of DESIGN's five baselines: added
 * because it measured strongest on the Amazon pairs, see docs/joint-model.md). The source block is
 * factorised with the same implicit ALS as the bridge baselines ({@link Factorizations#source}); a
 * user u is scored by the target training rows of the K warm users whose source factors point the
 * most the same way: score(u, v) = n_u(v) + 1e-9·popularity(v) (ties), n_u the {@link
 * NeighbourEvidence} distribution — the share of the neighbours' target behaviour that item v holds
 * ({@link NeighbourEvidence#score}). Unlike a map into the target block's rank-k factors (EMCDR,
 * PTUPCDR, the joint model's P̂·Q), the neighbours' raw target items are the evidence, so nothing
 * is lost to the target factorisation and nothing has to be learnt from the few overlapping users.
 * K is selected on the validation cold users from {@link KSelection#CANDIDATE_K}.
 */
public final class SourceNeighbours implements ColdStartModel, SelectionReport {
    public static final String NAME = "source-knn";

    private final ModelSettings settings;
    private NeighbourEvidence evidence;
    private double[] popularity;
    private int k;
    private double validationNdcg = Double.NaN;

    public SourceNeighbours(ModelSettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void fit(CrossDomainSplit split) {
        AlsResult source = Factorizations.source(split, settings);
        InteractionMatrix target = split.targetTrain;
        int[] warm = Arrays.stream(split.warmUsers).filter(u -> target.rowLength(u) > 0).toArray();
        if (warm.length == 0) {
            throw new IllegalStateException(
                    "source-knn needs warm users with target rows; the split has none");
        }
        evidence = new NeighbourEvidence(source.users.data(), source.users.rank(), target, warm);
        popularity = PopularityCounts.of(target, PopularityCounts.Count.USERS);
        KSelection selected = KSelection.select(split, evidence, popularity);
        k = selected.k();
        validationNdcg = selected.validationNdcg()[selected.index()];
    }

    @Override
    public void scoreItems(int user, double[] out) {
        evidence.score(user, k, popularity, out);
    }

    @Override
    public String selection() {
        return String.format(Locale.ROOT, "k=%d, validation ndcg@10=%.4f", k, validationNdcg);
    }
}

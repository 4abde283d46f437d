package io.crossinterest.eval;

import io.crossinterest.data.IdIndex;
import io.crossinterest.data.InteractionMatrix;
import io.crossinterest.data.TwinListings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * Builds the {@link CrossDomainSplit}s of the cold-start protocol (docs/architecture.md §5).
 *
 * <p>{@link #draw}: of the users active in both blocks (at least one source and one target
 * interaction), a seeded random fraction β becomes cold: all their target rows are hidden from
 * training. Of the cold users, a fraction {@code validFraction} (default {@value
 * #DEFAULT_VALID_FRACTION}) are validation users, whose hidden rows models use to select
 * hyper-parameters and stop training; the others are test users, whose hidden rows only the
 * evaluator reads. Users active in one block only are never cold; they keep all their rows
 * (source-only users help the source-side factorisations, target-only users the target side).
 *
 * <p>{@link #given}: the split layout ({@code train.tsv, valid.tsv, test.tsv} per block) already
 * says who is held out: users with rows in the target block's {@code valid.tsv} are the validation
 * users, users with rows in its {@code test.tsv} the test users, and {@code train.tsv} is the
 * target training data as given (if a benchmark keeps some target rows of its test users in
 * train.tsv, they stay there and the evaluator excludes those items from the user's ranking). A
 * user may have both validation and test rows (the layout of much of the cross-domain literature):
 * validation selects on the valid rows, and at test time those rows are known positives, neither
 * candidates nor misses ({@link CrossDomainSplit#markSeen}). Only the source block's {@code
 * train.tsv} is read: a source block's own valid/test rows are the hidden rows of the reverse
 * direction.
 *
 * <p>The target item catalogue is every item of the target block, including items that occur only
 * in hidden rows; the full-ranking protocol ranks all of them.
 *
 * <p>Every split carries the twins {@link TwinListings.Rule#DEFAULT} finds on its training rows
 * ({@link CrossDomainSplit#twins}); {@link CrossDomainSplit#withTwins} changes the rule or keeps
 * the twins.
 *
 * <p>Seeds: {@link #DEVELOPMENT_SEEDS} are for design work (the harness, ablations, tuning); {@link
 * #REPORTING_SEEDS} are the seeds of the published tables. {@link #drawDevelopment} draws a
 * development split whose held-out users are never test users of a reporting seed, so no design
 * step sees a reported test user.
 */
public final class ColdStartSplits {
    /** Fraction of the cold users used for validation when not given: 10%. */
    public static final double DEFAULT_VALID_FRACTION = 0.1;

    /** Seeds for design work: the measuring harness, ablations, tuning. */
    public static final List<Long> DEVELOPMENT_SEEDS = List.of(1L, 2L, 3L);

    /** Seeds of the published tables: no harness, ablation or tuning run draws their test users. */
    public static final List<Long> REPORTING_SEEDS = List.of(11L, 12L, 13L);

    private ColdStartSplits() {}

    public static CrossDomainSplit draw(
            String dataset,
            InteractionBlock source,
            InteractionBlock target,
            double beta,
            double validFraction,
            long seed) {
        return draw(dataset, source, target, beta, validFraction, seed, Set.of());
    }

    /**
     * A development split: drawn like {@link #draw} with {@code seed}, except that users who are
     * test cold users of any of {@link #REPORTING_SEEDS} (at the same β and validation fraction)
     * are never held out: they stay warm. The cold share β applies to the remaining users.
     */
    public static CrossDomainSplit drawDevelopment(
            String dataset,
            InteractionBlock source,
            InteractionBlock target,
            double beta,
            double validFraction,
            long seed) {
        if (REPORTING_SEEDS.contains(seed)) {
            throw new IllegalArgumentException(
                    "seed "
                            + seed
                            + " is a reporting seed "
                            + REPORTING_SEEDS
                            + "; development splits use other seeds, e.g. "
                            + DEVELOPMENT_SEEDS);
        }
        Set<String> reserved = new HashSet<>();
        for (long r : REPORTING_SEEDS) {
            CrossDomainSplit reported = draw(dataset, source, target, beta, validFraction, r);
            for (int u : reported.testColdUsers) {
                reserved.add(reported.users.id(u));
            }
        }
        return draw(dataset, source, target, beta, validFraction, seed, reserved);
    }

    private static CrossDomainSplit draw(
            String dataset,
            InteractionBlock source,
            InteractionBlock target,
            double beta,
            double validFraction,
            long seed,
            Set<String> neverCold) {
        if (!(beta > 0 && beta < 1)) {
            throw new IllegalArgumentException("beta must be in (0, 1), got " + beta);
        }
        if (!(validFraction > 0 && validFraction < 1)) {
            throw new IllegalArgumentException(
                    "validation fraction must be in (0, 1), got " + validFraction);
        }
        Indexes ix = new Indexes(source, List.of(target));
        List<Integer> both = new ArrayList<>();
        for (String u : source.users()) {
            if (target.rows().containsKey(u) && !neverCold.contains(u)) {
                both.add(ix.users.indexOf(u));
            }
        }
        Collections.sort(both);
        int numCold = (int) Math.round(beta * both.size());
        if (numCold < 2) {
            throw new IllegalArgumentException(
                    "beta="
                            + beta
                            + " of "
                            + both.size()
                            + " users active in both blocks gives fewer than 2 cold users (need validation and test users)");
        }
        Collections.shuffle(both, new Random(seed));
        int numValid =
                Math.max(1, Math.min(numCold - 1, (int) Math.round(validFraction * numCold)));
        int[] valid = sorted(both.subList(0, numValid));
        int[] test = sorted(both.subList(numValid, numCold));
        boolean[] cold = new boolean[ix.users.size()];
        for (int u : both.subList(0, numCold)) {
            cold[u] = true;
        }
        boolean[] isValid = mark(valid, cold.length);
        boolean[] isTest = mark(test, cold.length);
        InteractionMatrix targetTrain = ix.target(target, u -> !cold[u]);
        InteractionMatrix targetValid = ix.target(target, u -> isValid[u]);
        InteractionMatrix targetTest = ix.target(target, u -> isTest[u]);
        return ix.split(dataset, targetTrain, targetValid, targetTest, valid, test, seed);
    }

    public static CrossDomainSplit given(
            String dataset,
            InteractionBlock source,
            InteractionBlock targetTrain,
            InteractionBlock targetValid,
            InteractionBlock targetTest) {
        Indexes ix = new Indexes(source, List.of(targetTrain, targetValid, targetTest));
        if (targetValid.users().isEmpty()) {
            throw new IllegalArgumentException(
                    "the target block has no validation rows: model selection needs them");
        }
        if (targetTest.users().isEmpty()) {
            throw new IllegalArgumentException("the target block has no test rows");
        }
        int[] valid = indices(ix.users, targetValid.users());
        int[] test = indices(ix.users, targetTest.users());
        return ix.split(
                dataset,
                ix.target(targetTrain, u -> true),
                ix.target(targetValid, u -> true),
                ix.target(targetTest, u -> true),
                valid,
                test,
                -1);
    }

    private static int[] indices(IdIndex index, Set<String> ids) {
        int[] out = new int[ids.size()];
        int k = 0;
        for (String id : ids) {
            out[k++] = index.indexOf(id);
        }
        Arrays.sort(out);
        return out;
    }

    private static int[] sorted(List<Integer> xs) {
        int[] a = xs.stream().mapToInt(Integer::intValue).toArray();
        Arrays.sort(a);
        return a;
    }

    private static boolean[] mark(int[] users, int n) {
        boolean[] m = new boolean[n];
        for (int u : users) {
            m[u] = true;
        }
        return m;
    }

    /**
     * The id dictionaries of one split: users of both blocks, items and categories of each block.
     */
    private static final class Indexes {
        final IdIndex users = new IdIndex();
        final IdIndex sourceItems = new IdIndex();
        final IdIndex targetItems = new IdIndex();
        final IdIndex sourceCategories = new IdIndex();
        final IdIndex targetCategories = new IdIndex();
        final List<int[]> sourceItemCats = new ArrayList<>();
        final List<int[]> targetItemCats = new ArrayList<>();
        final InteractionMatrix source;

        Indexes(InteractionBlock sourceBlock, List<InteractionBlock> targetBlocks) {
            for (String u : sourceBlock.users()) {
                users.add(u);
            }
            for (InteractionBlock t : targetBlocks) {
                for (String u : t.users()) {
                    users.add(u);
                }
            }
            catalogue(sourceBlock, sourceItems, sourceCategories, sourceItemCats);
            for (InteractionBlock t : targetBlocks) {
                catalogue(t, targetItems, targetCategories, targetItemCats);
            }
            source = matrix(sourceBlock, sourceItems, u -> true);
        }

        private static void catalogue(
                InteractionBlock b, IdIndex items, IdIndex cats, List<int[]> itemCats) {
            for (Map.Entry<String, Set<String>> e : b.itemCategories().entrySet()) {
                if (items.contains(e.getKey())) {
                    continue;
                }
                items.add(e.getKey());
                itemCats.add(e.getValue().stream().mapToInt(cats::add).toArray());
            }
        }

        InteractionMatrix target(InteractionBlock b, IntPredicate keepUser) {
            return matrix(b, targetItems, keepUser);
        }

        private InteractionMatrix matrix(InteractionBlock b, IdIndex items, IntPredicate keepUser) {
            InteractionMatrix.Builder m = new InteractionMatrix.Builder(users.size(), items.size());
            for (Map.Entry<String, Map<String, Double>> row : b.rows().entrySet()) {
                int u = users.indexOf(row.getKey());
                if (!keepUser.test(u)) {
                    continue;
                }
                for (Map.Entry<String, Double> cell : row.getValue().entrySet()) {
                    m.add(u, items.indexOf(cell.getKey()), cell.getValue());
                }
            }
            return m.build();
        }

        CrossDomainSplit split(
                String dataset,
                InteractionMatrix targetTrain,
                InteractionMatrix targetValid,
                InteractionMatrix targetTest,
                int[] valid,
                int[] test,
                long seed) {
            boolean[] held = new boolean[users.size()];
            for (int u : valid) {
                held[u] = true;
            }
            for (int u : test) {
                held[u] = true;
            }
            int[] warm =
                    IntStream.range(0, users.size())
                            .filter(u -> !held[u] && targetTrain.rowLength(u) > 0)
                            .toArray();
            return new CrossDomainSplit(
                            dataset,
                            users,
                            sourceItems,
                            targetItems,
                            source,
                            targetTrain,
                            targetValid,
                            targetTest,
                            warm,
                            valid,
                            test,
                            sourceCategories,
                            targetCategories,
                            sourceItemCats.toArray(new int[0][]),
                            targetItemCats.toArray(new int[0][]),
                            seed)
                    .withTwins(TwinListings.Rule.DEFAULT);
        }
    }
}

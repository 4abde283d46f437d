package io.crossinterest.eval;

import io.crossinterest.data.CrossDomainData;
import io.crossinterest.data.IdIndex;
import io.crossinterest.data.InteractionMatrix;
import io.crossinterest.data.TwinListings;

/**
 * One cold-start split of a source block and a target block (docs/architecture.md §5): the {@link
 * CrossDomainData} a model trains on, plus the test cold users' hidden rows that only the evaluator
 * reads.
 *
 * <p>Rows of every matrix are the same users ({@link #users}). All users keep their source rows.
 * Warm users keep their target rows in {@link #targetTrain}; cold users have empty rows there. The
 * hidden target rows of the validation cold users are in {@link #targetValid} (for model selection
 * and early stopping); the hidden rows of the test cold users are in {@link #targetTest}, which
 * models must never read (only the evaluator does).
 *
 * <p>Category views: {@link #targetItemCategories} gives, for each target item, the target
 * categories (indices into {@link #targetCategories}) it belongs to; K = targetCategories.size().
 * Likewise for the source block. A pair of single-category blocks (Amazon, Douban) has K = 1.
 *
 * <p>{@link #twins}: target items that are another listing of a source item ({@link TwinListings}),
 * found on the training rows. The protocol treats the twins of a user's own source items like items
 * seen in training: neither candidates nor hidden positives ({@link #markSeen}). {@link
 * TwinListings#none()} keeps them (the old protocol).
 */
public final class CrossDomainSplit extends CrossDomainData {
    public final InteractionMatrix targetTest;

    /** Cold users whose hidden rows are in {@link #targetTest}. */
    public final int[] testColdUsers;

    /** The seed that drew the split (or -1 for a given split). */
    public final long seed;

    public CrossDomainSplit(
            String dataset,
            IdIndex users,
            IdIndex sourceItems,
            IdIndex targetItems,
            InteractionMatrix source,
            InteractionMatrix targetTrain,
            InteractionMatrix targetValid,
            InteractionMatrix targetTest,
            int[] warmUsers,
            int[] validColdUsers,
            int[] testColdUsers,
            IdIndex sourceCategories,
            IdIndex targetCategories,
            int[][] sourceItemCategories,
            int[][] targetItemCategories,
            long seed) {
        this(
                dataset,
                users,
                sourceItems,
                targetItems,
                source,
                targetTrain,
                targetValid,
                targetTest,
                warmUsers,
                validColdUsers,
                testColdUsers,
                sourceCategories,
                targetCategories,
                sourceItemCategories,
                targetItemCategories,
                seed,
                TwinListings.none());
    }

    public CrossDomainSplit(
            String dataset,
            IdIndex users,
            IdIndex sourceItems,
            IdIndex targetItems,
            InteractionMatrix source,
            InteractionMatrix targetTrain,
            InteractionMatrix targetValid,
            InteractionMatrix targetTest,
            int[] warmUsers,
            int[] validColdUsers,
            int[] testColdUsers,
            IdIndex sourceCategories,
            IdIndex targetCategories,
            int[][] sourceItemCategories,
            int[][] targetItemCategories,
            long seed,
            TwinListings twins) {
        super(
                dataset,
                users,
                sourceItems,
                targetItems,
                source,
                targetTrain,
                targetValid,
                warmUsers,
                validColdUsers,
                sourceCategories,
                targetCategories,
                sourceItemCategories,
                targetItemCategories,
                twins);
        this.targetTest = targetTest;
        this.testColdUsers = testColdUsers;
        this.seed = seed;
    }

    /**
     * NDCG@10 of the validation cold users under {@code scorer}: {@link
     * ColdStartEvaluator#validationNdcg}.
     */
    @Override
    public double validationNdcg(UserScorer scorer) {
        return ColdStartEvaluator.validationNdcg(this, scorer::scoreItems);
    }

    /**
     * This split with {@link #targetTest} replaced by an empty matrix of the same shape: what the
     * evaluator hands to {@link ColdStartModel#fit}, so that no model can read the test rows, by
     * construction.
     */
    public CrossDomainSplit withoutTest() {
        InteractionMatrix empty =
                new InteractionMatrix(
                        targetTest.numRows(),
                        targetTest.numCols(),
                        new int[targetTest.numRows() + 1],
                        new int[0],
                        new double[0]);
        return new CrossDomainSplit(
                dataset,
                users,
                sourceItems,
                targetItems,
                source,
                targetTrain,
                targetValid,
                empty,
                warmUsers,
                validColdUsers,
                testColdUsers,
                sourceCategories,
                targetCategories,
                sourceItemCategories,
                targetItemCategories,
                seed,
                twins);
    }

    /**
     * This split with the given twins treated as seen ({@link TwinListings#none()} keeps every
     * twin).
     */
    public CrossDomainSplit withTwins(TwinListings twins) {
        return new CrossDomainSplit(
                dataset,
                users,
                sourceItems,
                targetItems,
                source,
                targetTrain,
                targetValid,
                targetTest,
                warmUsers,
                validColdUsers,
                testColdUsers,
                sourceCategories,
                targetCategories,
                sourceItemCategories,
                targetItemCategories,
                seed,
                twins);
    }

    /** This split with the twins {@code rule} finds on its training rows treated as seen. */
    public CrossDomainSplit withTwins(TwinListings.Rule rule) {
        return withTwins(TwinListings.find(source, targetTrain, sourceItems, rule));
    }

    /**
     * Sets {@code seen[i] = value} for every target item that is not a prediction target for {@code
     * user}: the items of the user's training row and the twins of the user's source items; with
     * {@code testTime}, also the user's validation rows (a user of an external split can be a
     * validation and a test user: at test time the validation items are known positives, neither
     * candidates nor misses).
     */
    public void markSeen(int user, boolean[] seen, boolean value, boolean testTime) {
        mark(targetTrain, user, seen, value);
        if (testTime) {
            mark(targetValid, user, seen, value);
        }
        twins.mark(source, sourceItems, user, seen, value);
    }

    private static void mark(InteractionMatrix m, int user, boolean[] seen, boolean value) {
        if (m == null || user >= m.numRows()) {
            return;
        }
        for (int k = m.rowStart(user); k < m.rowEnd(user); k++) {
            seen[m.col(k)] = value;
        }
    }

    /**
     * A target item's id as the input files name it: the readers prefix item ids with their block
     * ({@code category:item}, so that the two blocks' ids cannot collide); dumps and reports strip
     * it again.
     */
    public String externalTargetItemId(int item) {
        String id = targetItems.id(item);
        int[] cats =
                targetItemCategories == null || item >= targetItemCategories.length
                        ? null
                        : targetItemCategories[item];
        if (cats != null && cats.length == 1) {
            String prefix = targetCategories.id(cats[0]) + ":";
            if (id.startsWith(prefix)) {
                return id.substring(prefix.length());
            }
        }
        return id;
    }

    /**
     * The index of a target item given as the input files name it (or with its block prefix), -1 if
     * unknown.
     */
    public int targetItemIndex(String externalId) {
        int i = targetItems.indexOf(externalId);
        for (int c = 0; i < 0 && targetCategories != null && c < targetCategories.size(); c++) {
            i = targetItems.indexOf(targetCategories.id(c) + ":" + externalId);
        }
        return i;
    }
}

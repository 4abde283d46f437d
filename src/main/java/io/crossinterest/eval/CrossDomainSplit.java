package io.crossinterest.eval;

import io.crossinterest.data.IdIndex;
import io.crossinterest.data.InteractionMatrix;

/**
 * One cold-start split of a source block and a target block (DESIGN §5), as every model sees it for training.
 *
 * <p>Rows of every matrix are the same users ({@link #users}). All users keep their source rows. Warm users keep their
 * target rows in {@link #targetTrain}; cold users have empty rows there. The hidden target rows of the validation cold
 * users are in {@link #targetValid} (for model selection and early stopping); the hidden rows of the test cold users
 * are in {@link #targetTest}, which models must never read (only the evaluator does).
 *
 * <p>Category views: {@link #targetItemCategories} gives, for each target item, the target categories (indices into
 * {@link #targetCategories}) it belongs to; K = targetCategories.size(). Likewise for the source block. A pair of
 * single-category blocks (Amazon, Douban) has K = 1.
 */
public final class CrossDomainSplit {
    public final String dataset;
    public final IdIndex users;
    public final IdIndex sourceItems;
    public final IdIndex targetItems;
    public final InteractionMatrix source;
    public final InteractionMatrix targetTrain;
    public final InteractionMatrix targetValid;
    public final InteractionMatrix targetTest;
    /** Users with target rows in training. */
    public final int[] warmUsers;
    /** Cold users whose hidden rows are in {@link #targetValid}. */
    public final int[] validColdUsers;
    /** Cold users whose hidden rows are in {@link #targetTest}. */
    public final int[] testColdUsers;
    public final IdIndex sourceCategories;
    public final IdIndex targetCategories;
    public final int[][] sourceItemCategories;
    public final int[][] targetItemCategories;
    /** The seed that drew the split (or -1 for a given split). */
    public final long seed;

    public CrossDomainSplit(String dataset, IdIndex users, IdIndex sourceItems, IdIndex targetItems,
            InteractionMatrix source, InteractionMatrix targetTrain, InteractionMatrix targetValid,
            InteractionMatrix targetTest, int[] warmUsers, int[] validColdUsers, int[] testColdUsers,
            IdIndex sourceCategories, IdIndex targetCategories, int[][] sourceItemCategories,
            int[][] targetItemCategories, long seed) {
        this.dataset = dataset;
        this.users = users;
        this.sourceItems = sourceItems;
        this.targetItems = targetItems;
        this.source = source;
        this.targetTrain = targetTrain;
        this.targetValid = targetValid;
        this.targetTest = targetTest;
        this.warmUsers = warmUsers;
        this.validColdUsers = validColdUsers;
        this.testColdUsers = testColdUsers;
        this.sourceCategories = sourceCategories;
        this.targetCategories = targetCategories;
        this.sourceItemCategories = sourceItemCategories;
        this.targetItemCategories = targetItemCategories;
        this.seed = seed;
    }

    /**
     * This split with {@link #targetTest} replaced by an empty matrix of the same shape: what the evaluator hands to
     * {@link ColdStartModel#fit}, so that no model can read the test rows, by construction.
     */
    public CrossDomainSplit withoutTest() {
        InteractionMatrix empty = new InteractionMatrix(targetTest.numRows(), targetTest.numCols(),
                new int[targetTest.numRows() + 1], new int[0], new double[0]);
        return new CrossDomainSplit(dataset, users, sourceItems, targetItems, source, targetTrain, targetValid, empty,
                warmUsers, validColdUsers, testColdUsers, sourceCategories, targetCategories, sourceItemCategories,
                targetItemCategories, seed);
    }

    public int numUsers() {
        return users.size();
    }

    public int numTargetItems() {
        return targetItems.size();
    }

    public int numSourceItems() {
        return sourceItems.size();
    }
}

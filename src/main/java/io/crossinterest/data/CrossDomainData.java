package io.crossinterest.data;

/**
 * What a model of two blocks may read for training: the same users' rows in a source block and a
 * target block, with the ids, categories and twins that go with them. The evaluation's split
 * ({@code io.crossinterest.eval.CrossDomainSplit}) is this data plus the hidden test rows, which no
 * model reads; training code (the joint model, the encoder's tokenizer) takes this type so that it
 * needs nothing of the evaluation.
 *
 * <p>Rows of every matrix are the same users ({@link #users}). All users keep their source rows.
 * Warm users ({@link #warmUsers}) have target rows in {@link #targetTrain}; cold users have empty
 * rows there. The hidden target rows of the validation cold users are in {@link #targetValid}: a
 * model selects hyper-parameters and epochs on them, with {@link #validationNdcg} (the protocol's
 * metric) or on its own.
 *
 * <p>{@link #targetItemCategories} gives, for each target item, the target categories (indices into
 * {@link #targetCategories}) it belongs to; likewise for the source block. {@link #twins}: target
 * items that are another listing of a source item ({@link TwinListings}); the twins of a user's own
 * source items are seen items ({@link #markSeen}).
 */
public abstract class CrossDomainData {
    public final String dataset;
    public final IdIndex users;
    public final IdIndex sourceItems;
    public final IdIndex targetItems;
    public final InteractionMatrix source;
    public final InteractionMatrix targetTrain;
    public final InteractionMatrix targetValid;

    /** Users with target rows in training. */
    public final int[] warmUsers;

    /** Cold users whose hidden rows are in {@link #targetValid}. */
    public final int[] validColdUsers;

    public final IdIndex sourceCategories;
    public final IdIndex targetCategories;
    public final int[][] sourceItemCategories;
    public final int[][] targetItemCategories;

    /** The twins treated as seen (none when twins are kept). */
    public final TwinListings twins;

    /** Scores every target item for a user (index = target item index; higher is better). */
    @FunctionalInterface
    public interface UserScorer {
        void scoreItems(int user, double[] out);
    }

    protected CrossDomainData(
            String dataset,
            IdIndex users,
            IdIndex sourceItems,
            IdIndex targetItems,
            InteractionMatrix source,
            InteractionMatrix targetTrain,
            InteractionMatrix targetValid,
            int[] warmUsers,
            int[] validColdUsers,
            IdIndex sourceCategories,
            IdIndex targetCategories,
            int[][] sourceItemCategories,
            int[][] targetItemCategories,
            TwinListings twins) {
        this.dataset = dataset;
        this.users = users;
        this.sourceItems = sourceItems;
        this.targetItems = targetItems;
        this.source = source;
        this.targetTrain = targetTrain;
        this.targetValid = targetValid;
        this.warmUsers = warmUsers;
        this.validColdUsers = validColdUsers;
        this.sourceCategories = sourceCategories;
        this.targetCategories = targetCategories;
        this.sourceItemCategories = sourceItemCategories;
        this.targetItemCategories = targetItemCategories;
        this.twins = twins;
    }

    /**
     * NDCG@10 of the validation cold users' hidden rows ({@link #targetValid}) under {@code
     * scorer}, by the rules of the protocol that made this data (seen items and twins excluded, its
     * tie-breaking): what models select on.
     */
    public abstract double validationNdcg(UserScorer scorer);

    /**
     * Sets {@code seen[i] = value} for every target item that is not a prediction target for {@code
     * user} in training: the items of the user's training row and the twins of the user's source
     * items.
     */
    public void markSeen(int user, boolean[] seen, boolean value) {
        if (targetTrain != null && user < targetTrain.numRows()) {
            for (int k = targetTrain.rowStart(user); k < targetTrain.rowEnd(user); k++) {
                seen[targetTrain.col(k)] = value;
            }
        }
        twins.mark(source, sourceItems, user, seen, value);
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

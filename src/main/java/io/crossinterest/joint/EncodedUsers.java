package io.crossinterest.joint;

/**
 * A {@link JointModel} applied to a fixed set of users, e.g. every user of the data it was fitted
 * on: their token sequences encoded once (P̂_u and I_u), then scored on demand. User u is row u of
 * the tokens.
 */
public final class EncodedUsers {
    private final JointScorer scorer;
    private final int[][] tokens;
    private final JointScorer.Encoded encoded;

    EncodedUsers(JointScorer scorer, int[][] tokens) {
        this.scorer = scorer;
        this.tokens = tokens;
        this.encoded = scorer.encodeAll(tokens);
    }

    /**
     * The model's scores of every target item for {@code user}: the deep path, blended with the
     * wide path if any.
     */
    public void itemScores(int user, double[] out) {
        scorer.itemScores(tokens[user], encoded.phat()[user], interest(user), out);
    }

    /** The deep path's scores alone (encoder → P̂ → scores), without the wide path's blend. */
    public void deepScores(int user, double[] out) {
        scorer.itemScores(encoded.phat()[user], interest(user), out);
    }

    /**
     * Interest over the K target categories, softmax(I_u); null when the network has no interest
     * layer.
     */
    public double[] categoryInterest(int user) {
        return encoded.interest() == null
                ? null
                : JointScorer.interestDistribution(encoded.interest()[user]);
    }

    /** P̂_u. */
    public float[] predictedFactors(int user) {
        return encoded.phat()[user].clone();
    }

    /** The user's source token sequence. */
    public int[] tokens(int user) {
        return tokens[user].clone();
    }

    private float[] interest(int user) {
        return encoded.interest() == null ? null : encoded.interest()[user];
    }
}

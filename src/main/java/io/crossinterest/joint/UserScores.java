package io.crossinterest.joint;

import java.util.Arrays;

/**
 * The joint model's output for one user: the top-N target items with scores, the interest over the
 * target categories (softmax of I_u; null when the model has no category layer) and the version of
 * the model that produced it. A Flink POJO.
 */
public class UserScores {
    public String userId;

    /**
     * The version of the model that made it: its bundle's {@code modelVersion} ({@link
     * JointBundle#modelVersion}), which is also the version the stream job was told to serve and
     * its {@code modelVersion} metric.
     */
    public long modelVersion;

    public String[] topItems;
    public double[] topScores;
    public String[] categories;
    public double[] interest;

    public UserScores() {}

    public UserScores(
            String userId,
            long modelVersion,
            String[] topItems,
            double[] topScores,
            String[] categories,
            double[] interest) {
        this.userId = userId;
        this.modelVersion = modelVersion;
        this.topItems = topItems;
        this.topScores = topScores;
        this.categories = categories;
        this.interest = interest;
    }

    @Override
    public String toString() {
        return "UserScores{"
                + userId
                + ", model "
                + modelVersion
                + ", top "
                + Arrays.toString(topItems)
                + "}";
    }
}

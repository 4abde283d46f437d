package io.crossinterest.cf.als;

import java.util.Arrays;

/** Top-N target items for a user, and the model version that scored them. A Flink POJO. */
public class Recommendation {
    public String user;
    public long modelVersion;
    public String[] items;
    public double[] scores;

    public Recommendation() {}

    @Override
    public String toString() {
        return "Recommendation{user="
                + user
                + ", modelVersion="
                + modelVersion
                + ", items="
                + Arrays.toString(items)
                + ", scores="
                + Arrays.toString(scores)
                + '}';
    }
}

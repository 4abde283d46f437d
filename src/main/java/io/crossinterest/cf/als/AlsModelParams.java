package io.crossinterest.cf.als;

import org.apache.flink.ml.common.param.HasPredictionCol;
import org.apache.flink.ml.param.IntParam;
import org.apache.flink.ml.param.Param;
import org.apache.flink.ml.param.ParamValidators;
import org.apache.flink.ml.param.StringParam;

/**
 * Parameters of {@link AlsModel}: where the ids are, where the score goes, how many recommendations
 * per user.
 */
public interface AlsModelParams<T> extends HasPredictionCol<T> {
    Param<String> USER_COL =
            new StringParam(
                    "userCol",
                    "User id column (BIGINT or INT).",
                    "user",
                    ParamValidators.notNull());

    Param<String> ITEM_COL =
            new StringParam(
                    "itemCol",
                    "Item id column (BIGINT or INT).",
                    "item",
                    ParamValidators.notNull());

    Param<Integer> NUM_RECOMMENDATIONS =
            new IntParam(
                    "numRecommendations",
                    "Items recommended per user by transform(), excluding the user's items in the input.",
                    10,
                    ParamValidators.gt(0));

    default String getUserCol() {
        return get(USER_COL);
    }

    default T setUserCol(String value) {
        return set(USER_COL, value);
    }

    default String getItemCol() {
        return get(ITEM_COL);
    }

    default T setItemCol(String value) {
        return set(ITEM_COL, value);
    }

    default int getNumRecommendations() {
        return get(NUM_RECOMMENDATIONS);
    }

    default T setNumRecommendations(int value) {
        return set(NUM_RECOMMENDATIONS, value);
    }
}

package io.crossinterest.joint;

import java.util.Arrays;
import java.util.Objects;

/**
 * A user's recent source-block behaviour as the stream hands it to the encoder: item ids oldest
 * first, with each item's category ({@code categoryIds[i]} belongs to {@code itemIds[i]}; may be
 * null when the bundle tokenizes items). A Flink POJO.
 */
public class SourceHistory {
    public String userId;
    public String[] itemIds;
    public String[] categoryIds;

    public SourceHistory() {}

    public SourceHistory(String userId, String[] itemIds, String[] categoryIds) {
        this.userId = userId;
        this.itemIds = itemIds;
        this.categoryIds = categoryIds;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SourceHistory h
                && Objects.equals(userId, h.userId)
                && Arrays.equals(itemIds, h.itemIds)
                && Arrays.equals(categoryIds, h.categoryIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, Arrays.hashCode(itemIds), Arrays.hashCode(categoryIds));
    }

    @Override
    public String toString() {
        return "SourceHistory{"
                + userId
                + ", "
                + (itemIds == null ? 0 : itemIds.length)
                + " items}";
    }
}

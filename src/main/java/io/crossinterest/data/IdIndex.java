package io.crossinterest.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A dictionary between external string ids (users, items, categories) and dense ints 0..size-1, in
 * order of first appearance. Dense ints index the rows and columns of {@link InteractionMatrix} and
 * factor matrices.
 */
public final class IdIndex implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, Integer> toIndex = new HashMap<>();
    private final List<String> toId = new ArrayList<>();

    /** The index of {@code id}, adding it if new. */
    public int add(String id) {
        Integer i = toIndex.get(id);
        if (i != null) {
            return i;
        }
        int n = toId.size();
        toIndex.put(id, n);
        toId.add(id);
        return n;
    }

    /** The index of {@code id}, or -1 if unknown. */
    public int indexOf(String id) {
        Integer i = toIndex.get(id);
        return i == null ? -1 : i;
    }

    public String id(int index) {
        return toId.get(index);
    }

    public boolean contains(String id) {
        return toIndex.containsKey(id);
    }

    public int size() {
        return toId.size();
    }

    public List<String> ids() {
        return Collections.unmodifiableList(toId);
    }
}

package io.crossinterest.profile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-category statistics over a set of user profiles: the column view of the user × category
 * matrix O. For category c: {@code users} = |{u : O[u][c] > 0}|, {@code mass} = Σ_u O[u][c], {@code
 * meanPerUser} = mass / users, and {@code share} = mass / Σ_c mass (the category's part of all
 * interest).
 */
public final class CategoryStatistics {

    /** One category's figures. */
    public record Row(String category, long users, double mass, double meanPerUser, double share) {}

    private final Map<String, long[]> users = new HashMap<>();
    private final Map<String, double[]> mass = new HashMap<>();
    private long profiles;

    /** Adds one profile (a row of O). */
    public void add(UserProfile p) {
        profiles++;
        for (int i = 0; i < p.categories.length; i++) {
            if (p.scores[i] > 0) {
                users.computeIfAbsent(p.categories[i], c -> new long[1])[0]++;
                mass.computeIfAbsent(p.categories[i], c -> new double[1])[0] += p.scores[i];
            }
        }
    }

    public long profiles() {
        return profiles;
    }

    /** The categories, most users first (ties by name). */
    public List<Row> rows() {
        double total = mass.values().stream().mapToDouble(m -> m[0]).sum();
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, long[]> e : users.entrySet()) {
            long n = e.getValue()[0];
            double m = mass.get(e.getKey())[0];
            rows.add(new Row(e.getKey(), n, m, m / n, total > 0 ? m / total : 0));
        }
        rows.sort(Comparator.comparingLong(Row::users).reversed().thenComparing(Row::category));
        return rows;
    }

    /** A fixed-width table of the first {@code limit} rows (most users first). */
    public String table(int limit) {
        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "  %-24s %10s %14s %12s %7s%n",
                        "category",
                        "users",
                        "mass",
                        "mean/user",
                        "share"));
        List<Row> rows = rows();
        for (Row r : rows.subList(0, Math.min(limit, rows.size()))) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "  %-24s %10d %14.1f %12.2f %6.1f%%%n",
                            r.category(),
                            r.users(),
                            r.mass(),
                            r.meanPerUser(),
                            100 * r.share()));
        }
        if (rows.size() > limit) {
            sb.append(
                    String.format(Locale.ROOT, "  ... %d more categories%n", rows.size() - limit));
        }
        return sb.toString();
    }
}

package io.crossinterest.profile;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CategoryStatisticsTest {

    private static UserProfile profile(String user, String[] cats, double[] scores) {
        UserProfile p = new UserProfile();
        p.user = user;
        p.categories = cats;
        p.scores = scores;
        return p;
    }

    @Test
    void columnsOfTheMatrix() {
        CategoryStatistics s = new CategoryStatistics();
        s.add(profile("a", new String[] {"sport", "phone"}, new double[] {4, 8}));
        s.add(profile("b", new String[] {"phone"}, new double[] {2}));
        s.add(
                profile(
                        "c",
                        new String[] {"sport", "book"},
                        new double[] {0, 6})); // a zero entry is not a user

        List<CategoryStatistics.Row> rows = s.rows();
        assertEquals(3, s.profiles());
        assertEquals(
                List.of("phone", "book", "sport"),
                rows.stream().map(CategoryStatistics.Row::category).toList());
        CategoryStatistics.Row phone = rows.get(0);
        assertEquals(2, phone.users());
        assertEquals(10.0, phone.mass(), 1e-12);
        assertEquals(5.0, phone.meanPerUser(), 1e-12);
        assertEquals(10.0 / 20.0, phone.share(), 1e-12);
        assertEquals(1, rows.get(2).users());
        assertEquals(4.0 / 20.0, rows.get(2).share(), 1e-12);
        String table = s.table(2);
        assertTrue(table.contains("phone") && table.contains("1 more categories"), table);
    }
}

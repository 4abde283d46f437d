package io.crossinterest.matrix;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.profile.InMemoryProfiles;
import io.crossinterest.profile.ProfileConfig;
import io.crossinterest.profile.ProfileJson;
import io.crossinterest.profile.UserProfile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-computed cases. O (rows u0..u3, columns A, B, C, D):
 *
 * <pre>
 *   u0: A=1 B=2
 *   u1: A=2     C=4
 *   u2:     B=3 C=1
 *   u3:             D=5
 * </pre>
 *
 * Column means: A 1.5, B 2.5, C 2.5, D 5. Norms: ‖u0‖ = √5, ‖u1‖ = √20, ‖u2‖ = √10, ‖u3‖ = 5.
 * Cosines: s01 = 2/(√5·√20) = 0.2, s02 = 6/(√5·√10) = 0.8485, s12 = 4/(√20·√10) = 0.2828; u3 shares
 * nothing.
 */
class ImputationTest {
    private static final double S01 = 2 / (Math.sqrt(5) * Math.sqrt(20));
    private static final double S02 = 6 / (Math.sqrt(5) * Math.sqrt(10));
    private static final double S12 = 4 / (Math.sqrt(20) * Math.sqrt(10));

    private static CategoryMatrix example() {
        List<UserProfile> ps = new ArrayList<>();
        ps.add(profile("u0", new String[] {"A", "B"}, new double[] {1, 2}));
        ps.add(profile("u1", new String[] {"A", "C"}, new double[] {2, 4}));
        ps.add(profile("u2", new String[] {"B", "C"}, new double[] {3, 1}));
        ps.add(profile("u3", new String[] {"D"}, new double[] {5}));
        return CategoryMatrix.fromProfiles(ps);
    }

    private static UserProfile profile(String user, String[] cats, double[] scores) {
        UserProfile p = new UserProfile();
        p.user = user;
        p.categories = cats;
        p.scores = scores;
        p.behaviorCounts = new long[Behavior.values().length];
        p.recentItems = new String[0];
        p.recentCategories = new String[0];
        return p;
    }

    /** (user, category) → value, imputed entries prefixed with '~' in the key. */
    private static Map<String, Double> run(CategoryMatrix m, MatrixExport.Method method, int k)
            throws Exception {
        StringWriter w = new StringWriter();
        MatrixExport.write(m, method, k, w);
        String[] lines = w.toString().split("\n");
        assertEquals(MatrixExport.HEADER, lines[0]);
        Map<String, Double> out = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split("\t");
            out.put((f[3].equals("1") ? "~" : "") + f[0] + "," + f[1], Double.parseDouble(f[2]));
        }
        return out;
    }

    @Test
    void columnMeansAndMeanImputation() throws Exception {
        CategoryMatrix m = example();
        Map<String, Double> e = run(m, MatrixExport.Method.MEAN, 0);
        assertEquals(16, e.size()); // dense 4 × 4
        assertEquals(1.5, e.get("~u2,A"));
        assertEquals(2.5, e.get("~u1,B"));
        assertEquals(2.5, e.get("~u0,C"));
        assertEquals(5.0, e.get("~u0,D"));
        assertEquals(1.0, e.get("u0,A")); // observed entries unchanged
        assertEquals(4.0, e.get("u1,C"));
    }

    @Test
    void noImputationWritesTheObservedEntries() throws Exception {
        Map<String, Double> e = run(example(), MatrixExport.Method.NONE, 0);
        assertEquals(7, e.size());
        assertTrue(e.keySet().stream().noneMatch(key -> key.startsWith("~")));
    }

    @Test
    void knnWithOneNeighbour() throws Exception {
        Map<String, Double> e = run(example(), MatrixExport.Method.KNN, 1);
        // nearest: u0 → u2 (0.85), u1 → u2 (0.28 > 0.2), u2 → u0 (0.85); u3 has no neighbour
        assertEquals(1.0, e.get("~u0,C"), 1e-12);
        assertEquals(3.0, e.get("~u1,B"), 1e-12);
        assertEquals(1.0, e.get("~u2,A"), 1e-12);
        assertFalse(
                e.keySet().stream().anyMatch(key -> key.contains("u3,") && key.startsWith("~")));
        assertFalse(e.containsKey("~u0,D"));
        assertEquals(7 + 3, e.size());
    }

    @Test
    void knnWithTwoNeighboursIsTheSimilarityWeightedMean() throws Exception {
        Map<String, Double> e = run(example(), MatrixExport.Method.KNN, 2);
        assertEquals((S02 * 1 + S01 * 4) / (S02 + S01), e.get("~u0,C"), 1e-12); // 1.5722
        assertEquals((S12 * 3 + S01 * 2) / (S12 + S01), e.get("~u1,B"), 1e-12); // 2.5858
        assertEquals((S02 * 1 + S12 * 2) / (S02 + S12), e.get("~u2,A"), 1e-12); // 1.25
        assertEquals(1.25, e.get("~u2,A"), 1e-12);
        assertThrows(
                IllegalArgumentException.class, () -> run(example(), MatrixExport.Method.KNN, 0));
    }

    @Test
    void readsProfilesFromJsonLinesSkippingDeadLetters(@TempDir Path dir) throws Exception {
        InMemoryProfiles m =
                new InMemoryProfiles(ProfileConfig.defaults().withHalfLife(Duration.ZERO));
        m.add(new BehaviorEvent("7", "i1", "A", Behavior.BUY, 1, 1000));
        m.add(new BehaviorEvent("7", "i2", "B", Behavior.PV, 1, 2000));
        m.add(new BehaviorEvent("8", "i2", "B", Behavior.CART, 1, 2000));
        Files.createDirectories(dir.resolve("profiles"));
        Files.createDirectories(dir.resolve("dead-letters"));
        List<String> lines = new ArrayList<>();
        for (UserProfile p : m.profiles().values()) {
            lines.add(ProfileJson.write(p));
        }
        Files.write(dir.resolve("profiles/part-0"), lines);
        Files.writeString(
                dir.resolve("dead-letters/dead-letters-0"), "{\"source\":\"x\",\"raw\":\"bad\"}\n");
        CategoryMatrix o = CategoryMatrix.readProfiles(dir);
        assertEquals(2, o.users.size());
        assertEquals(2, o.categories.size());
        Map<String, Double> e = run(o, MatrixExport.Method.NONE, 0);
        assertEquals(Map.of("7,A", 4.0, "7,B", 1.0, "8,B", 3.0), e);

        Files.writeString(dir.resolve("profiles/part-1"), "{\"user\":\"9\"}\nnot json\n");
        IllegalArgumentException bad =
                assertThrows(
                        IllegalArgumentException.class, () -> CategoryMatrix.readProfiles(dir));
        assertTrue(bad.getMessage().contains("part-1:2"), bad.getMessage());
    }
}

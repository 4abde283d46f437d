package io.crossinterest.eval;

import io.crossinterest.baselines.Popularity;
import io.crossinterest.ingest.InputSpecException;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loaders on the real data sets of ../shared/data, checked against the counts of their READMEs.
 */
class EvalDatasetsTest {
    static Path data;

    @BeforeAll
    static void locate() {
        data = Path.of(System.getProperty("shared.data.dir", "../shared/data"));
        assertTrue(Files.isDirectory(data), "shared data not found at " + data.toAbsolutePath());
    }

    @Test
    void amazonPairJoinsTheUsersOfBothFolders() {
        Path d = data.resolve("amazon-cdr-disencdr");
        EvalDatasets.Loaded l =
                EvalDatasets.amazonPair(
                        d.resolve("phone_electronic"), d.resolve("electronic_phone"));
        assertEquals(List.of(), l.deadLetters);
        assertEquals(3325, l.source.users().size());
        assertEquals(3325, l.target.users().size());
        assertEquals(l.source.users(), l.target.users()); // README: every user is in both domains
        assertEquals(
                50407 + 2559,
                l.source.numInteractions()); // train.txt + test.txt (no duplicates in the data)
        assertEquals(17709, l.source.itemCategories().size());
        assertEquals(
                Set.of("phone"), Set.copyOf(l.source.itemCategories().values().iterator().next()));
        assertThrows(
                InputSpecException.class,
                () -> EvalDatasets.amazonPair(d.resolve("sport_cloth"), d.resolve("phone_sport")));
    }

    @Test
    void doubanOverlapMatchesTheReadme() {
        Path d = data.resolve("douban-book-music");
        EvalDatasets.Loaded l =
                EvalDatasets.douban(
                        d.resolve("douban_book_ratings.dat"),
                        d.resolve("douban_music_ratings.dat"));
        Set<String> both = new LinkedHashSet<>(l.source.users());
        both.retainAll(l.target.users());
        assertEquals(1566, both.size());
        assertEquals(96041, l.source.numInteractions());
        CrossDomainSplit s = l.split(0.5, 0.1, 3);
        assertEquals(Math.round(0.5 * 1566), s.validColdUsers.length + s.testColdUsers.length);
    }

    @Test
    void movieLensGenresFormTheTargetBlockAndGiveInterestMetrics() {
        Set<String> genres =
                new LinkedHashSet<>(List.of("Comedy", "Drama", "Action", "Thriller", "Romance"));
        EvalDatasets.Loaded l = EvalDatasets.movieLens(data.resolve("movielens-100k"), genres);
        assertEquals(100000, l.source.numInteractions() + l.target.numInteractions());
        for (Map.Entry<String, Set<String>> e : l.target.itemCategories().entrySet()) {
            assertTrue(genres.containsAll(e.getValue()), e.toString());
        }
        for (Set<String> cats : l.source.itemCategories().values()) {
            assertTrue(cats.stream().noneMatch(genres::contains), cats.toString());
        }
        // ratings are r_ui whatever the number of genres (the parser's r/g shares sum back to r)
        l.target
                .rows()
                .values()
                .forEach(row -> row.values().forEach(r -> assertEquals(Math.rint(r), r, 1e-9)));
        CrossDomainSplit s = l.split(0.2, 0.1, 1);
        assertEquals(5, s.targetCategories.size());
        Popularity pop = new Popularity();
        pop.fit(s.withoutTest());
        Map<String, Double> m = ColdStartEvaluator.evaluateTest(s, pop, 1, null);
        assertTrue(
                m.get(ColdStartEvaluator.I_NDCG_5) > 0 && m.get(ColdStartEvaluator.I_NDCG_5) <= 1,
                m.toString());
        assertTrue(m.containsKey(ColdStartEvaluator.I_AUC), m.toString());
        assertThrows(
                InputSpecException.class,
                () ->
                        EvalDatasets.movieLens(
                                data.resolve("movielens-100k"), Set.of("NoSuchGenre")));
    }
}

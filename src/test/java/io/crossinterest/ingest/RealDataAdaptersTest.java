package io.crossinterest.ingest;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.event.DeadLetter;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every adapter on the real files of {@code ../shared/data}, against the counts their READMEs give.
 * Read in process ({@link LocalReader}), with the same parsers the Flink job uses; no record of the
 * real data may be rejected.
 */
class RealDataAdaptersTest {
    static Path data;

    @BeforeAll
    static void locate() {
        data = Path.of(System.getProperty("shared.data.dir", "../shared/data"));
        assertTrue(Files.isDirectory(data), "shared data not found at " + data.toAbsolutePath());
    }

    static List<BehaviorEvent> readAll(String format, Path input) throws IOException {
        List<BehaviorEvent> events = new ArrayList<>();
        List<DeadLetter> dead = new ArrayList<>();
        LocalReader.read(InputFormats.resolve(format, input), events::add, dead::add);
        assertEquals(
                List.of(),
                dead.subList(0, Math.min(5, dead.size())),
                "real data gave dead letters");
        return events;
    }

    static long distinct(List<BehaviorEvent> events, Function<BehaviorEvent, String> key) {
        Set<String> s = new HashSet<>();
        for (BehaviorEvent e : events) {
            s.add(key.apply(e));
        }
        return s.size();
    }

    @Test
    void taobaoTimeSlice() throws IOException {
        List<BehaviorEvent> ev =
                readAll(
                        "taobao",
                        data.resolve("taobao-userbehavior/UserBehavior_timeslice_110k.csv"));
        assertEquals(110_300, ev.size());
        assertEquals(66_454, distinct(ev, e -> e.user));
        assertEquals(84_793, distinct(ev, e -> e.item));
        assertEquals(3_913, distinct(ev, e -> e.category));
        Map<Behavior, Integer> byBehavior = new EnumMap<>(Behavior.class);
        long minTs = Long.MAX_VALUE;
        long maxTs = Long.MIN_VALUE;
        for (BehaviorEvent e : ev) {
            byBehavior.merge(e.behavior, 1, Integer::sum);
            minTs = Math.min(minTs, e.timestamp);
            maxTs = Math.max(maxTs, e.timestamp);
            assertEquals(1.0, e.weight);
        }
        assertEquals(
                Map.of(
                        Behavior.PV,
                        98_361,
                        Behavior.CART,
                        6_063,
                        Behavior.FAV,
                        3_383,
                        Behavior.BUY,
                        2_493),
                byBehavior);
        assertEquals(1_511_658_000_000L, minTs);
        assertEquals(1_511_665_811_000L, maxTs);
        // users with behaviour in >= 2 categories
        Map<String, Set<String>> cats = new HashMap<>();
        for (BehaviorEvent e : ev) {
            cats.computeIfAbsent(e.user, u -> new HashSet<>()).add(e.category);
        }
        assertEquals(17_344, cats.values().stream().filter(s -> s.size() >= 2).count());
    }

    @Test
    void taobaoWholeUsersFolderReadsBothFiles() throws IOException {
        List<BehaviorEvent> whole =
                readAll(
                        "taobao",
                        data.resolve("taobao-userbehavior/UserBehavior_wholeusers_113u.csv"));
        assertEquals(9_938, whole.size());
        assertEquals(113, distinct(whole, e -> e.user));
        assertEquals(7_572, distinct(whole, e -> e.item));
        assertEquals(1_095, distinct(whole, e -> e.category));
        InputPlan folder = InputFormats.resolve("taobao", data.resolve("taobao-userbehavior"));
        assertEquals(2, folder.files().size());
    }

    @Test
    void amazonAllFourPairs() throws IOException {
        List<BehaviorEvent> ev = readAll("amazon-pair", data.resolve("amazon-cdr-disencdr"));
        assertEquals(771_354, ev.size());
        // per (pair, domain): rows, users, items as in the README
        Map<String, List<BehaviorEvent>> byFolder = new TreeMap<>();
        for (BehaviorEvent e : ev) {
            String pair = e.user.substring(0, e.user.indexOf(':'));
            byFolder.computeIfAbsent(pair + "/" + e.category, k -> new ArrayList<>()).add(e);
        }
        Map<String, long[]> expected =
                Map.of(
                        "cloth-sport/sport", new long[] {92_612, 9_928, 30_796},
                        "cloth-sport/cloth", new long[] {87_829, 9_928, 39_008},
                        "phone-sport/sport", new long[] {50_558, 4_998, 20_845},
                        "phone-sport/phone", new long[] {42_446, 4_998, 13_655},
                        "electronic-phone/phone", new long[] {50_407, 3_325, 17_709},
                        "electronic-phone/electronic", new long[] {115_554, 3_325, 38_706},
                        "cloth-electronic/electronic", new long[] {210_865, 15_761, 51_447},
                        "cloth-electronic/cloth", new long[] {121_083, 15_761, 48_781});
        assertEquals(expected.keySet(), byFolder.keySet());
        for (var x : expected.entrySet()) {
            List<BehaviorEvent> rows = byFolder.get(x.getKey());
            assertEquals(x.getValue()[0], rows.size(), x.getKey() + " rows");
            assertEquals(x.getValue()[1], distinct(rows, e -> e.user), x.getKey() + " users");
            assertEquals(x.getValue()[2], distinct(rows, e -> e.item), x.getKey() + " items");
            String domain = x.getKey().substring(x.getKey().indexOf('/') + 1);
            assertTrue(
                    rows.stream()
                            .allMatch(
                                    e ->
                                            e.item.startsWith(domain + ":")
                                                    && e.behavior == Behavior.BUY));
        }
        // all users of a pair are in both of its domains: the same ids on both sides
        for (String pair :
                List.of("cloth-sport", "phone-sport", "electronic-phone", "cloth-electronic")) {
            String[] d = pair.split("-");
            Set<String> a = new HashSet<>();
            Set<String> b = new HashSet<>();
            byFolder.get(pair + "/" + d[0]).forEach(e -> a.add(e.user));
            byFolder.get(pair + "/" + d[1]).forEach(e -> b.add(e.user));
            assertEquals(a, b, pair);
        }
    }

    @Test
    void amazonOnePairFromOneDomainFolder() throws IOException {
        InputPlan plan =
                InputFormats.resolve(
                        "amazon-pair", data.resolve("amazon-cdr-disencdr/sport_phone"));
        assertEquals(
                List.of("sport_phone", "phone_sport"),
                plan.files().stream().map(p -> p.getParent().getFileName().toString()).toList());
        List<BehaviorEvent> ev =
                readAll("amazon-pair", data.resolve("amazon-cdr-disencdr/sport_phone"));
        assertEquals(50_558 + 42_446, ev.size());
        assertEquals(4_998, distinct(ev, e -> e.user));
        // the held-out file reads with the same parser and the same ids
        List<BehaviorEvent> test = new ArrayList<>();
        LocalReader.readFile(
                data.resolve("amazon-cdr-disencdr/sport_phone/test_original.txt"),
                plan.parser(),
                test::add,
                d -> {
                    throw new AssertionError(d.toString());
                });
        assertEquals(4_998, test.size());
        Set<String> users = new HashSet<>();
        ev.forEach(e -> users.add(e.user));
        assertTrue(test.stream().allMatch(e -> users.contains(e.user)));
    }

    @Test
    void doubanSharedUsers() throws IOException {
        List<BehaviorEvent> ev = readAll("douban", data.resolve("douban-book-music"));
        Map<String, List<BehaviorEvent>> byDomain = new TreeMap<>();
        ev.forEach(e -> byDomain.computeIfAbsent(e.category, k -> new ArrayList<>()).add(e));
        assertEquals(Set.of("book", "music"), byDomain.keySet());
        List<BehaviorEvent> book = byDomain.get("book");
        List<BehaviorEvent> music = byDomain.get("music");
        assertEquals(96_041, book.size());
        assertEquals(69_709, music.size());
        assertEquals(2_110, distinct(book, e -> e.user));
        assertEquals(1_672, distinct(music, e -> e.user));
        assertEquals(6_777, distinct(book, e -> e.item));
        assertEquals(5_567, distinct(music, e -> e.item));
        assertEquals(List.of(1_605L, 4_207L, 21_018L, 38_975L, 30_236L), histogram(book));
        assertEquals(List.of(1_478L, 3_215L, 13_031L, 24_805L, 27_180L), histogram(music));
        Set<String> both = new HashSet<>();
        book.forEach(e -> both.add(e.user));
        Set<String> musicUsers = new HashSet<>();
        music.forEach(e -> musicUsers.add(e.user));
        Set<String> either = new HashSet<>(both);
        either.addAll(musicUsers);
        both.retainAll(musicUsers);
        assertEquals(1_566, both.size());
        assertEquals(2_216, either.size());
    }

    static List<Long> histogram(List<BehaviorEvent> ratings) {
        long[] h = new long[5];
        for (BehaviorEvent e : ratings) {
            assertEquals(Behavior.RATING, e.behavior);
            h[(int) e.weight - 1]++;
        }
        return List.of(h[0], h[1], h[2], h[3], h[4]);
    }

    @Test
    void movieLensGenresAsCategories() throws IOException {
        Path ml = data.resolve("movielens-100k");
        InputPlan plan = InputFormats.resolve("movielens", ml);
        MovieLensParser parser = (MovieLensParser) plan.parser();
        int multi = 0;
        int onlyUnknown = 0;
        long expectedEvents = 0;
        for (int id = 1; id <= 1682; id++) {
            String[] g = parser.genresOf(id);
            multi += g.length >= 2 ? 1 : 0;
            onlyUnknown += g.length == 1 && g[0].equals("unknown") ? 1 : 0;
        }
        assertEquals(849, multi);
        assertEquals(2, onlyUnknown);
        assertEquals(
                List.of("Animation", "Children's", "Comedy"),
                List.of(parser.genresOf(1))); // Toy Story

        List<BehaviorEvent> ev = readAll("movielens", ml);
        // one rating = one (user, item); its events' weights sum back to the rating
        Map<String, Double> ratingOf = new HashMap<>();
        Map<String, Set<String>> genresOfUser = new HashMap<>();
        for (BehaviorEvent e : ev) {
            ratingOf.merge(e.user + "/" + e.item, e.weight, Double::sum);
            genresOfUser.computeIfAbsent(e.user, u -> new HashSet<>()).add(e.category);
        }
        assertEquals(100_000, ratingOf.size());
        for (String key : ratingOf.keySet()) {
            expectedEvents +=
                    parser.genresOf(Integer.parseInt(key.substring(key.indexOf('/') + 1))).length;
        }
        assertEquals(expectedEvents, ev.size());
        long[] h = new long[5];
        for (double r : ratingOf.values()) {
            long rounded = Math.round(r);
            assertEquals(rounded, r, 1e-9, "weights of a rating must sum to the rating");
            h[(int) rounded - 1]++;
        }
        assertEquals(
                List.of(6_110L, 11_370L, 27_145L, 34_174L, 21_201L),
                List.of(h[0], h[1], h[2], h[3], h[4]));
        assertEquals(943, genresOfUser.size());
        assertEquals(1_682, distinct(ev, e -> e.item));
        assertEquals(19, distinct(ev, e -> e.category));
        assertEquals(6, genresOfUser.values().stream().mapToInt(Set::size).min().orElseThrow());
        assertEquals(933, genresOfUser.values().stream().filter(s -> s.size() >= 10).count());
        assertEquals(
                874_724_710_000L,
                ev.stream().mapToLong(e -> e.timestamp).min().orElseThrow()); // 1997-09-20 03:05:10
        assertEquals(
                893_286_638_000L,
                ev.stream().mapToLong(e -> e.timestamp).max().orElseThrow()); // 1998-04-22 23:10:38
    }

    @Test
    void jsonLinesRoundTripOfRealEvents(@TempDir Path dir) throws IOException {
        List<BehaviorEvent> ev =
                readAll(
                        "taobao",
                        data.resolve("taobao-userbehavior/UserBehavior_wholeusers_113u.csv"));
        Path file = dir.resolve("events.jsonl");
        EventJson json = new EventJson();
        try (OutputStream out = Files.newOutputStream(file)) {
            for (BehaviorEvent e : ev) {
                json.encode(e, out);
            }
        }
        assertEquals(ev, readAll("jsonl", dir));
    }

    @Test
    void splitLayoutJoinsUsersAcrossBlocks(@TempDir Path dir) throws IOException {
        // the Douban files rewritten as a split layout: block = domain, rows i % 10 == 8 valid, ==
        // 9 test
        for (String domain : List.of("book", "music")) {
            Path block = Files.createDirectories(dir.resolve(domain));
            List<String> rows =
                    Files.readAllLines(
                            data.resolve("douban-book-music/douban_" + domain + "_ratings.dat"));
            try (BufferedWriter train =
                            Files.newBufferedWriter(
                                    block.resolve("train.tsv"), StandardCharsets.UTF_8);
                    BufferedWriter valid =
                            Files.newBufferedWriter(
                                    block.resolve("valid.tsv"), StandardCharsets.UTF_8);
                    BufferedWriter test =
                            Files.newBufferedWriter(
                                    block.resolve("test.tsv"), StandardCharsets.UTF_8)) {
                for (int i = 0; i < rows.size(); i++) {
                    BufferedWriter w = i % 10 == 9 ? test : i % 10 == 8 ? valid : train;
                    w.write(rows.get(i));
                    w.newLine();
                }
            }
        }
        InputPlan plan = InputFormats.resolve("split", dir);
        assertEquals(6, plan.files().size());
        List<BehaviorEvent> ev = readAll("split", dir);
        assertEquals(96_041 + 69_709, ev.size());
        Map<String, Set<String>> blocksOfUser = new HashMap<>();
        ev.forEach(e -> blocksOfUser.computeIfAbsent(e.user, u -> new HashSet<>()).add(e.category));
        assertEquals(2_216, blocksOfUser.size());
        assertEquals(1_566, blocksOfUser.values().stream().filter(s -> s.size() == 2).count());
        assertTrue(
                ev.stream()
                        .allMatch(
                                e ->
                                        e.behavior == Behavior.RATING
                                                && e.item.startsWith(e.category + ":")));
        // one block folder alone
        assertEquals(3, InputFormats.resolve("split", dir.resolve("book")).files().size());
    }
}

package io.crossinterest.ingest;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.event.DeadLetter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each parser on valid records and on each kind of malformed record, with the reason code it must
 * give.
 */
class ParsersTest {
    /** 2023-11-14T22:13:20Z; with a 1-day skew the latest accepted time is 1700086400000. */
    static final long REF = 1_700_000_000_000L;

    static final ParseLimits LIMITS =
            ParseLimits.DEFAULTS
                    .withReferenceTime(REF)
                    .withMaxFutureSkew(Duration.ofDays(1))
                    .withMaxFieldChars(32);

    static List<BehaviorEvent> parse(RecordParser p, String source, String text) {
        List<BehaviorEvent> out = new ArrayList<>();
        DeadLetter d = ParseStep.parseOrDeadLetter(p, new RawRecord(source, 7, text), out::add);
        assertNull(d, () -> "unexpected dead letter " + d);
        return out;
    }

    /**
     * The reason code of the dead letter {@code text} must give; also checks nothing was emitted.
     */
    static String reject(RecordParser p, String source, String text) {
        List<BehaviorEvent> out = new ArrayList<>();
        DeadLetter d = ParseStep.parseOrDeadLetter(p, new RawRecord(source, 7, text), out::add);
        assertTrue(d != null, () -> "accepted '" + text + "' as " + out);
        assertTrue(out.isEmpty(), "a rejected record emitted events");
        assertEquals(source, d.source);
        assertEquals(7, d.position);
        assertEquals(text, d.raw);
        RejectReason r = RejectReason.ofMessage(d.reason);
        assertTrue(r != null, () -> "reason without a known code: " + d.reason);
        return r.code();
    }

    @Test
    void taobaoValid() {
        TaobaoParser p = new TaobaoParser(LIMITS);
        assertEquals(
                List.of(
                        new BehaviorEvent(
                                "543462", "1715", "1464116", Behavior.PV, 1.0, 1511658000_000L)),
                parse(p, "f", "543462,1715,1464116,pv,1511658000"));
        assertEquals(Behavior.CART, parse(p, "f", "1,2,3,cart,0").get(0).behavior);
        assertEquals(Behavior.FAV, parse(p, "f", "1,2,3,fav,0").get(0).behavior);
        assertEquals(Behavior.BUY, parse(p, "f", "1,2,3,buy,0").get(0).behavior);
        // inside the skew: reference + 1 day exactly is the latest accepted second
        assertEquals(1_700_086_400_000L, parse(p, "f", "1,2,3,pv,1700086400").get(0).timestamp);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''|empty",
                "'  '|empty",
                "1,2,3,pv|column_count",
                "1,2,3,pv,5,6|column_count",
                "1|column_count",
                "a,2,3,pv,5|not_a_number",
                "1,2,3,pv,1e9|not_a_number",
                "1,2,3,pv,+5|not_a_number",
                "1,2,3,pv,-|not_a_number",
                "1,2,3,pv,9223372036854775808|not_a_number",
                "1,,3,pv,5|missing_field",
                "1,2,3,pv,-1|negative_timestamp",
                "1,2,3,pv,1700086401|future_timestamp",
                "1,2,3,pv,9223372036854775807|future_timestamp",
                "1,2,3,click,5|unknown_behavior",
                "1,2,3,Pv,5|unknown_behavior",
                "123456789012345678901234567890123,2,3,pv,5|oversized_field",
            })
    void taobaoRejects(String line, String code) {
        assertEquals(code, reject(new TaobaoParser(LIMITS), "f", line));
    }

    @Test
    void encodingAndTruncationComeFirst() {
        TaobaoParser p = new TaobaoParser(LIMITS);
        List<BehaviorEvent> out = new ArrayList<>();
        DeadLetter bad =
                ParseStep.parseOrDeadLetter(p, new RawRecord("f", 3, "1,2,3,pv,5", true), out::add);
        assertTrue(bad.reason.startsWith("bad_utf8: "), bad.reason);
        DeadLetter cut =
                ParseStep.parseOrDeadLetter(
                        p, new RawRecord("f", 3, "1,2,3,pv,5", false, true), out::add);
        assertTrue(cut.reason.startsWith("oversized_record: "), cut.reason);
        assertTrue(out.isEmpty());
    }

    @Test
    void amazonNamespacesUsersByPairAndItemsByDomain() {
        AmazonPairParser p = new AmazonPairParser(LIMITS);
        BehaviorEvent a = parse(p, "/d/sport_cloth/train.txt", "17\t23761\t1").get(0);
        BehaviorEvent b = parse(p, "/d/cloth_sport/train.txt", "17\t5\t1").get(0);
        assertEquals(
                new BehaviorEvent("cloth-sport:17", "sport:23761", "sport", Behavior.BUY, 1.0, 0L),
                a);
        assertEquals(
                new BehaviorEvent("cloth-sport:17", "cloth:5", "cloth", Behavior.BUY, 1.0, 0L), b);
        assertEquals("column_count", reject(p, "/d/sport_cloth/train.txt", "17\t5"));
        assertEquals("not_a_number", reject(p, "/d/sport_cloth/train.txt", "17\tx\t1"));
        assertEquals("bad_weight", reject(p, "/d/sport_cloth/train.txt", "17\t5\t0"));
        assertEquals("bad_weight", reject(p, "/d/sport_cloth/train.txt", "17\t5\tNaN"));
        assertEquals("bad_source", reject(p, "/d/sportcloth/train.txt", "17\t5\t1"));
    }

    @Test
    void doubanTakesTheDomainFromTheFileName() {
        DoubanParser p = new DoubanParser(LIMITS);
        assertEquals(
                new BehaviorEvent("1", "book:1630", "book", Behavior.RATING, 4.0, 0L),
                parse(p, "/x/douban_book_ratings.dat", "1\t1630\t4").get(0));
        assertEquals(
                "music", parse(p, "/x/douban_music_ratings.dat", "1\t1630\t4").get(0).category);
        assertEquals("movies", parse(p, "movies.tsv", "1\t2\t5").get(0).category);
        assertEquals("bad_weight", reject(p, "/x/douban_book_ratings.dat", "1\t2\t6"));
        assertEquals("bad_weight", reject(p, "/x/douban_book_ratings.dat", "1\t2\t0"));
        assertEquals("not_a_number", reject(p, "/x/douban_book_ratings.dat", "1\t2\tfive"));
        assertEquals("column_count", reject(p, "/x/douban_book_ratings.dat", "1\t2\t3\t4"));
    }

    @Test
    void movieLensSpreadsARatingEvenlyOverTheGenres() {
        String[][] genres = new String[4][];
        genres[1] = new String[] {"Animation", "Children's", "Comedy"};
        genres[2] = new String[] {"Drama"};
        MovieLensParser p = new MovieLensParser(genres, LIMITS);
        List<BehaviorEvent> three = parse(p, "u.data", "196\t1\t3\t881250949");
        assertEquals(3, three.size());
        for (BehaviorEvent e : three) {
            assertEquals(1.0, e.weight, 1e-12); // 3 / 3 genres
            assertEquals("1", e.item);
            assertEquals(881250949_000L, e.timestamp);
        }
        assertEquals(
                List.of("Animation", "Children's", "Comedy"),
                three.stream().map(e -> e.category).toList());
        assertEquals(5.0, parse(p, "u.data", "196\t2\t5\t881250949").get(0).weight);
        assertEquals("unknown_item", reject(p, "u.data", "196\t3\t5\t881250949"));
        assertEquals("unknown_item", reject(p, "u.data", "196\t99\t5\t881250949"));
        assertEquals("bad_weight", reject(p, "u.data", "196\t1\t0\t881250949"));
        assertEquals("column_count", reject(p, "u.data", "196\t1\t3"));
        assertEquals("negative_timestamp", reject(p, "u.data", "196\t1\t3\t-1"));
    }

    @Test
    void splitLayout() {
        SplitParser p = new SplitParser(LIMITS);
        assertEquals(
                new BehaviorEvent("u1", "book:i9", "book", Behavior.PV, 1.0, 0L),
                parse(p, "/s/book/train.tsv", "u1\ti9").get(0));
        assertEquals(
                new BehaviorEvent("u1", "music:i9", "music", Behavior.RATING, 2.5, 0L),
                parse(p, "/s/music/test.tsv", "u1\ti9\t2.5").get(0));
        assertEquals("bad_weight", reject(p, "/s/book/train.tsv", "u1\ti9\tNaN"));
        assertEquals("bad_weight", reject(p, "/s/book/train.tsv", "u1\ti9\tInfinity"));
        assertEquals("bad_weight", reject(p, "/s/book/train.tsv", "u1\ti9\t1e400"));
        assertEquals("bad_weight", reject(p, "/s/book/train.tsv", "u1\ti9\t-1"));
        assertEquals("not_a_number", reject(p, "/s/book/train.tsv", "u1\ti9\tabc"));
        assertEquals("column_count", reject(p, "/s/book/train.tsv", "u1"));
        assertEquals("column_count", reject(p, "/s/book/train.tsv", "u1\ti9\t1\t2"));
        assertEquals("missing_field", reject(p, "/s/book/train.tsv", "\ti9"));
        assertEquals("bad_source", reject(p, "train.tsv", "u1\ti9"));
    }

    @Test
    void jsonValidAndRoundTrip() {
        JsonLinesParser p = new JsonLinesParser(LIMITS);
        BehaviorEvent e =
                parse(
                                p,
                                "t-0",
                                "{\"user\":\"u1\",\"item\":42,\"category\":\"c\",\"behavior\":\"cart\",\"timestamp\":1511658000000,"
                                        + "\"extra\":{\"a\":[1,2]}}")
                        .get(0);
        assertEquals(new BehaviorEvent("u1", "42", "c", Behavior.CART, 1.0, 1511658000000L), e);
        BehaviorEvent rating =
                new BehaviorEvent("u\"2", "i\u00e9", "c\u4e2d", Behavior.RATING, 3.5, 5L);
        assertEquals(rating, parse(p, "t-0", new EventJson().toJson(rating)).get(0));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"user\":\"u\",\"item\":\"i\",\"category\":\"c\",\"behavior\":\"pv\",\"timestamp\":1|bad_json",
                "[1,2]|bad_json",
                "not json|bad_json",
                "{\"user\":\"u\",\"item\":\"i\",\"category\":\"c\",\"behavior\":\"pv\",\"timestamp\":1} x|bad_json",
                "{\"user\":\"u\",\"user\":\"v\",\"item\":\"i\",\"category\":\"c\",\"behavior\":\"pv\",\"timestamp\":1}|bad_json",
                "{\"user\":true,\"item\":\"i\",\"category\":\"c\",\"behavior\":\"pv\",\"timestamp\":1}|bad_json",
                "{\"user\":1.5,\"item\":\"i\",\"category\":\"c\",\"behavior\":\"pv\",\"timestamp\":1}|bad_json",
                "{\"item\":\"i\",\"category\":\"c\",\"behavior\":\"pv\",\"timestamp\":1}|missing_field",
                "{\"user\":null,\"item\":\"i\",\"category\":\"c\",\"behavior\":\"pv\",\"timestamp\":1}|missing_field",
                "{\"user\":\"u\",\"item\":\"i\",\"category\":\"c\",\"behavior\":\"pv\"}|missing_field",
                "{\"user\":\"u\",\"item\":\"i\",\"category\":\"c\",\"behavior\":\"rating\",\"timestamp\":1}|missing_field",
                "{\"user\":\"\",\"item\":\"i\",\"category\":\"c\",\"behavior\":\"pv\",\"timestamp\":1}|missing_field",
                "{\"user\":\"u\",\"item\":\"i\",\"category\":\"c\",\"behavior\":\"like\",\"timestamp\":1}|unknown_behavior",
                "{\"user\":\"u\",\"item\":\"i\",\"category\":\"c\",\"behavior\":\"pv\",\"timestamp\":\"1\"}|not_a_number",
                "{\"user\":\"u\",\"item\":\"i\",\"category\":\"c\",\"behavior\":\"pv\",\"timestamp\":1.5}|not_a_number",
                "{\"user\":\"u\",\"item\":\"i\",\"category\":\"c\",\"behavior\":\"pv\",\"timestamp\":99999999999999999999}|not_a_number",
                "{\"user\":\"u\",\"item\":\"i\",\"category\":\"c\",\"behavior\":\"pv\",\"weight\":\"NaN\",\"timestamp\":1}|not_a_number",
                "{\"user\":\"u\",\"item\":\"i\",\"category\":\"c\",\"behavior\":\"pv\",\"weight\":1e400,\"timestamp\":1}|bad_weight",
                "{\"user\":\"u\",\"item\":\"i\",\"category\":\"c\",\"behavior\":\"pv\",\"weight\":-2,\"timestamp\":1}|bad_weight",
                "{\"user\":\"u\",\"item\":\"i\",\"category\":\"c\",\"behavior\":\"pv\",\"timestamp\":-1}|negative_timestamp",
                "{\"user\":\"u\",\"item\":\"i\",\"category\":\"c\",\"behavior\":\"pv\",\"timestamp\":1700086400001}|future_timestamp",
                "{\"user\":\"123456789012345678901234567890123\",\"item\":\"i\",\"category\":\"c\",\"behavior\":\"pv\",\"timestamp\":1}|oversized_field",
            })
    void jsonRejects(String line, String code) {
        assertEquals(code, reject(new JsonLinesParser(LIMITS), "t-0", line));
    }

    @Test
    void aParserBugBecomesADeadLetterNotAFailure() {
        RecordParser buggy =
                (r, out) -> {
                    throw new IllegalStateException("boom");
                };
        DeadLetter d = ParseStep.parseOrDeadLetter(buggy, new RawRecord("s", 1, "x"), e -> {});
        assertEquals(RejectReason.PARSER_ERROR, RejectReason.ofMessage(d.reason));
        assertTrue(d.reason.contains("boom"));
    }

    @Test
    void wallClockIsTheDefaultReference() {
        long now = System.currentTimeMillis();
        long latest = ParseLimits.DEFAULTS.latestAcceptedTimestamp();
        assertTrue(
                latest >= now + Duration.ofDays(1).toMillis()
                        && latest < now + Duration.ofDays(2).toMillis());
    }
}

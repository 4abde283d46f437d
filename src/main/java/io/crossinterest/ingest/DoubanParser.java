package io.crossinterest.ingest;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;

import java.util.function.Consumer;

/**
 * Douban ratings, one domain per file ({@code douban_book_ratings.dat}, {@code
 * douban_music_ratings.dat}): {@code user<TAB>item<TAB>rating} lines, no header, rating 1..5, no
 * time column.
 *
 * <p>The category is the domain named by the file: {@code douban_<domain>_ratings.<ext>} gives
 * {@code <domain>}; any other file name gives its base name without extension. User ids are one id
 * space across the domains (the same Douban user) and are kept as they are; item ids are per
 * domain, so an item is {@code "<domain>:<item>"}. Each row is a {@link Behavior#RATING} event
 * whose weight is the rating; timestamps are 0.
 */
public final class DoubanParser extends LineParser {
    private static final long serialVersionUID = 1L;

    private static final String LAYOUT = "3 tab-separated columns user<TAB>item<TAB>rating";

    private transient FromSource current;

    public DoubanParser(ParseLimits limits) {
        super(limits);
    }

    /**
     * The domain a Douban file name stands for, e.g. {@code book} for {@code
     * douban_book_ratings.dat}.
     */
    public static String domainOf(String fileName) {
        int dot = fileName.lastIndexOf('.');
        String base = dot > 0 ? fileName.substring(0, dot) : fileName;
        if (base.startsWith("douban_")
                && base.endsWith("_ratings")
                && base.length() > "douban__ratings".length()) {
            return base.substring("douban_".length(), base.length() - "_ratings".length());
        }
        return base;
    }

    @Override
    protected void parseLine(String source, String text, Consumer<BehaviorEvent> out)
            throws MalformedRecordException {
        FromSource from = current;
        if (from == null || !from.source().equals(source)) {
            String d = domainOf(fileName(source));
            if (d.isEmpty()) {
                throw RejectReason.BAD_SOURCE.exception(
                        "source " + source + " does not name a domain");
            }
            from = new FromSource(source, d, "", d + ":");
            current = from;
        }
        int[] c = columns(text, '\t', 3, 3, LAYOUT);
        String user = numericId(text, 0, c[1], "user");
        String item = numericId(text, c[1] + 1, c[2], "item");
        double rating = rating(text, c[2] + 1, c[3], 1, 5);
        out.accept(
                new BehaviorEvent(
                        user,
                        from.itemPrefix() + item,
                        from.category(),
                        Behavior.RATING,
                        rating,
                        0L));
    }
}

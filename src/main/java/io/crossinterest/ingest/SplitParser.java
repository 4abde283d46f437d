package io.crossinterest.ingest;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;

import java.util.function.Consumer;

/**
 * The generic split layout: a folder per block (e.g. {@code book/}, {@code music/}) holding {@code
 * train.tsv}, {@code valid.tsv} and {@code test.tsv} of {@code user<TAB>item[<TAB>weight]} lines,
 * no header. It lets anyone evaluate on an external benchmark split without code changes
 * (docs/architecture.md §5).
 *
 * <p>The category is the block, taken from the folder name in the record's source path. Users are
 * joined by id across blocks, so user ids are kept as they are (any non-empty string without tabs).
 * Item ids are per block, so an item is {@code "<block>:<item>"}. A row with a weight is a {@link
 * Behavior#RATING} event of that weight (finite, non-negative); a row without is a {@link
 * Behavior#PV} event of weight 1, the unit implicit interaction. Timestamps are 0.
 */
public final class SplitParser extends LineParser {
    private static final long serialVersionUID = 1L;

    /** The file names a block folder holds, in reading order. */
    public static final String[] FILES = {"train.tsv", "valid.tsv", "test.tsv"};

    private static final String LAYOUT = "2 or 3 tab-separated columns user<TAB>item[<TAB>weight]";

    private transient FromSource current;

    public SplitParser(ParseLimits limits) {
        super(limits);
    }

    @Override
    protected void parseLine(String source, String text, Consumer<BehaviorEvent> out)
            throws MalformedRecordException {
        FromSource from = current;
        if (from == null || !from.source().equals(source)) {
            String b = parentName(source);
            if (b.isEmpty()) {
                throw RejectReason.BAD_SOURCE.exception(
                        "source " + source + " is not inside a block folder");
            }
            from = new FromSource(source, b, "", b + ":");
            current = from;
        }
        int[] c = columns(text, '\t', 2, 3, LAYOUT);
        String user = field(text, 0, c[1], "user");
        String item = field(text, c[1] + 1, c[2], "item");
        if (c.length == 4) {
            double w = weight(text, c[2] + 1, c[3], "weight");
            out.accept(
                    new BehaviorEvent(
                            user,
                            from.itemPrefix() + item,
                            from.category(),
                            Behavior.RATING,
                            w,
                            0L));
        } else {
            out.accept(
                    new BehaviorEvent(
                            user, from.itemPrefix() + item, from.category(), Behavior.PV, 1.0, 0L));
        }
    }
}

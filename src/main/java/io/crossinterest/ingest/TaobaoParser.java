package io.crossinterest.ingest;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;

import java.util.function.Consumer;

/**
 * Taobao UserBehavior CSV: {@code user,item,category,behavior,timestamp}, no header; ids are
 * non-negative integers, behaviour one of {@code pv, cart, fav, buy} (strictly: the data set's
 * vocabulary), timestamp Unix seconds. Gives one event of weight 1 with the timestamp in epoch ms;
 * the profile step weights it by behaviour.
 *
 * <p>This is the stream benchmark's hot path, so the split is written by hand: four {@code
 * indexOf(',')} calls, digit checks and the timestamp parsed in place, behaviour matched without a
 * substring. The only allocations are the three id strings and the event. A general CSV reader
 * (quotes, escapes) would cost more and buys nothing here: the format has no quoting, and a line
 * with a quote character is rejected by the numeric-id checks.
 */
public final class TaobaoParser extends LineParser {
    private static final long serialVersionUID = 1L;

    private static final String LAYOUT =
            "5 comma-separated columns user,item,category,behavior,timestamp";

    public TaobaoParser(ParseLimits limits) {
        super(limits);
    }

    @Override
    protected void parseLine(String source, String text, Consumer<BehaviorEvent> out)
            throws MalformedRecordException {
        int c1 = text.indexOf(',');
        int c2 = c1 < 0 ? -1 : text.indexOf(',', c1 + 1);
        int c3 = c2 < 0 ? -1 : text.indexOf(',', c2 + 1);
        int c4 = c3 < 0 ? -1 : text.indexOf(',', c3 + 1);
        if (c4 < 0 || text.indexOf(',', c4 + 1) >= 0) {
            throw RejectReason.COLUMN_COUNT.exception(
                    "expected " + LAYOUT + ", got " + countColumns(text));
        }
        String user = numericId(text, 0, c1, "user");
        String item = numericId(text, c1 + 1, c2, "item");
        String category = numericId(text, c2 + 1, c3, "category");
        Behavior behavior = behavior(text, c3 + 1, c4);
        long timestamp = epochSecondsAsMillis(text, c4 + 1, text.length(), "timestamp");
        out.accept(new BehaviorEvent(user, item, category, behavior, 1.0, timestamp));
    }

    private Behavior behavior(String text, int from, int to) throws MalformedRecordException {
        checkLength(text, from, to, "behavior");
        switch (to - from) {
            case 2:
                if (text.startsWith("pv", from)) {
                    return Behavior.PV;
                }
                break;
            case 3:
                if (text.startsWith("buy", from)) {
                    return Behavior.BUY;
                }
                if (text.startsWith("fav", from)) {
                    return Behavior.FAV;
                }
                break;
            case 4:
                if (text.startsWith("cart", from)) {
                    return Behavior.CART;
                }
                break;
            default:
                break;
        }
        throw RejectReason.UNKNOWN_BEHAVIOR.exception(
                "behavior: " + quote(text, from, to) + " is not one of pv, cart, fav, buy");
    }

    private static int countColumns(String text) {
        int n = 1;
        for (int i = text.indexOf(','); i >= 0; i = text.indexOf(',', i + 1)) {
            n++;
        }
        return n;
    }
}

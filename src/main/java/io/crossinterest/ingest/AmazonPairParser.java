package io.crossinterest.ingest;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;

import java.util.function.Consumer;

/**
 * The Amazon pair layout of DisenCDR ({@code ../shared/data/amazon-cdr-disencdr}): a folder {@code
 * A_B} holds domain A's interactions of the pair A–B as {@code user<TAB>item<TAB>1} lines (no
 * header), its sibling {@code B_A} holds domain B's. The domain, and so the category, comes from
 * the folder name in the record's source path.
 *
 * <p>Ids are made unambiguous for a job that reads several folders at once:
 *
 * <ul>
 *   <li>item ids are per domain, so an item is {@code "<domain>:<item>"}, e.g. {@code sport:123};
 *   <li>user ids are shared by the two folders of one pair (the same person) but mean nothing
 *       across pairs, so a user is {@code "<pair>:<user>"} where the pair is the two domain names
 *       in alphabetical order joined by {@code -}, e.g. {@code cloth-sport:17} in both {@code
 *       sport_cloth} and {@code cloth_sport}.
 * </ul>
 *
 * The label column is the event weight (always 1 in the data set; must be a positive number). The
 * behaviour is {@link Behavior#BUY}: the rows are Amazon product reviews, which the cross-domain
 * literature reads as purchases. All events of the data set share that kind, so the choice only
 * scales a profile uniformly. There is no time column: timestamps are 0.
 */
public final class AmazonPairParser extends LineParser {
    private static final long serialVersionUID = 1L;

    private static final String LAYOUT = "3 tab-separated columns user<TAB>item<TAB>label";

    private transient FromSource current;

    public AmazonPairParser(ParseLimits limits) {
        super(limits);
    }

    /**
     * The domain (A) and the pair key of a folder name {@code A_B}, or null if the name does not
     * have that form. Returns {@code {domain, pairKey}}.
     */
    public static String[] domainAndPair(String folderName) {
        int u = folderName.indexOf('_');
        if (u <= 0 || u == folderName.length() - 1 || folderName.indexOf('_', u + 1) >= 0) {
            return null;
        }
        String a = folderName.substring(0, u);
        String b = folderName.substring(u + 1);
        String pair = a.compareTo(b) <= 0 ? a + "-" + b : b + "-" + a;
        return new String[] {a, pair};
    }

    @Override
    protected void parseLine(String source, String text, Consumer<BehaviorEvent> out)
            throws MalformedRecordException {
        FromSource from = current;
        if (from == null || !from.source().equals(source)) {
            String[] dp = domainAndPair(parentName(source));
            if (dp == null) {
                throw RejectReason.BAD_SOURCE.exception(
                        "source " + source + " is not in a folder named <domain>_<other domain>");
            }
            from = new FromSource(source, dp[0], dp[1] + ":", dp[0] + ":");
            current = from;
        }
        int[] c = columns(text, '\t', 3, 3, LAYOUT);
        String user = numericId(text, 0, c[1], "user");
        String item = numericId(text, c[1] + 1, c[2], "item");
        double label = weight(text, c[2] + 1, c[3], "label");
        if (label == 0) {
            throw RejectReason.BAD_WEIGHT.exception("label: 0 is not an interaction");
        }
        out.accept(
                new BehaviorEvent(
                        from.userPrefix() + user,
                        from.itemPrefix() + item,
                        from.category(),
                        Behavior.BUY,
                        label,
                        0L));
    }
}

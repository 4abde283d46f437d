package io.crossinterest.bench;

import io.crossinterest.event.Behavior;
import io.crossinterest.event.BehaviorEvent;
import io.crossinterest.ingest.AmazonPairParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Puts a Taobao replay's events into the id space of a model trained on an Amazon pair (the bundled
 * demo pair), so the live graph's scoring stage has source-block behaviour to score: the replay
 * keeps its users, their number of events, the behaviour mix and the order, and each event is
 * mapped
 *
 * <pre>
 *   category c even -> the source domain (e.g. sport), odd -> the target domain (e.g. phone)
 *   item i          -> that domain's (i mod m)-th item of the pair's training rows ("sport:123", as the parser names it)
 * </pre>
 *
 * Users are {@code tb-<re-keyed user>}. The mapping is deterministic; its only purpose is that the
 * events mean something to the model, not that they are good recommendations.
 */
public final class PairMapping {
    private final String sourceDomain;
    private final String targetDomain;
    private final String[] sourceItems;
    private final String[] targetItems;

    PairMapping(
            String sourceDomain, String targetDomain, String[] sourceItems, String[] targetItems) {
        this.sourceDomain = sourceDomain;
        this.targetDomain = targetDomain;
        this.sourceItems = sourceItems;
        this.targetItems = targetItems;
    }

    /**
     * The mapping onto the pair of folders {@code A_B} (source) and {@code B_A} (target), from
     * their train.txt.
     */
    public static PairMapping of(Path sourceFolder, Path targetFolder) throws IOException {
        String[] s = AmazonPairParser.domainAndPair(sourceFolder.getFileName().toString());
        String[] t = AmazonPairParser.domainAndPair(targetFolder.getFileName().toString());
        if (s == null || t == null) {
            throw new IOException(
                    "not an Amazon pair folder (A_B): " + sourceFolder + " / " + targetFolder);
        }
        return new PairMapping(
                s[0],
                t[0],
                items(s[0], sourceFolder.resolve("train.txt")),
                items(t[0], targetFolder.resolve("train.txt")));
    }

    private static String[] items(String domain, Path train) throws IOException {
        Set<String> ids = new LinkedHashSet<>();
        try (BufferedReader r = Files.newBufferedReader(train, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split("\t");
                if (f.length >= 2) {
                    ids.add(domain + ":" + f[1]);
                }
            }
        }
        if (ids.isEmpty()) {
            throw new IOException("no items in " + train);
        }
        List<String> list = new ArrayList<>(ids);
        return list.toArray(String[]::new);
    }

    /** Event g of {@code replay}, mapped, stamped {@code timestampMs}. */
    public BehaviorEvent event(Replay replay, long g, long timestampMs) {
        boolean source = replay.category(g) % 2 == 0;
        String[] items = source ? sourceItems : targetItems;
        String item = items[(int) Math.floorMod(replay.item(g), (long) items.length)];
        return new BehaviorEvent(
                "tb-" + replay.user(g),
                item,
                source ? sourceDomain : targetDomain,
                Behavior.parse(replay.behavior(g)),
                1.0,
                timestampMs);
    }
}

package io.crossinterest.eval;

import io.crossinterest.data.Ranking;
import io.crossinterest.ingest.InputSpecException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Given candidate lists, to reproduce a paper's sampled protocol on its own negatives ({@code
 * evaluate --candidates}). One line per list: {@code user item item …} (whitespace separated), the
 * user's held-out positive among the items.
 *
 * <p>For each list of a test user, each item of the list that is a prediction target of the user (a
 * hidden test item that is not seen: {@link CrossDomainSplit#markSeen}) is ranked against the
 * list's other items that are not hidden positives of the user; its rank r (1 = best, ties broken
 * by {@link Ranking#tieKey}) gives {@code candidates.mrr} = 1/r, {@code candidates.ndcg@k} = [r ≤
 * k]/log2(r + 1) and {@code candidates.hr@k} = [r ≤ k], averaged over all positives of all lists.
 * Lists of users who are not test users are not read; lists without a positive are counted ({@link
 * #listsWithoutPositive}) and left out.
 */
public final class CandidateLists {
    public static final String C_MRR = "candidates.mrr";
    public static final String C_NDCG_10 = "candidates.ndcg@10";
    public static final String C_HR_1 = "candidates.hr@1";
    public static final String C_HR_5 = "candidates.hr@5";
    public static final String C_HR_10 = "candidates.hr@10";
    public static final List<String> METRICS = List.of(C_MRR, C_NDCG_10, C_HR_1, C_HR_5, C_HR_10);

    /** user id → its lists of item ids, in file order. */
    private final Map<String, List<String[]>> lists;

    private final Path file;

    private CandidateLists(Path file, Map<String, List<String[]>> lists) {
        this.file = file;
        this.lists = lists;
    }

    /**
     * Reads a candidate file; an unreadable file or a line with fewer than two items is an input
     * error naming it.
     */
    public static CandidateLists read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputSpecException("--candidates: no such file: " + file);
        }
        Map<String, List<String[]>> lists = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] f = t.split("\\s+");
                if (f.length < 3) {
                    throw new InputSpecException(
                            "--candidates: "
                                    + file
                                    + ":"
                                    + lineNo
                                    + ": expected 'user item item ...' with at least two items, got '"
                                    + abbreviate(t)
                                    + "'");
                }
                String[] items = new String[f.length - 1];
                System.arraycopy(f, 1, items, 0, items.length);
                lists.computeIfAbsent(f[0], k -> new ArrayList<>()).add(items);
            }
        } catch (IOException e) {
            throw new InputSpecException(
                    "--candidates: cannot read " + file + ": " + e.getMessage());
        }
        if (lists.isEmpty()) {
            throw new InputSpecException("--candidates: " + file + " has no candidate list");
        }
        return new CandidateLists(file, lists);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }

    /**
     * Counts of one evaluation: lists read for test users, of which without a positive, and ranked
     * positives.
     */
    public record Coverage(int lists, int listsWithoutPositive, int positives) {}

    /**
     * The candidate metrics of {@code scorer} on the test users of {@code split} (means over ranked
     * positives) into {@code out}; returns the coverage. An item unknown to the split's target
     * catalogue is an input error.
     */
    public Coverage evaluate(
            CrossDomainSplit split,
            ColdStartEvaluator.UserScorer scorer,
            long seed,
            Map<String, Double> out) {
        double[] scores = new double[split.numTargetItems()];
        boolean[] seen = new boolean[split.numTargetItems()];
        boolean[] positive = new boolean[split.numTargetItems()];
        RankingMetrics.PositiveRanks ranks = new RankingMetrics.PositiveRanks();
        int numLists = 0;
        int withoutPositive = 0;
        for (int u : split.testColdUsers) {
            List<String[]> userLists = lists.get(split.users.id(u));
            if (userLists == null) {
                continue;
            }
            Arrays.fill(scores, 0);
            scorer.scoreItems(u, scores);
            split.markSeen(u, seen, true, true);
            for (int k = split.targetTest.rowStart(u); k < split.targetTest.rowEnd(u); k++) {
                positive[split.targetTest.col(k)] = !seen[split.targetTest.col(k)];
            }
            long salt = seed * 0x632BE59BD9B4E019L + u;
            for (String[] list : userLists) {
                numLists++;
                int[] items = new int[list.length];
                for (int i = 0; i < list.length; i++) {
                    items[i] = split.targetItemIndex(list[i]);
                    if (items[i] < 0) {
                        throw new InputSpecException(
                                "--candidates: "
                                        + file
                                        + ": item '"
                                        + list[i]
                                        + "' of user '"
                                        + split.users.id(u)
                                        + "' is not in the target block");
                    }
                }
                double[] negScores = new double[items.length];
                double[] negKeys = new double[items.length];
                int numNeg = 0;
                for (int i : items) {
                    if (!positive[i] && !seen[i]) {
                        negScores[numNeg] = scores[i];
                        negKeys[numNeg++] = Ranking.tieKey(salt, i);
                    }
                }
                double[] ns = Arrays.copyOf(negScores, numNeg);
                double[] nk = Arrays.copyOf(negKeys, numNeg);
                int posInList = 0;
                for (int i : items) {
                    if (!positive[i]) {
                        continue;
                    }
                    ranks.add(RankingMetrics.rankAmong(scores[i], Ranking.tieKey(salt, i), ns, nk));
                    posInList++;
                }
                withoutPositive += posInList == 0 ? 1 : 0;
            }
            split.markSeen(u, seen, false, true);
            for (int k = split.targetTest.rowStart(u); k < split.targetTest.rowEnd(u); k++) {
                positive[split.targetTest.col(k)] = false;
            }
        }
        if (ranks.count() == 0) {
            throw new InputSpecException(
                    "--candidates: "
                            + file
                            + ": no list contains a held-out test item of a test"
                            + " user ("
                            + numLists
                            + " lists of test users read)");
        }
        out.put(C_MRR, ranks.mrr());
        out.put(C_NDCG_10, ranks.ndcg10());
        out.put(C_HR_1, ranks.hr1());
        out.put(C_HR_5, ranks.hr5());
        out.put(C_HR_10, ranks.hr10());
        return new Coverage(numLists, withoutPositive, ranks.count());
    }
}

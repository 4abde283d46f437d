package io.crossinterest.joint;

import io.crossinterest.data.CrossDomainData;
import io.crossinterest.encoder.EncoderConfig;
import io.crossinterest.encoder.SourceTokenizer;
import io.crossinterest.encoder.TokenScheme;

import java.util.Arrays;
import java.util.Random;

/**
 * What every step of one {@link JointEstimator#fit} reads: the data, the settings, the tokenizer
 * and the encoder's configuration (with the tokenizer's vocabulary), every user's source tokens,
 * and the users split by role ({@link Users}).
 */
record FitInput(
        CrossDomainData data,
        JointParams params,
        SourceTokenizer tokenizer,
        EncoderConfig encoder,
        int[][] userTokens,
        Users users) {

    /**
     * The users of a fit: {@code train}, the warm users with source and target rows that train the
     * network, less a seeded slice {@code validWarm} ({@link JointParams#validFraction}) whose loss
     * selects the epoch when there are no validation cold users; {@code validCold}, the validation
     * cold users with hidden rows, on whose NDCG@10 the fit selects.
     */
    record Users(int[] train, int[] validWarm, int[] validCold) {}

    static FitInput of(CrossDomainData data, JointParams params) {
        SourceTokenizer tokenizer = SourceTokenizer.forSplit(data, params.encoder);
        EncoderConfig encoder = params.encoder.withVocabSize(tokenizer.vocabSize());
        int[][] userTokens = tokenizer.userTokens(data);
        // training users: warm users with source behaviour; a seeded slice of them validates the
        // loss
        int[] warm =
                Arrays.stream(data.warmUsers)
                        .filter(u -> data.targetTrain.rowLength(u) > 0 && userTokens[u].length > 0)
                        .toArray();
        shuffle(warm, new Random(params.seed));
        int nValid = Math.max(1, (int) Math.round(params.validFraction * warm.length));
        int[] validWarm = Arrays.copyOfRange(warm, 0, Math.min(nValid, warm.length));
        int[] train = Arrays.copyOfRange(warm, validWarm.length, warm.length);
        if (train.length == 0) {
            throw new IllegalArgumentException(
                    "no warm users with both source and target rows to train on");
        }
        // model selection on the validation cold users (NDCG@10), or without any on the warm
        // slice's loss
        int[] validCold =
                data.validColdUsers == null
                        ? new int[0]
                        : Arrays.stream(data.validColdUsers)
                                .filter(
                                        u ->
                                                data.targetValid != null
                                                        && u < data.targetValid.numRows()
                                                        && data.targetValid.rowLength(u) > 0)
                                .toArray();
        return new FitInput(
                data,
                params,
                tokenizer,
                encoder,
                userTokens,
                new Users(train, validWarm, validCold));
    }

    boolean itemTokens() {
        return tokenizer.scheme() == TokenScheme.ITEMS;
    }

    /** K, the number of target categories (at least 1). */
    int numCategories() {
        return Math.max(1, data.targetCategories == null ? 1 : data.targetCategories.size());
    }

    static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}

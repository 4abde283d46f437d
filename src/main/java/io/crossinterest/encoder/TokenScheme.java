package io.crossinterest.encoder;

import java.util.Locale;

/**
 * What a token of the encoder's input sequence stands for.
 *
 * <ul>
 *   <li>{@link #ITEMS}: a source-block item, hashed into a bounded vocabulary ({@link
 *       SourceTokenizer#hashItem}), so a stream job maps raw item ids to tokens without a
 *       dictionary and unseen items still get a token.
 *   <li>{@link #CATEGORIES}: a source-block category (an item in several categories gives one token
 *       per category); the vocabulary is the category dictionary. Useless when the source block is
 *       a single category (every Amazon pair), where only the sequence length would be left.
 * </ul>
 */
public enum TokenScheme {
    ITEMS,
    CATEGORIES;

    public static TokenScheme parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}

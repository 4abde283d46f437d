package io.crossinterest.joint;

import java.util.Locale;

/**
 * How the joint model turns P̂_u into target-item scores.
 *
 * <ul>
 *   <li>{@link #PQ}: the CF reading, s_uv = P̂_u·Q_v + b_v (b_v the item bias of the ranking head,
 *       0 with a fixed Q).
 *   <li>{@link #W4}: the seed's path, C_u = σ(W4·I_u + b4) with I_u = W3·P̂_u + b3 over the K
 *       target categories. With K = 1 (every Amazon and Douban pair) I_u is a scalar and C_u can
 *       only reorder items along one direction: it cannot be personal beyond "more or less of the
 *       popular items".
 * </ul>
 */
public enum ScoringPath {
    PQ,
    W4;

    public static ScoringPath parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}

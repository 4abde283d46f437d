package io.crossinterest.joint;

import java.io.Serializable;

/**
 * Collaborative-filtering factors of the target block, row-major: user u is {@code users[u*rank ..
 * (u+1)*rank)}, item v is {@code items[v*rank .. (v+1)*rank)}; the CF preference is p̂_uv =
 * P_u·Q_v. Cold users' rows are not trained (their target rows are hidden) and are never read.
 */
public record CfFactors(int rank, int numUsers, int numItems, double[] users, double[] items)
        implements Serializable {
    public CfFactors {
        if (users.length != (long) numUsers * rank || items.length != (long) numItems * rank) {
            throw new IllegalArgumentException(
                    "factor arrays do not match "
                            + numUsers
                            + " users, "
                            + numItems
                            + " items at rank "
                            + rank);
        }
    }
}

/**
 * Neighbours across the two blocks, the one home of what the neighbour baselines and the joint
 * model share: a user's nearest warm users in the source CF space and what they did in the target
 * block ({@link io.crossinterest.neighbours.NeighbourEvidence}: source-knn, and the joint model's
 * teacher), the warm users whose source item sets overlap the user's most ({@link
 * io.crossinterest.neighbours.ItemSetNeighbours}: source-items, and the joint model's wide path),
 * the selection of K on the validation cold users ({@link io.crossinterest.neighbours.KSelection}),
 * and the target items' popularity counts ({@link io.crossinterest.neighbours.PopularityCounts}).
 * Reads {@link io.crossinterest.data.CrossDomainData}, never the evaluation.
 */
package io.crossinterest.neighbours;

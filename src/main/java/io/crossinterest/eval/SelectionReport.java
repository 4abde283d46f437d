package io.crossinterest.eval;

/**
 * Optional for a {@link ColdStartModel}: says what it selected on the validation cold users
 * (hyper-parameters, epoch), for the report. Never used for scoring.
 */
public interface SelectionReport {
    /** e.g. {@code "sourceWeight=1.0, validation ndcg@10=0.0312"}. */
    String selection();
}

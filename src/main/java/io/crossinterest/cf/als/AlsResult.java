package io.crossinterest.cf.als;

/**
 * Output of {@link ImplicitAls#fit}: user factors X (rows = rows of R), item factors Y (rows =
 * columns of R), the objective before the first and after every iteration (empty unless tracked),
 * and wall-clock seconds per iteration.
 */
public final class AlsResult {
    public final Factors users;
    public final Factors items;
    public final double[] loss;
    public final double[] secondsPerIteration;

    AlsResult(Factors users, Factors items, double[] loss, double[] secondsPerIteration) {
        this.users = users;
        this.items = items;
        this.loss = loss;
        this.secondsPerIteration = secondsPerIteration;
    }
}

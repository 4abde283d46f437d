package io.crossinterest.jobs;

/**
 * A problem with what the user asked for (a missing input path, an unknown format, inconsistent
 * options) as opposed to a failure of the job. The command line prints its message as one line and
 * exits with code 2, no stack trace.
 */
public class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageError(String message) {
        super(message, null, false, false);
    }
}

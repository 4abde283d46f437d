package io.crossinterest.ingest;

/**
 * A bad input specification, found before any record is read: an unknown format, a missing file or
 * folder, a folder without the files its format needs, an unreadable catalogue. The message is one
 * line naming the format or path, fit for a command line's usage error (exit code 2).
 */
public class InputSpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InputSpecException(String message) {
        super(message);
    }
}

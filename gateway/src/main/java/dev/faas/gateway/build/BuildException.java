package dev.faas.gateway.build;

/**
 * A build that could not be done, with the status its caller gets and, for a build that ran and failed, the tail of
 * its log. The message is for the caller as it is: one line, says what to do.
 */
public final class BuildException extends Exception {
    private final int status;
    private final String logTail;

    public BuildException(int status, String message, String logTail) {
        super(message, null, false, false);
        this.status = status;
        this.logTail = logTail == null ? "" : logTail;
    }

    static BuildException invalid(String message) {
        return new BuildException(400, message, "");
    }

    static BuildException tooLarge(String message) {
        return new BuildException(413, message, "");
    }

    /** 400 bad input, 404 unknown function, 409 busy, 413 too large, 422 the build failed, 503/504 Docker. */
    public int status() {
        return status;
    }

    public String logTail() {
        return logTail;
    }
}

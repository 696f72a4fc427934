package dev.faas.cli;

/**
 * The exit codes a script can rely on (docs/cli.md lists them). Usage errors are picocli's own 2, so a typo in a
 * flag and a bad functions file read the same to a script.
 */
public enum Exit {
    OK(0),
    /** The call was made and failed: a function's error, any other non-2xx answer. */
    CALL_FAILED(1),
    /** The command line or the functions file is wrong: nothing was sent. */
    USAGE(2),
    /** Nothing answered at the gateway's address. */
    UNREACHABLE(3),
    /** The gateway refused the credentials (401/403). */
    AUTH_REFUSED(4),
    /** A build ran and failed (the Dockerfile or the function's code). */
    BUILD_FAILED(5);

    public final int code;

    Exit(int code) {
        this.code = code;
    }

    /** What an answer of the management API (/system/*) means for a script. */
    public static Exit forSystemStatus(int status) {
        if (status / 100 == 2) {
            return OK;
        }
        return status == 401 || status == 403 ? AUTH_REFUSED : CALL_FAILED;
    }

    /**
     * What a function's answer means: any non-2xx is the function's (or its route's) failure, a 401 included, since
     * /function/* carries no gateway credentials: the function itself refused.
     */
    public static Exit forFunctionStatus(int status) {
        return status / 100 == 2 ? OK : CALL_FAILED;
    }
}

package dev.faas.gateway.provider;

/**
 * A management call that could not be done, with the reason the API turns into a status code. The message is meant
 * for the caller as it is: short, one line, says what to do, never carries a secret value.
 */
public final class ManagementException extends Exception {

    public enum Reason {
        /** the request itself is wrong (400) */
        INVALID,
        /** the named function or secret does not exist (404) */
        NOT_FOUND,
        /** the name is taken, or the thing is in use (409) */
        CONFLICT,
        /** the orchestrator cannot do this at all (501) */
        UNSUPPORTED,
        /** the orchestrator cannot be reached (503) */
        UNAVAILABLE,
        /** the work took longer than its setting allows and was given up, leaving nothing done: try again (503) */
        TIMED_OUT,
        /** the orchestrator refused for another reason (500) */
        FAILED
    }

    private final Reason reason;

    public ManagementException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

package dev.faas.cli;

/**
 * An expected failure: its message is what the user reads (what went wrong and what to do), its exit code what a
 * script reads. No stack trace: these are answers, not bugs.
 */
public final class CliFailure extends RuntimeException {
    private final Exit exit;

    public CliFailure(Exit exit, String message) {
        super(message, null, false, false);
        this.exit = exit;
    }

    public Exit exit() {
        return exit;
    }

    public static CliFailure usage(String message) {
        return new CliFailure(Exit.USAGE, message);
    }

    public static CliFailure callFailed(String message) {
        return new CliFailure(Exit.CALL_FAILED, message);
    }
}

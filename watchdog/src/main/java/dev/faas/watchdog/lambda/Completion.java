package dev.faas.watchdog.lambda;

/** How an invocation a runtime took came to an end. */
sealed interface Completion {
    /** The runtime posted .../response. */
    record Answered(byte[] body, String contentType) implements Completion {}

    /** The runtime posted .../error (or an answer too large to return); {@code json} is an error object. */
    record Failed(byte[] json) implements Completion {}

    /** The deadline passed: the runtime was killed, or no runtime took the invocation in time. */
    record TimedOut() implements Completion {}

    /** The runtime process exited while it held the invocation; {@code how} as Go prints it: "exit status 1". */
    record Exited(String how) implements Completion {}

    /** The runtime asked for its next invocation without answering this one. */
    record Unanswered() implements Completion {}
}

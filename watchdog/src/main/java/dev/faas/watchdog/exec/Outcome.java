package dev.faas.watchdog.exec;

import dev.faas.watchdog.config.WatchdogConfig.Limit;

/** How one run of the function ended; the HTTP layer turns each into a status code. */
public sealed interface Outcome {
    /** The process exited by itself. */
    record Exited(int status, long nanos) implements Outcome {}

    /** The limit was reached and the whole tree was killed. */
    record TimedOut(Limit limit) implements Outcome {}

    /** The streamed request body grew past max_body_size; the tree was killed. */
    record BodyTooLarge(long maxBytes) implements Outcome {}

    /** The request body could not be read (the caller went away or was too slow). */
    record BodyUnreadable(String reason) implements Outcome {}

    /** The output could not be passed on (the caller of a streamed response went away); the tree was killed. */
    record OutputFailed(String reason) implements Outcome {}

    /** The process could not be started at all. */
    record StartFailed(String reason) implements Outcome {}
}

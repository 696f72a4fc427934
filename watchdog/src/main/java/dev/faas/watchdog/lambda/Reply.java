package dev.faas.watchdog.lambda;

/**
 * What the caller of one invocation is answered (how the runtime ended it is a {@link Completion}).
 *
 * @param unhandled whether it is a function error (X-Amz-Function-Error: Unhandled)
 * @param logTail   the invocation's last log lines (X-Amz-Log-Result), or null when the caller did not ask
 */
record Reply(int status, byte[] body, String contentType, boolean unhandled, byte[] logTail) {}

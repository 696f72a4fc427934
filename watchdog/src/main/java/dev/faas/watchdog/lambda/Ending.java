package dev.faas.watchdog.lambda;

/**
 * The answer to the caller of one invocation.
 *
 * @param unhandled whether it is a function error (X-Amz-Function-Error: Unhandled)
 * @param logTail   the invocation's last log lines (X-Amz-Log-Result), or null when the caller did not ask
 */
record Ending(int status, byte[] body, String contentType, boolean unhandled, byte[] logTail) {}

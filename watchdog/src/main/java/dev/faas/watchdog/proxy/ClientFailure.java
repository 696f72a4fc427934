package dev.faas.watchdog.proxy;

import java.io.IOException;

/**
 * Something went wrong on the caller's side of a request: it went away, was too slow, or sent a malformed message.
 * Told apart from the upstream's failures, which are answered 502/503/504 instead.
 */
final class ClientFailure extends IOException {
    /** The status to answer when nothing was sent yet; 0 when no answer can reach the caller. */
    final int status;

    ClientFailure(int status, String message) {
        super(message, null);
        this.status = status;
    }
}

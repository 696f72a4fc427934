package dev.faas.watchdog.exec;

import java.io.InputStream;

/** What goes to the process's stdin: bytes already read, or a request body streamed while stdout is read. */
public sealed interface Stdin {
    record Bytes(byte[] bytes) implements Stdin {}

    /** {@code maxBytes} 0 means no limit. */
    record Streamed(InputStream body, long maxBytes) implements Stdin {}
}

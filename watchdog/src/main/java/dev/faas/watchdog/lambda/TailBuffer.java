package dev.faas.watchdog.lambda;

import java.nio.charset.StandardCharsets;

/**
 * The last 4 KB of one invocation's log lines (START to REPORT), for X-Amz-Log-Result: Lambda returns the tail of the
 * log, so older bytes are overwritten rather than kept. Filled by the runtime's output reader and then by the thread
 * that ends the invocation, one after the other.
 */
final class TailBuffer {
    static final int SIZE = 4096;

    private final byte[] ring = new byte[SIZE];
    private long written;

    /** One line and its newline. */
    void line(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        line(b, 0, b.length);
    }

    /** One line and its newline. */
    synchronized void line(byte[] b, int off, int len) {
        append(b, off, len);
        append(new byte[] {'\n'}, 0, 1);
    }

    /** Forgets every line (an invocation that is queued again starts its log over). */
    synchronized void clear() {
        written = 0;
    }

    synchronized byte[] bytes() {
        int size = (int) Math.min(SIZE, written);
        byte[] out = new byte[size];
        int start = (int) ((written - size) % SIZE);
        int first = Math.min(size, SIZE - start);
        System.arraycopy(ring, start, out, 0, first);
        System.arraycopy(ring, 0, out, first, size - first);
        return out;
    }

    private void append(byte[] b, int off, int len) {
        if (len > SIZE) { // only the end of it can survive
            off += len - SIZE;
            written += len - SIZE;
            len = SIZE;
        }
        int at = (int) (written % SIZE);
        int first = Math.min(len, SIZE - at);
        System.arraycopy(b, off, ring, at, first);
        System.arraycopy(b, off + first, ring, 0, len - first);
        written += len;
    }
}

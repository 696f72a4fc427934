package dev.faas.watchdog.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A process's stdout, held once: a list of chunks that never copies what it already holds (a doubling array would
 * briefly need 1.5x a large response), written out chunk by chunk.
 */
public final class OutputBuffer implements Stdout {
    /** Most outputs are small, and every request allocates one: each byte here is garbage at a thousand calls/s. */
    private static final int FIRST_CHUNK = 1024;
    private static final int MAX_CHUNK = 1024 * 1024;

    private final List<byte[]> full = new ArrayList<>(0);
    private byte[] current = new byte[FIRST_CHUNK];
    private int used;
    private long size;

    /**
     * Reads until end of stream. Out of memory, it lets go of what it held before passing the error on, so that the
     * caller's clean-up and answer have memory to work with; size() still tells how much it was.
     */
    @Override
    public void readFrom(InputStream in) throws IOException {
        try {
            while (true) {
                if (used == current.length) {
                    full.add(current);
                    current = new byte[Math.min(MAX_CHUNK, current.length * 2)];
                    used = 0;
                }
                int n = in.read(current, used, current.length - used);
                if (n < 0) {
                    return;
                }
                used += n;
                size += n;
            }
        } catch (OutOfMemoryError e) {
            full.clear();
            current = new byte[0];
            used = 0;
            throw e;
        }
    }

    public long size() {
        return size;
    }

    public void writeTo(OutputStream out) throws IOException {
        for (byte[] chunk : full) {
            out.write(chunk);
        }
        out.write(current, 0, used);
    }

    /** The start of the output as text, for debug logs. */
    public String preview(int maxBytes) {
        byte[] head = new byte[(int) Math.min(size, maxBytes)];
        int at = 0;
        for (byte[] chunk : full) {
            int n = Math.min(chunk.length, head.length - at);
            System.arraycopy(chunk, 0, head, at, n);
            at += n;
        }
        System.arraycopy(current, 0, head, at, Math.min(used, head.length - at));
        return new String(head, StandardCharsets.UTF_8);
    }
}

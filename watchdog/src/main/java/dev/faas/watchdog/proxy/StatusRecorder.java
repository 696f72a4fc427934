package dev.faas.watchdog.proxy;

import java.io.IOException;
import java.io.OutputStream;

/** Passes a response on and notes its final status from the status line (for the metrics), skipping 1xx. */
final class StatusRecorder extends OutputStream {
    private final OutputStream out;
    private int status;

    StatusRecorder(OutputStream out) {
        this.out = out;
    }

    /** The final status written, 0 when none was. */
    int status() {
        return status;
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        // Every head is written with its status line in one call ("HTTP/1.1 NNN ...").
        if (status == 0 && len >= 12 && b[off] == 'H' && b[off + 8] == ' ' && b[off + 9] != '1') {
            status = (b[off + 9] - '0') * 100 + (b[off + 10] - '0') * 10 + (b[off + 11] - '0');
        }
        out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }
}

package dev.faas.watchdog.proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Frames each write as one chunk: a body without a length, relayed on a connection that stays open. */
final class ChunkedOutput extends OutputStream {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private final OutputStream out;

    ChunkedOutput(OutputStream out) {
        this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return; // a zero-size chunk would end the body
        }
        out.write(Integer.toHexString(len).getBytes(StandardCharsets.ISO_8859_1));
        out.write(CRLF);
        out.write(b, off, len);
        out.write(CRLF);
        out.flush(); // a streamed response reaches the caller as it comes
    }

    /** The last chunk: only written when the body ended normally. */
    void finish() throws IOException {
        out.write(LAST);
    }
}

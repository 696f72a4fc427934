package dev.faas.watchdog.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The caller's socket streams, whose every I/O error becomes a {@link ClientFailure}. */
final class ClientStreams {
    private ClientStreams() {}

    static InputStream input(InputStream in) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return in.read(b, off, len);
                } catch (ClientFailure e) {
                    throw e;
                } catch (IOException e) {
                    throw new ClientFailure(0, "reading from the caller: " + e.getMessage());
                }
            }
        };
    }

    static OutputStream output(OutputStream out) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw new ClientFailure(0, "writing to the caller: " + e.getMessage());
                }
            }
        };
    }
}

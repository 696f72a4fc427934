package dev.faas.watchdog.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One connection's input with its own buffer: header lines, then bodies copied by their framing. Bytes past the
 * current message stay in the buffer for the next one (pipelined or kept-alive requests).
 */
final class HttpInput {
    private final InputStream in;
    private final byte[] buf;
    private final boolean client;
    private int pos;
    private int end;

    /** @param client whether this is the caller's side, whose malformed input is a {@link ClientFailure} */
    HttpInput(InputStream in, int bufferSize, boolean client) {
        this.in = in;
        this.buf = new byte[bufferSize];
        this.client = client;
    }

    /** A protocol error of this side: the caller's (answered 400) or the upstream's (a plain I/O error). */
    IOException failure(String message) {
        return client ? new ClientFailure(400, message) : new IOException(message);
    }

    /** A line without its line end; null when the stream ends before its first byte. */
    String readLine() throws IOException {
        int scanned = pos;
        while (true) {
            for (int i = scanned; i < end; i++) {
                if (buf[i] == '\n') {
                    int stop = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                    String line = new String(buf, pos, stop - pos, StandardCharsets.ISO_8859_1);
                    pos = i + 1;
                    return line;
                }
            }
            if (pos > 0) { // room for more of the line at the end
                System.arraycopy(buf, pos, buf, 0, end - pos);
                end -= pos;
                pos = 0;
            }
            scanned = end;
            if (end == buf.length) {
                String message = "a header line is longer than " + buf.length + " bytes";
                throw client ? new ClientFailure(431, message) : new IOException(message);
            }
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                if (end == pos) {
                    return null;
                }
                throw failure("the connection ended inside a header line");
            }
            end += n;
        }
    }

    /*
     * The copies flush their output before each read that may block: what arrived reaches the other side now (a
     * streamed response, server-sent events), while a body already in the buffer goes out in one write.
     */

    /** Copies exactly {@code length} bytes. */
    void copyFixed(long length, OutputStream out) throws IOException {
        long left = length;
        while (left > 0) {
            if (pos == end && flushAndFill(out) < 0) {
                throw failure("the connection ended " + left + " bytes before the end of the body");
            }
            int n = (int) Math.min(left, end - pos);
            out.write(buf, pos, n);
            pos += n;
            left -= n;
        }
    }

    /**
     * Copies a chunked body to its last chunk and trailers: as it came when {@code raw} (the receiver reads it
     * chunked too), else only the data.
     */
    void copyChunked(OutputStream out, boolean raw) throws IOException {
        while (true) {
            if (pos == end) {
                out.flush();
            }
            String sizeLine = requireLine();
            long size = chunkSize(sizeLine);
            if (raw) {
                writeLine(out, sizeLine);
            }
            if (size == 0) {
                String trailer;
                do {
                    trailer = requireLine();
                    if (raw) {
                        writeLine(out, trailer);
                    }
                } while (!trailer.isEmpty());
                return;
            }
            copyFixed(size, out);
            if (!requireLine().isEmpty()) {
                throw failure("malformed chunked body: no line end after a chunk");
            }
            if (raw) {
                out.write('\r');
                out.write('\n');
            }
        }
    }

    /** Copies until the other side closes (a response without a length). */
    void copyToEnd(OutputStream out) throws IOException {
        while (pos < end || flushAndFill(out) >= 0) {
            out.write(buf, pos, end - pos);
            pos = end;
        }
    }

    /** Reads a body of known small length into memory. */
    byte[] readFixed(int length) throws IOException {
        byte[] body = new byte[length];
        int at = Math.min(length, end - pos);
        System.arraycopy(buf, pos, body, 0, at);
        pos += at;
        while (at < length) {
            int n = in.read(body, at, length - at);
            if (n < 0) {
                throw failure("the connection ended " + (length - at) + " bytes before the end of the body");
            }
            at += n;
        }
        return body;
    }

    private int flushAndFill(OutputStream out) throws IOException {
        out.flush();
        pos = 0;
        end = 0;
        int n = in.read(buf, 0, buf.length);
        if (n > 0) {
            end = n;
        }
        return n;
    }

    private String requireLine() throws IOException {
        String line = readLine();
        if (line == null) {
            throw failure("the connection ended inside a chunked body");
        }
        return line;
    }

    private long chunkSize(String line) throws IOException {
        int stop = line.indexOf(';');
        String hex = (stop < 0 ? line : line.substring(0, stop)).trim();
        try {
            long size = Long.parseLong(hex, 16);
            if (size >= 0) {
                return size;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw failure("malformed chunked body: bad chunk size '" + hex + "'");
    }

    private static void writeLine(OutputStream out, String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.ISO_8859_1));
        out.write('\r');
        out.write('\n');
    }
}

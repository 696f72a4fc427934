package dev.faas.watchdog.proxy;

import dev.faas.watchdog.http.HttpSyntax;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One connection's input with its own buffer: header lines, then bodies copied by their framing. Bytes past the
 * current message stay in the buffer for the next one (pipelined or kept-alive requests).
 */
final class HttpInput {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    /** 2^59: 15 hex digits and some; a larger chunk could only be an attempt to overflow a size. */
    private static final long MAX_CHUNK_SIZE = 1L << 59;
    /** Chunk extensions are rare and tiny; a long one is a way to make a server buffer without a body. */
    private static final int MAX_EXTENSIONS = 1024;
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

    /**
     * A line without its CRLF; null when the stream ends before its first byte. Lines must end in CRLF and hold no
     * other CR (RFC 9112 §2.2 lets a recipient take a bare LF as a line end: refused instead, so that no server
     * behind this one can split the message differently).
     */
    String readLine() throws IOException {
        int scanned = pos;
        while (true) {
            for (int i = scanned; i < end; i++) {
                if (buf[i] == '\n') {
                    if (i == pos || buf[i - 1] != '\r') {
                        throw failure("malformed message: a line ends in a bare LF (use CRLF)");
                    }
                    for (int j = pos; j < i - 1; j++) {
                        if (buf[j] == '\r') {
                            throw failure("malformed message: a bare CR inside a line");
                        }
                    }
                    String line = new String(buf, pos, i - 1 - pos, StandardCharsets.ISO_8859_1);
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
     * Copies a chunked body to its last chunk and trailer section: re-chunked when {@code chunked} (the receiver
     * reads it chunked too), else only the data. Chunk extensions and trailer fields are checked but not passed on:
     * they belong to this hop (RFC 9112 §7.1.1, §7.1.2), and the JDK's server, which functions often use, refuses
     * any trailer ("invalid chunk end").
     */
    void copyChunked(OutputStream out, boolean chunked) throws IOException {
        while (true) {
            if (pos == end) {
                out.flush();
            }
            long size = chunkSize(requireLine());
            if (size == 0) {
                HeaderFields.readTrailer(this);
                if (chunked) {
                    out.write(LAST_CHUNK);
                }
                return;
            }
            if (chunked) {
                out.write(Long.toHexString(size).getBytes(StandardCharsets.ISO_8859_1));
                out.write(CRLF);
            }
            copyFixed(size, out);
            if (!requireLine().isEmpty()) {
                throw failure("malformed chunked body: no CRLF after a chunk's data");
            }
            if (chunked) {
                out.write(CRLF);
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

    /** chunk-size = 1*HEXDIG, then nothing or chunk extensions (";" name ["=" value], bounded). */
    private long chunkSize(String line) throws IOException {
        long size = 0;
        int i = 0;
        for (; i < line.length(); i++) {
            int digit = Character.digit(line.charAt(i), 16);
            if (digit < 0 || line.charAt(i) > 'f') { // Character.digit also takes non-ASCII digits
                break;
            }
            if (size > MAX_CHUNK_SIZE >>> 4) {
                throw failure("malformed chunked body: chunk size too large");
            }
            size = (size << 4) | digit;
        }
        if (i == 0) {
            throw failure("malformed chunked body: a chunk size must be hex digits (got '" + shortened(line) + "')");
        }
        String rest = line.substring(i).stripLeading(); // BWS before ';'
        if (!rest.isEmpty() && (rest.charAt(0) != ';' || rest.length() > MAX_EXTENSIONS
                || HttpSyntax.hasControl(rest))) {
            throw failure("malformed chunked body: bad chunk size line '" + shortened(line) + "'");
        }
        return size;
    }

    private static String shortened(String line) {
        return line.length() <= 40 ? line : line.substring(0, 40) + "...";
    }
}

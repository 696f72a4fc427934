package dev.faas.watchdog.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;

/**
 * A chunked request body as the JDK's server decodes it, except that a trailer section is accepted. JDK 17's decoder
 * wants CRLF right after the last chunk and fails with "invalid chunk end" at a trailer field (RFC 9112 §7.1.2
 * allows them; the gateway passes them on). Its failure there leaves the decoder at its end, so the body is
 * complete: the read ends normally and the connection closes after the answer, so that the unread trailer is never
 * taken for the next request. The same failure after a chunk's data leaves the decoder expecting a chunk size, and
 * is passed on.
 */
final class ChunkedBody extends InputStream {
    private static final String JDK_TRAILER_FAILURE = "invalid chunk end";

    private final InputStream in;
    private final HttpExchange exchange;
    private boolean ended;

    ChunkedBody(InputStream in, HttpExchange exchange) {
        this.in = in;
        this.exchange = exchange;
    }

    /** Whether the whole body has been read. */
    boolean ended() {
        return ended;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (ended) {
            return -1;
        }
        try {
            int n = in.read(b, off, len);
            ended = n < 0;
            return n;
        } catch (IOException e) {
            if (!JDK_TRAILER_FAILURE.equals(e.getMessage()) || !atEnd()) {
                throw e;
            }
            ended = true;
            exchange.getResponseHeaders().set("Connection", "close");
            return -1;
        }
    }

    private boolean atEnd() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

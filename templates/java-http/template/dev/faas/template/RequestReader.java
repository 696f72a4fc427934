package dev.faas.template;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The requests of one connection as their bytes come, through one buffer it reuses: each one's head (RFC 9112: the
 * request line and header fields, up to 64 KB in all), then the lines and bytes {@link BodyReader} reads its body
 * from.
 */
final class RequestReader {
    /** The most a head, or a chunked body's trailer section, may be. */
    static final int MAX_HEAD = 64 * 1024;
    private static final int BUFFER = 8 * 1024;
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c : "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private final InputStream in;
    /** Bytes read and not yet parsed are buf[pos, lim); the last line read is buf[lineStart, lineEnd). */
    private byte[] buf = new byte[BUFFER];
    private int pos;
    private int lim;
    private int lineStart;
    private int lineEnd;
    /** Whether the request being read is a HEAD: its answer has no body, even a 4xx one. */
    private boolean headRequest;

    RequestReader(InputStream in) {
        this.in = in;
    }

    /** The next request's head, or null when the caller closed the connection before it. */
    Head readHead() throws IOException, BadRequest {
        headRequest = false;
        if (pos == lim && buf.length > BUFFER) {
            buf = new byte[BUFFER]; // a large head once does not keep its buffer
            pos = 0;
            lim = 0;
        }
        int headBytes = 0;
        do { // a stray CRLF before a request line is allowed (RFC 9112 section 2.2)
            int n = readLine(MAX_HEAD - headBytes, 431, "request header fields too large");
            if (n < 0) {
                return null;
            }
            headBytes += n;
        } while (lineStart == lineEnd);

        // METHOD SP target SP HTTP/1.x
        int sp1 = indexOf(' ', lineStart, lineEnd);
        int sp2 = sp1 < 0 ? -1 : indexOf(' ', sp1 + 1, lineEnd);
        if (sp1 <= lineStart || sp2 <= sp1 + 1 || lineEnd - sp2 != 9 || !isToken(lineStart, sp1)
                || hasControl(lineStart, lineEnd) || !startsWith("HTTP/", sp2 + 1) || !isDigit(sp2 + 6)
                || buf[sp2 + 7] != '.' || !isDigit(sp2 + 8)) {
            throw new BadRequest(400, "malformed request line: it must be METHOD SP target SP HTTP/1.x");
        }
        if (buf[sp2 + 6] != '1') {
            throw new BadRequest(505, "HTTP version not supported: HTTP/1.x only");
        }
        boolean http10 = buf[sp2 + 8] == '0';
        String method = new String(buf, lineStart, sp1 - lineStart, ISO_8859_1);
        headRequest = method.equals("HEAD");
        URI target;
        try {
            target = new URI(new String(buf, sp1 + 1, sp2 - sp1 - 1, ISO_8859_1));
        } catch (URISyntaxException e) {
            throw new BadRequest(400, "malformed request target: " + e.getMessage());
        }

        TreeMap<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        while (true) {
            int n = readLine(MAX_HEAD - headBytes, 431, "request header fields too large");
            if (n < 0) {
                throw new EOFException();
            }
            headBytes += n;
            if (lineStart == lineEnd) {
                break;
            }
            addField(headers);
        }
        String path = target.getPath();
        String query = target.getRawQuery();
        return new Head(method, path == null ? "" : path, query == null ? "" : query, http10, headers);
    }

    /** Whether the request being read, or answered, is a HEAD. */
    boolean headRequest() {
        return headRequest;
    }

    /** A header field line: name ":" OWS value OWS, the value in ISO-8859-1 as it came. */
    private void addField(Map<String, List<String>> headers) throws BadRequest {
        int colon = indexOf(':', lineStart, lineEnd);
        if (colon <= lineStart || !isToken(lineStart, colon)) { // also a folded line, which starts with a space
            throw new BadRequest(400, "malformed header field: it must be name: value");
        }
        int from = colon + 1;
        int to = lineEnd;
        while (from < to && (buf[from] == ' ' || buf[from] == '\t')) {
            from++;
        }
        while (to > from && (buf[to - 1] == ' ' || buf[to - 1] == '\t')) {
            to--;
        }
        if (hasControl(from, to)) {
            throw new BadRequest(400, "malformed header field: a control character in its value");
        }
        String name = new String(buf, lineStart, colon - lineStart, ISO_8859_1);
        headers.computeIfAbsent(name, n -> new ArrayList<>(1)).add(new String(buf, from, to - from, ISO_8859_1));
    }

    /**
     * The next line, up to LF (a CR before it is not part of it), for {@link #lineLength} and {@link #lineByte}.
     *
     * @param max     the most bytes it may have, its CRLF included; over it is a {@code status} answer
     * @return the bytes it took, its CRLF included; -1 when the connection ended before any byte of it
     */
    int readLine(int max, int status, String tooLong) throws IOException, BadRequest {
        int scanned = pos;
        while (true) {
            for (int i = scanned; i < lim; i++) {
                if (buf[i] == '\n') {
                    if (i - pos >= max) {
                        throw new BadRequest(status, tooLong);
                    }
                    lineStart = pos;
                    lineEnd = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                    pos = i + 1;
                    return pos - lineStart;
                }
            }
            if (lim - pos >= max) {
                throw new BadRequest(status, tooLong);
            }
            if (lim == buf.length) { // make room: move the line to the front, or grow (max is at most MAX_HEAD)
                if (pos > 0) {
                    System.arraycopy(buf, pos, buf, 0, lim - pos);
                    lim -= pos;
                    pos = 0;
                } else {
                    buf = Arrays.copyOf(buf, Math.min(2 * buf.length, MAX_HEAD + BUFFER));
                }
            }
            scanned = lim;
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                if (lim == pos) {
                    return -1;
                }
                throw new EOFException();
            }
            lim += n;
        }
    }

    /** The last line's length, without its CRLF. */
    int lineLength() {
        return lineEnd - lineStart;
    }

    /** The last line's byte at this index. */
    byte lineByte(int i) {
        return buf[lineStart + i];
    }

    /** How many bytes have come and not been read yet. */
    int buffered() {
        return lim - pos;
    }

    /** Exactly {@code length} bytes of the body: what is buffered, then straight from the socket. */
    void readFully(byte[] into, int offset, int length) throws IOException {
        int buffered = Math.min(length, lim - pos);
        System.arraycopy(buf, pos, into, offset, buffered);
        pos += buffered;
        if (buffered < length && in.readNBytes(into, offset + buffered, length - buffered) < length - buffered) {
            throw new EOFException();
        }
    }

    /** Reads what comes and drops it, for a connection that is closing: false at its end. */
    boolean discard() throws IOException {
        return in.read(buf) >= 0;
    }

    static boolean isTokenChar(int c) {
        return c >= 0 && c < 128 && TCHAR[c];
    }

    private int indexOf(char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private boolean isToken(int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isTokenChar(buf[i])) {
                return false;
            }
        }
        return true;
    }

    /** Whether a control character other than HTAB is in buf[from, to). */
    private boolean hasControl(int from, int to) {
        for (int i = from; i < to; i++) {
            if ((buf[i] >= 0 && buf[i] < ' ' && buf[i] != '\t') || buf[i] == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private boolean startsWith(String s, int at) {
        for (int i = 0; i < s.length(); i++) {
            if (buf[at + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean isDigit(int at) {
        return buf[at] >= '0' && buf[at] <= '9';
    }

    /**
     * A request's line and header fields.
     *
     * @param path    the target's path, decoded, "" when it has none
     * @param query   the target's raw query, "" when it has none
     * @param headers names ignore case
     */
    record Head(String method, String path, String query, boolean http10, Map<String, List<String>> headers) {
        /** Whether the caller closes the connection after this exchange (RFC 9112 section 9.3). */
        boolean closes() {
            return http10 ? !hasToken("Connection", "keep-alive") : hasToken("Connection", "close");
        }

        /** Whether a comma-separated header has this token, ignoring case. */
        boolean hasToken(String name, String token) {
            List<String> values = headers.get(name);
            if (values != null) {
                for (String value : values) {
                    for (String element : value.split(",")) {
                        if (element.strip().equalsIgnoreCase(token)) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }
    }

    /** A request this server cannot read: answered with its status and one line, then the connection closes. */
    static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}

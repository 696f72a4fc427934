package dev.faas.template;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One connection from the watchdog, on its own thread: reads a request (RFC 9112: the head up to 64 KB, a body by
 * Content-Length or chunked, up to max_body_size), has the handler answer it, writes the response with its
 * Content-Length, and again while the connection is kept alive. A request it cannot read is answered 4xx and the
 * connection closed.
 */
final class HttpConnection implements Runnable {
    private static final int MAX_HEAD = 64 * 1024;
    private static final int MAX_CHUNK_LINE = 4096;
    private static final int BUFFER = 8 * 1024;
    /** A response body up to this size goes out in the same write as its head. */
    private static final int INLINE_BODY = 16 * 1024;
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(ISO_8859_1);
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c : "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private static volatile DateLine date = new DateLine(0, "");

    private final Socket socket;
    private final FunctionHandler handler;
    private final int maxBody;
    private InputStream in;
    private OutputStream out;
    /** Bytes read and not yet parsed are buf[pos, lim); the last line read is buf[lineStart, lineEnd). */
    private byte[] buf = new byte[BUFFER];
    private int pos;
    private int lim;
    private int lineStart;
    private int lineEnd;
    /** The response being written. */
    private byte[] head = new byte[512];
    private int headLen;
    /** The request being served: a failure past its head is worth a line in the log. */
    private boolean headRequest;
    private boolean inCall;

    HttpConnection(Socket socket, FunctionHandler handler, int maxBody) {
        this.socket = socket;
        this.handler = handler;
        this.maxBody = maxBody;
    }

    @Override
    public void run() {
        try (socket) {
            in = socket.getInputStream();
            out = socket.getOutputStream();
            try {
                while (exchange()) {
                    inCall = false;
                }
                linger();
            } catch (BadRequest e) {
                writeText(e.status, e.getMessage() + "\n");
                linger();
            }
        } catch (IOException e) {
            if (inCall) {
                System.err.println("msg=\"call failed\" error=\"" + e.getMessage() + "\"");
            }
        }
    }

    /** One request and its response: whether the connection stays open (not when the caller closed it). */
    private boolean exchange() throws IOException, BadRequest {
        headRequest = false;
        if (pos == lim && buf.length > BUFFER) {
            buf = new byte[BUFFER]; // a large head once does not keep its buffer
        }
        int headBytes = 0;
        do { // a stray CRLF before a request line is allowed (RFC 9112 §2.2)
            if (!readLine(MAX_HEAD - headBytes, 431, "request header fields too large")) {
                return false;
            }
            headBytes += pos - lineStart;
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
            if (!readLine(MAX_HEAD - headBytes, 431, "request header fields too large")) {
                throw new EOFException();
            }
            headBytes += pos - lineStart;
            if (lineStart == lineEnd) {
                break;
            }
            addField(headers);
        }
        boolean close = http10 ? !hasToken(headers, "Connection", "keep-alive")
                : hasToken(headers, "Connection", "close");
        inCall = true;
        byte[] body;
        try {
            body = body(headers, !http10);
        } catch (OutOfMemoryError e) { // what was read of it is garbage again: the other calls go on
            throw new BadRequest(413, "request body is larger than the function's heap has room for");
        }
        String path = target.getPath();
        String query = target.getRawQuery();
        Response response;
        try {
            response = handler.handle(new Request(method, path == null ? "" : path, query == null ? "" : query,
                    headers, body));
            check(response);
        } catch (Exception e) {
            // The caller gets one line; the container log gets the whole story.
            e.printStackTrace();
            response = Response.text(500, "the function failed: " + e + "\n");
        }
        return write(response, close, http10);
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

    /** The request's body, by its framing (RFC 9112 §6.3), whole. */
    private byte[] body(Map<String, List<String>> headers, boolean http11) throws IOException, BadRequest {
        List<String> codings = headers.get("Transfer-Encoding");
        List<String> lengths = headers.get("Content-Length");
        if (codings != null) {
            if (lengths != null) {
                throw new BadRequest(400, "a request may not have both Content-Length and Transfer-Encoding");
            }
            String coding = String.join(", ", codings);
            if (!coding.strip().equalsIgnoreCase("chunked")) {
                throw new BadRequest(501, "Transfer-Encoding must be chunked (got '" + coding + "')");
            }
            continueIfExpected(headers, http11, 1);
            return chunked();
        }
        if (lengths == null) {
            return EMPTY;
        }
        long length = -1;
        for (String value : lengths) {
            for (String element : value.split(",", -1)) {
                long n = contentLength(element.strip());
                if (n < 0 || (length >= 0 && n != length)) {
                    throw new BadRequest(400, "bad or conflicting Content-Length " + lengths);
                }
                length = n;
            }
        }
        if (length > maxBody) {
            throw tooLarge();
        }
        if (length == 0) {
            return EMPTY;
        }
        continueIfExpected(headers, http11, (int) length);
        byte[] body = new byte[(int) length];
        readFully(body, 0, body.length);
        return body;
    }

    /** Digits only; -1 when it is not that, Long.MAX_VALUE when it is too many of them. */
    private static long contentLength(String digits) {
        if (digits.isEmpty()) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n > Long.MAX_VALUE / 10 - 1 ? Long.MAX_VALUE : n * 10 + (c - '0');
        }
        return n;
    }

    /** 100 Continue for a caller that waits for it, unless the body is here already. */
    private void continueIfExpected(Map<String, List<String>> headers, boolean http11, int length)
            throws IOException {
        if (http11 && lim - pos < length && hasToken(headers, "Expect", "100-continue")) {
            out.write(CONTINUE);
        }
    }

    /** A chunked body, decoded; chunk extensions and trailer fields are read and dropped. */
    private byte[] chunked() throws IOException, BadRequest {
        byte[] body = new byte[Math.min(maxBody, Math.max(lim - pos, 1024))];
        int length = 0;
        while (true) {
            if (!readLine(MAX_CHUNK_LINE, 400, "malformed chunk: its size line is too long")) {
                throw new EOFException();
            }
            int i = lineStart;
            long size = 0;
            for (int digit; i < lineEnd && (digit = Character.digit(buf[i], 16)) >= 0; i++) {
                size = Math.min(size * 16 + digit, (long) Integer.MAX_VALUE + 1);
            }
            while (i < lineEnd && (buf[i] == ' ' || buf[i] == '\t')) {
                i++;
            }
            if (i == lineStart || (i < lineEnd && buf[i] != ';')) {
                throw new BadRequest(400, "malformed chunk: it must start with its size in hex");
            }
            if (size == 0) {
                break;
            }
            if (size > maxBody - length) {
                throw tooLarge();
            }
            if (length + size > body.length) {
                body = Arrays.copyOf(body, (int) Math.min(maxBody, Math.max(length + size, 2L * body.length)));
            }
            readFully(body, length, (int) size);
            length += (int) size;
            if (!readLine(2, 400, "malformed chunk: its data must end with CRLF") || lineStart != lineEnd) {
                throw new BadRequest(400, "malformed chunk: its data must end with CRLF");
            }
        }
        int trailers = 0;
        do {
            if (!readLine(MAX_HEAD - trailers, 431, "request trailer fields too large")) {
                throw new EOFException();
            }
            trailers += pos - lineStart;
        } while (lineStart != lineEnd);
        return length == body.length ? body : Arrays.copyOf(body, length);
    }

    private BadRequest tooLarge() {
        return new BadRequest(413, "request body is larger than the function's limit (max_body_size " + maxBody
                + " bytes)");
    }

    /** A handler's mistakes, found before any byte of the response is written: they become its 500. */
    private static void check(Response response) {
        if (response == null) {
            throw new IllegalStateException("the handler returned no response (null)");
        }
        if (response.status() < 200 || response.status() > 999) {
            throw new IllegalStateException("the handler returned status " + response.status()
                    + ": a final status is from 200 to 999");
        }
        for (Map.Entry<String, String> field : response.headers().entrySet()) {
            String name = field.getKey();
            String value = field.getValue();
            boolean valid = !name.isEmpty();
            for (int i = 0; i < name.length() && valid; i++) {
                valid = name.charAt(i) < 128 && TCHAR[name.charAt(i)];
            }
            for (int i = 0; i < value.length() && valid; i++) {
                char c = value.charAt(i);
                valid = (c >= ' ' || c == '\t') && c != 0x7f;
            }
            if (!valid) {
                throw new IllegalStateException("the handler returned an invalid header field: "
                        + (name + ": " + value).replaceAll("[\\x00-\\x1f\\x7f]", "?"));
            }
        }
    }

    /** @return whether the connection stays open */
    private boolean write(Response response, boolean close, boolean http10) throws IOException {
        int status = response.status();
        byte[] body = response.body() == null ? EMPTY : response.body();
        boolean bodyless = status == 204 || status == 304;
        boolean userDate = false;
        statusLine(status);
        for (Map.Entry<String, String> field : response.headers().entrySet()) {
            String name = field.getKey();
            if (name.equalsIgnoreCase("Connection")) {
                close |= field.getValue().toLowerCase(Locale.ROOT).contains("close");
                continue;
            }
            if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) {
                continue; // the framing is this server's
            }
            userDate |= name.equalsIgnoreCase("Date");
            field(name, field.getValue());
        }
        if (!bodyless) {
            field("Content-Length", Integer.toString(body.length));
        }
        endHead(userDate, close, http10);
        if (headRequest || bodyless || body.length == 0) {
            out.write(head, 0, headLen);
        } else if (body.length <= INLINE_BODY) {
            put(body);
            out.write(head, 0, headLen);
        } else {
            out.write(head, 0, headLen);
            out.write(body);
        }
        return !close;
    }

    /** A response of this server's own (4xx for a request it could not read). */
    private void writeText(int status, String text) throws IOException {
        byte[] body = text.getBytes(UTF_8);
        statusLine(status);
        field("Content-Type", "text/plain; charset=utf-8");
        field("Content-Length", Integer.toString(body.length));
        endHead(false, true, false);
        if (!headRequest) {
            put(body);
        }
        out.write(head, 0, headLen);
    }

    private void statusLine(int status) {
        headLen = 0;
        put("HTTP/1.1 ");
        put(Integer.toString(status));
        put(" ");
        put(reason(status));
        put("\r\n");
    }

    private void field(String name, String value) {
        put(name);
        put(": ");
        put(value);
        put("\r\n");
    }

    private void endHead(boolean userDate, boolean close, boolean http10) {
        if (!userDate) {
            put(dateLine());
        }
        if (close) {
            put("Connection: close\r\n");
        } else if (http10) {
            put("Connection: keep-alive\r\n");
        }
        put("\r\n");
    }

    /** Characters as ISO-8859-1 bytes, '?' for those it has not. */
    private void put(String s) {
        int n = s.length();
        if (headLen + n > head.length) {
            head = Arrays.copyOf(head, Math.max(headLen + n, 2 * head.length));
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            head[headLen++] = (byte) (c <= 0xff ? c : '?');
        }
    }

    private void put(byte[] bytes) {
        if (headLen + bytes.length > head.length) {
            head = Arrays.copyOf(head, headLen + bytes.length);
        }
        System.arraycopy(bytes, 0, head, headLen, bytes.length);
        headLen += bytes.length;
    }

    /**
     * The next line, up to LF (a CR before it is not part of it), into buf[lineStart, lineEnd).
     *
     * @param max     the most bytes it may have, its CRLF included; over it is a {@code status} answer
     * @return false when the connection ended before any byte of it
     */
    private boolean readLine(int max, int status, String tooLong) throws IOException, BadRequest {
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
                    return true;
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
                    return false;
                }
                throw new EOFException();
            }
            lim += n;
        }
    }

    /** Exactly {@code length} bytes of the body: what is buffered, then straight from the socket. */
    private void readFully(byte[] into, int offset, int length) throws IOException {
        int buffered = Math.min(length, lim - pos);
        System.arraycopy(buf, pos, into, offset, buffered);
        pos += buffered;
        if (buffered < length && in.readNBytes(into, offset + buffered, length - buffered) < length - buffered) {
            throw new EOFException();
        }
    }

    /**
     * Before closing: our FIN first, then what the caller still sends is read and dropped for a moment, so that a
     * close with unread bytes (a reset) does not destroy the response before the caller read it.
     */
    private void linger() {
        try {
            socket.shutdownOutput();
            socket.setSoTimeout(1000);
            long end = System.nanoTime() + 2_000_000_000L;
            while (in.read(buf) >= 0 && System.nanoTime() < end) {
                // dropped
            }
        } catch (IOException e) {
            // the time is up or the caller is gone: close
        }
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
            if (buf[i] < 0 || !TCHAR[buf[i]]) {
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

    /** Whether a comma-separated header has this token, ignoring case. */
    private static boolean hasToken(Map<String, List<String>> headers, String name, String token) {
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

    private static String dateLine() {
        long now = System.currentTimeMillis() / 1000;
        DateLine d = date;
        if (d.second != now) {
            d = new DateLine(now, "Date: " + IMF_FIXDATE.format(Instant.ofEpochSecond(now)) + "\r\n");
            date = d;
        }
        return d.line;
    }

    private static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 201: return "Created";
            case 202: return "Accepted";
            case 204: return "No Content";
            case 206: return "Partial Content";
            case 301: return "Moved Permanently";
            case 302: return "Found";
            case 303: return "See Other";
            case 304: return "Not Modified";
            case 307: return "Temporary Redirect";
            case 308: return "Permanent Redirect";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 409: return "Conflict";
            case 410: return "Gone";
            case 413: return "Content Too Large";
            case 415: return "Unsupported Media Type";
            case 422: return "Unprocessable Content";
            case 429: return "Too Many Requests";
            case 431: return "Request Header Fields Too Large";
            case 500: return "Internal Server Error";
            case 501: return "Not Implemented";
            case 502: return "Bad Gateway";
            case 503: return "Service Unavailable";
            case 504: return "Gateway Timeout";
            case 505: return "HTTP Version Not Supported";
            default: return "";
        }
    }

    private record DateLine(long second, String line) {}

    /** A request this server cannot read: answered with its status and one line, then the connection closes. */
    private static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}

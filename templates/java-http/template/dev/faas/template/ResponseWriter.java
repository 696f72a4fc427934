package dev.faas.template;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * The responses of one connection: each one's head built in one buffer it reuses, framed by this server's
 * Content-Length, and written with its body in one write when the body is small.
 */
final class ResponseWriter {
    /** A response body up to this size goes out in the same write as its head. */
    private static final int INLINE_BODY = 16 * 1024;
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(ISO_8859_1);
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private static volatile DateLine date = new DateLine(0, "");

    private final OutputStream out;
    /** The response being written. */
    private byte[] head = new byte[512];
    private int headLen;

    ResponseWriter(OutputStream out) {
        this.out = out;
    }

    /** @return whether the connection stays open */
    boolean write(Response response, boolean close, boolean http10, boolean headRequest) throws IOException {
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
    void writeText(int status, String text, boolean headRequest) throws IOException {
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

    /** The interim response a caller that sent Expect: 100-continue waits for before it sends the body. */
    void writeContinue() throws IOException {
        out.write(CONTINUE);
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

    /** The Date field, formatted once a second for all connections rather than once a response. */
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
}

package dev.faas.watchdog.proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The watchdog's own short plain-text answers on a proxied connection. */
final class Replies {
    private Replies() {}

    /** @return {@code keepAlive}: whether the connection stays open after this answer */
    static boolean text(OutputStream out, int status, String body, boolean keepAlive) throws IOException {
        return write(out, status, body, keepAlive, false);
    }

    /** The same for a HEAD request: the length of the body, not the body. */
    static boolean write(OutputStream out, int status, String body, boolean keepAlive, boolean head)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(128).append("HTTP/1.1 ").append(status).append(' ').append(reason(status))
                .append("\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ").append(bytes.length)
                .append("\r\n");
        if (!keepAlive) {
            h.append("Connection: close\r\n");
        }
        out.write(h.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!head) {
            out.write(bytes);
        }
        out.flush();
        return keepAlive;
    }

    private static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 400: return "Bad Request";
            case 405: return "Method Not Allowed";
            case 429: return "Too Many Requests";
            case 431: return "Request Header Fields Too Large";
            case 501: return "Not Implemented";
            case 502: return "Bad Gateway";
            case 503: return "Service Unavailable";
            case 504: return "Gateway Timeout";
            default: return "";
        }
    }
}

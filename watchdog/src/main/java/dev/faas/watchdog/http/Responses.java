package dev.faas.watchdog.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Short plain-text answers: status, a one-line body, nothing else. */
final class Responses {
    private Responses() {}

    static void text(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A request the watchdog will not serve: the answer, then the connection closes (its input cannot be trusted). */
    static void refuse(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getResponseHeaders().set("Connection", "close");
        text(exchange, status, body);
    }

    /** Seconds with six decimals, as the classic watchdog printed X-Duration-Seconds. */
    static String seconds(long nanos) {
        long micros = nanos / 1000;
        String fraction = Long.toString(1_000_000 + micros % 1_000_000).substring(1);
        return (micros / 1_000_000) + "." + fraction;
    }
}

package dev.faas.gateway.api;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/** Short plain-text answers: every error the gateway itself writes goes through here (never a stack trace). */
public final class PlainText {
    private PlainText() {}

    public static void send(HttpServerExchange exchange, int status, String message) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send(message + "\n");
    }

    /** 413; whether the connection stays is up to {@link BodyLimit} (it drops a body of reasonable size first). */
    public static void tooLarge(HttpServerExchange exchange, long maxBody) {
        tooLarge(exchange, "max_body", maxBody);
    }

    public static void tooLarge(HttpServerExchange exchange, String setting, long max) {
        send(exchange, 413, "request body is larger than " + setting + " (" + max + " bytes)");
    }

    public static HttpHandler status(int status, String message) {
        return exchange -> send(exchange, status, message);
    }
}

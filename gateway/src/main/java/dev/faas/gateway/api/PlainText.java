package dev.faas.gateway.api;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * Short plain-text answers: every error the gateway itself writes goes through here (never a stack trace). Those
 * it answers a function call with also carry {@code X-Faas-Error} ({@link GatewayError}).
 */
public final class PlainText {
    private PlainText() {}

    public static void send(HttpServerExchange exchange, int status, String message) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send(message + "\n");
    }

    /** An error of the gateway's own, marked {@code X-Faas-Error: <reason>}. */
    public static void error(HttpServerExchange exchange, int status, GatewayError reason, String message) {
        reason.mark(exchange);
        send(exchange, status, message);
    }

    /** 413; whether the connection stays is up to {@link BodyLimit} (it drops a body of reasonable size first). */
    public static void tooLarge(HttpServerExchange exchange, long maxBody) {
        tooLarge(exchange, "max_body", maxBody);
    }

    public static void tooLarge(HttpServerExchange exchange, String setting, long max) {
        error(exchange, 413, GatewayError.TOO_LARGE, "request body is larger than " + setting + " (" + max + " bytes)");
    }

    public static HttpHandler status(int status, String message) {
        return exchange -> send(exchange, status, message);
    }
}

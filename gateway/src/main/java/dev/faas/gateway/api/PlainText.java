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

    /** 413, closing the connection afterwards: the unread rest of the body must not be taken for a next request. */
    public static void tooLarge(HttpServerExchange exchange, long maxBody) {
        exchange.setPersistent(false);
        send(exchange, 413, "request body is larger than max_body (" + maxBody + " bytes)");
    }

    public static HttpHandler status(int status, String message) {
        return exchange -> send(exchange, status, message);
    }
}

package dev.faas.gateway.proxy;

import dev.faas.gateway.api.GatewayError;
import dev.faas.gateway.api.PlainText;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.Protocols;

/**
 * Refuses requests whose body framing the gateway would have to guess, before any route sees them (RFC 9112 §6).
 * Undertow's parser already refuses a Content-Length with a Transfer-Encoding, differing or malformed
 * Content-Lengths and two Transfer-Encoding fields; what it lets through is a Transfer-Encoding other than exactly
 * {@code chunked} ({@code xchunked}, {@code chunked, gzip}, {@code identity}, ...). Forwarded, such a body was read by
 * neither side the same way: the caller waited the whole upstream_timeout for a 502 while holding a connection to
 * the function. Such a request is 400 and its connection closed (where its body ends is unknown). A chunked body is
 * read strictly ({@link StrictChunks}). CONNECT is 501: the gateway opens no tunnels (it was answered with the Alexa
 * hint).
 */
public final class StrictFraming implements HttpHandler {
    private final HttpHandler next;

    private StrictFraming(HttpHandler next) {
        this.next = next;
    }

    public static HttpHandler guard(HttpHandler next) {
        return new StrictFraming(next);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        HeaderValues te = exchange.getRequestHeaders().get(Headers.TRANSFER_ENCODING);
        if (te != null) {
            if (!isChunkedOnly(te, exchange)) {
                exchange.setPersistent(false);
                PlainText.error(exchange, 400, GatewayError.BAD_REQUEST, "Transfer-Encoding "
                        + quote(String.join(", ", te)) + " is not supported: send the body with a Content-Length or"
                        + " Transfer-Encoding: chunked");
                return;
            }
            StrictChunks.install(exchange);
        }
        if (exchange.getRequestMethod().equals(Methods.CONNECT)) {
            exchange.setPersistent(false);
            PlainText.error(exchange, 501, GatewayError.BAD_REQUEST,
                    "CONNECT is not supported: the gateway opens no tunnels");
            return;
        }
        next.handleRequest(exchange);
    }

    /** One field, one coding, {@code chunked} (case-insensitive), and an HTTP/1.1 request (1.0 has no chunking). */
    private static boolean isChunkedOnly(HeaderValues te, HttpServerExchange exchange) {
        return te.size() == 1 && te.getFirst().trim().equalsIgnoreCase("chunked")
                && exchange.getProtocol().equals(Protocols.HTTP_1_1);
    }

    private static String quote(String value) {
        String s = value.length() > 60 ? value.substring(0, 60) + "..." : value;
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c >= 0x7f ? '?' : c);
        }
        return b.append('"').toString();
    }
}

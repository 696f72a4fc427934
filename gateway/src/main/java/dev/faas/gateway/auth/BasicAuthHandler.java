package dev.faas.gateway.auth;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.function.UnaryOperator;

/** Lets a request through to {@code next} only with the right basic-auth credentials; else 401 and a challenge. */
public final class BasicAuthHandler implements HttpHandler {
    static final String CHALLENGE = "Basic realm=\"faas\"";

    private final Credentials credentials;
    private final HttpHandler next;

    public BasicAuthHandler(Credentials credentials, HttpHandler next) {
        this.credentials = credentials;
        this.next = next;
    }

    /** Wraps handlers with this check, or leaves them open when there are no credentials (basic_auth=false). */
    public static UnaryOperator<HttpHandler> guard(Credentials credentials) {
        return credentials == null ? UnaryOperator.identity() : h -> new BasicAuthHandler(credentials, h);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (credentials.accepts(exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION))) {
            next.handleRequest(exchange);
            return;
        }
        exchange.setStatusCode(401);
        exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, CHALLENGE);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send("unauthorized: this route needs basic auth (user and password of the "
                + "gateway's basic-auth-user and basic-auth-password secrets)\n");
    }
}

package dev.faas.gateway.api;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/** {@code GET /system/namespaces}: the one namespace the gateway answers to (see {@link Namespace}). */
public final class NamespacesHandler implements HttpHandler {
    private final String json;

    public NamespacesHandler(Namespace namespace) {
        this.json = "[\"" + namespace.name().replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(json);
    }
}

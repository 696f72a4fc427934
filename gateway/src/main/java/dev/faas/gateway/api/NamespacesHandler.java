package dev.faas.gateway.api;

import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;

/** {@code GET /system/namespaces}: Swarm has no namespaces, so the list is empty (as faas-swarm's was). */
public final class NamespacesHandler implements HttpHandler {
    @Override
    public void handleRequest(io.undertow.server.HttpServerExchange exchange) {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send("[]");
    }
}

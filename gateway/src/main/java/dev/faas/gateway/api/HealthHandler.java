package dev.faas.gateway.api;

import dev.faas.gateway.provider.FunctionProvider;
import dev.faas.gateway.provider.ProviderHealth;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * /healthz: 200 "OK" while the provider sees its orchestrator. When it does not, still 200 (the gateway keeps
 * routing from its last known state, and a restart would only lose that state) with a body that starts with
 * "DEGRADED" and says why, so a person or a probe that reads the body can tell.
 */
public final class HealthHandler implements HttpHandler {
    private final FunctionProvider provider;

    public HealthHandler(FunctionProvider provider) {
        this.provider = provider;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        ProviderHealth h = provider.health();
        String body = h.connected() ? "OK"
                : "DEGRADED: " + h.detail() + "; routing from the state last read at " + h.lastSync();
        PlainText.send(exchange, 200, body);
    }
}

package dev.faas.gateway.api;

import dev.faas.gateway.provider.SecretStore;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * /system/secrets: list names (values never leave the swarm), create (201), delete (200: OpenFaaS's clients accept
 * only 200 or 202, and {@code faas-cli secret remove} fails on a 204). PUT answers 405: a Swarm
 * secret cannot change; create one under a new name and update the functions that use it.
 */
public final class SecretsHandler {
    /** OpenFaaS's secret body; rawValue (bytes, base64 in JSON) wins over value. */
    public record SecretRequest(String name, String namespace, String value, byte[] rawValue) {}

    private final SecretStore store;
    private final Namespace namespace;

    public SecretsHandler(SecretStore store, Namespace namespace) {
        this.store = store;
        this.namespace = namespace;
    }

    public HttpHandler list() {
        return Api.blocking(exchange -> {
            namespace.checkQuery(exchange);
            List<Map<String, String>> secrets = new ArrayList<>();
            for (String name : store.names()) {
                secrets.add(Map.of("name", name, "namespace", namespace.name()));
            }
            Api.json(exchange, 200, secrets);
        });
    }

    public HttpHandler create() {
        return Api.blocking(exchange -> {
            SecretRequest r = Api.read(exchange, SecretRequest.class);
            DeploymentRequests.requireName("name", r.name());
            namespace.check(r.namespace());
            byte[] value = r.rawValue() != null ? r.rawValue()
                    : r.value() != null ? r.value().getBytes(StandardCharsets.UTF_8) : null;
            if (value == null || value.length == 0) {
                throw Api.invalid("value (text) or rawValue (base64) is required");
            }
            store.create(r.name(), value);
            PlainText.send(exchange, 201, "secret " + r.name() + " created");
        });
    }

    public HttpHandler update() {
        return exchange -> {
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, POST, DELETE");
            PlainText.send(exchange, 405, "Swarm secrets cannot change: create a secret with a new name, update "
                    + "the functions to use it, then delete the old one");
        };
    }

    public HttpHandler delete() {
        return Api.blocking(exchange -> {
            SecretRequest r = Api.read(exchange, SecretRequest.class);
            DeploymentRequests.requireName("name", r.name());
            namespace.check(r.namespace());
            store.remove(r.name());
            PlainText.send(exchange, 200, "secret " + r.name() + " deleted");
        });
    }
}

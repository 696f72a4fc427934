package dev.faas.gateway.api;

import dev.faas.gateway.provider.ManagementException;
import io.undertow.server.HttpServerExchange;

/**
 * Swarm has no namespaces, but OpenFaaS clients pass one back: whatever {@code GET /system/namespaces} listed
 * ({@code faas-cli -n}, the UI), or {@code openfaas-fn} written into scripts. The gateway therefore reports one name
 * ({@code function_namespace}) and treats it and "" alike; any other namespace is a 400 that names the one there is.
 */
public record Namespace(String name) {

    public void check(String requested) throws ManagementException {
        if (requested != null && !requested.isEmpty() && !requested.equals(name)) {
            throw Api.invalid("namespace \"" + DeploymentRequests.printable(requested) + "\" does not exist: the only "
                    + "namespace is \"" + name + "\" (or leave it out)");
        }
    }

    /** {@code ?namespace=} of a request. */
    void checkQuery(HttpServerExchange exchange) throws ManagementException {
        check(Api.query(exchange, "namespace"));
    }
}

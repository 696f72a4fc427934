package dev.faas.gateway.provider;

import java.util.List;

/**
 * A deployed function as the gateway routes to it.
 *
 * @param id          the provider's stable id (a Swarm service id); never shown to callers
 * @param name        the name callers use: {@code com.openfaas.function}, else the service name without its stack prefix
 * @param serviceName the provider's full name (a Swarm service name), which resolves too
 * @param desiredReplicas how many replicas the provider is asked to run
 * @param replicas    the replicas ready for traffic now
 */
public record Function(String id, String name, String serviceName, int desiredReplicas, List<Replica> replicas) {
    public Function {
        replicas = List.copyOf(replicas);
    }

    public boolean hasReadyReplica() {
        return !replicas.isEmpty();
    }
}

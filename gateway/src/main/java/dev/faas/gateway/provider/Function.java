package dev.faas.gateway.provider;

import java.util.List;
import java.util.Map;

/**
 * A deployed function as the gateway routes to it.
 *
 * @param id          the provider's stable id (a Swarm service id); never shown to callers
 * @param name        the name callers use: {@code com.openfaas.function}, else the service name without its stack prefix
 * @param serviceName the provider's full name (a Swarm service name), which resolves too
 * @param desiredReplicas how many replicas the provider is asked to run
 * @param replicas    the replicas ready for traffic now
 * @param labels      the function's labels (scaling limits, scale to zero)
 * @param lastFailure the latest replica that failed to start or died, or null: why a cold start cannot succeed
 */
public record Function(String id, String name, String serviceName, int desiredReplicas, List<Replica> replicas,
                       Map<String, String> labels, StartFailure lastFailure) {
    public Function {
        replicas = List.copyOf(replicas);
        labels = Map.copyOf(labels);
    }

    public Function(String id, String name, String serviceName, int desiredReplicas, List<Replica> replicas) {
        this(id, name, serviceName, desiredReplicas, replicas, Map.of(), null);
    }

    public boolean hasReadyReplica() {
        return !replicas.isEmpty();
    }
}

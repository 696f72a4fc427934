package dev.faas.gateway.provider;

import java.net.URI;

/**
 * One ready replica of a function.
 *
 * @param id          the provider's id of the replica (a Swarm task id)
 * @param containerId the container running it, when known (lets a container "die" event drop it at once), else ""
 * @param address     where its watchdog listens, e.g. {@code http://10.231.1.7:8080/}
 */
public record Replica(String id, String containerId, URI address) {}

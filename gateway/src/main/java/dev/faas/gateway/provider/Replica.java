package dev.faas.gateway.provider;

import java.net.URI;
import java.time.Instant;

/**
 * One ready replica of a function.
 *
 * @param id          the provider's id of the replica (a Swarm task id)
 * @param containerId the container running it, when known (lets a container "die" event drop it at once), else ""
 * @param address     where its watchdog listens, e.g. {@code http://10.231.1.7:8080/}
 * @param startup     how its start went, when the gateway saw it start; null for one found running
 */
public record Replica(String id, String containerId, URI address, Startup startup) {
    public Replica(String id, String containerId, URI address) {
        this(id, containerId, address, null);
    }

    /**
     * When a replica's container was created and started (either may be null where the orchestrator's node is not
     * the gateway's) and when it first answered the gateway's probe (or was reported ready).
     */
    public record Startup(Instant created, Instant started, Instant ready) {}
}

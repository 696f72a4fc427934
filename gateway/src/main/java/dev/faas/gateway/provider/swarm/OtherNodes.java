package dev.faas.gateway.provider.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.gateway.replica.ReplicaReachability;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the gateway must do itself once a swarm has more than one node, because Docker tells a manager little about
 * the others:
 * <ul>
 *   <li>Container events come from this node's daemon only, so another node's task that starts, turns healthy or
 *   dies is seen only in {@code /tasks}: while there are other nodes, the tasks are read every
 *   {@value #TASK_POLL_MS} ms and the registry rebuilt when they changed.</li>
 *   <li>A node that dies keeps its tasks "running" until Swarm marks it down (10-15 s with the default heartbeat):
 *   its replicas are connected to every {@value #REACH_INTERVAL_MS} ms ({@link ReplicaReachability}) and taken out
 *   of routing after two failed connects, and every task of a node Swarm has marked down is left out.</li>
 * </ul>
 * On one node none of this runs: the events say everything.
 */
final class OtherNodes implements AutoCloseable {
    static final long TASK_POLL_MS = 250;
    static final long REACH_INTERVAL_MS = 200;

    private final DockerApi docker;
    private final ReplicaReachability reachability;
    private volatile String ownNode = "";
    private volatile Set<String> lost = Set.of();
    private volatile int count = 1;
    private String fingerprint = "";

    /** @param changed told when a replica became unreachable or reachable again */
    OtherNodes(DockerApi docker, Runnable changed) {
        this.docker = docker;
        this.reachability = new ReplicaReachability(Duration.ofMillis(REACH_INTERVAL_MS), Duration.ofMillis(300), 2,
                id -> changed.run());
    }

    /** Re-reads the nodes: how many, which are lost, which one this is. Part of every full re-read. */
    void read() throws IOException {
        JsonNode nodes = docker.get("/nodes", "{}");
        count = nodes.size();
        lost = SwarmState.lostNodes(nodes);
        if (ownNode.isEmpty() && count > 1) {
            ownNode = docker.get("/info", "{}").path("Swarm").path("NodeID").asText("");
        }
    }

    boolean many() {
        return count > 1;
    }

    String ownNode() {
        return ownNode;
    }

    /** {@code tasks} without those of lost nodes and those that stopped accepting connections. */
    JsonNode routable(JsonNode tasks) {
        return SwarmState.without(tasks, reachability.unreachable(), lost);
    }

    /** Watches exactly these replicas on other nodes (task id → watchdog address). */
    void watch(Map<String, URI> elsewhere) {
        reachability.watchOnly(elsewhere);
    }

    /**
     * True when {@code tasks} differ from what this was last shown (a task came, went, or changed state: Swarm
     * bumps a task's version on every change). Called from the sync thread only.
     */
    boolean changed(JsonNode tasks) {
        Map<String, String> versions = new TreeMap<>();
        tasks.forEach(t -> versions.put(t.path("ID").asText(), t.path("Version").path("Index").asText()));
        String now = versions.toString();
        boolean changed = !now.equals(fingerprint);
        fingerprint = now;
        return changed;
    }

    @Override
    public void close() {
        reachability.close();
    }
}

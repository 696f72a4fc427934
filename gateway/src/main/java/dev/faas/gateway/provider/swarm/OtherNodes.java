package dev.faas.gateway.provider.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.gateway.replica.ReplicaReachability;
import java.io.IOException;
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
 *   {@value #TASK_POLL_MS} ms while they change (every 500 ms once calm) and the registry rebuilt when they
 *   changed.</li>
 *   <li>A node that dies keeps its tasks "running" until Swarm marks it down (10-15 s with the default heartbeat):
 *   one replica of each other node is connected to every {@value #REACH_INTERVAL_MS} ms ({@link
 *   ReplicaReachability}), and a node none of whose replicas accepts is taken out of routing; every task of a node
 *   Swarm has marked down is left out too.</li>
 * </ul>
 * On one node none of this runs: the events say everything.
 */
final class OtherNodes implements AutoCloseable {
    static final long TASK_POLL_MS = 250;
    /** After this long without a task change, the tasks are read every other poll only (every 500 ms). */
    private static final long CALM_AFTER_NS = 5_000_000_000L;
    static final long REACH_INTERVAL_MS = 200;

    private final DockerApi docker;
    private final ReplicaReachability reachability;
    private volatile String ownNode = "";
    private volatile Set<String> lost = Set.of();
    private volatile int count = 1;
    private String fingerprint = "";
    private long lastChange = System.nanoTime();
    private boolean skipped;

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
        if (ownNode.isEmpty() && count > 1) {
            ownNode = docker.get("/info", "{}").path("Swarm").path("NodeID").asText("");
        }
        lost = SwarmState.lostNodes(nodes, ownNode);
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

    /** Watches exactly these replicas on other nodes (task id → watchdog address and node). */
    void watch(Map<String, ReplicaReachability.Target> elsewhere) {
        reachability.watchOnly(elsewhere);
    }

    /**
     * Whether this poll should read the tasks: every poll while tasks change, every other one once they have been
     * calm for a while. Called from the sync thread only.
     */
    boolean due() {
        if (System.nanoTime() - lastChange < CALM_AFTER_NS) {
            return true;
        }
        skipped = !skipped;
        return !skipped;
    }

    /**
     * True when {@code tasks} differ from the ones the registry was last built from ({@link #built}): a task came,
     * went, or changed state (Swarm bumps a task's version on every change). Called from the sync thread only.
     */
    boolean changed(JsonNode tasks) {
        return !fingerprint(tasks).equals(fingerprint);
    }

    /** The registry was built from {@code tasks}: only a re-read that worked settles a change. Sync thread only. */
    void built(JsonNode tasks) {
        String now = fingerprint(tasks);
        if (!now.equals(fingerprint)) {
            fingerprint = now;
            lastChange = System.nanoTime();
        }
    }

    private static String fingerprint(JsonNode tasks) {
        Map<String, String> versions = new TreeMap<>();
        tasks.forEach(t -> versions.put(t.path("ID").asText(), t.path("Version").path("Index").asText()));
        return versions.toString();
    }

    @Override
    public void close() {
        reachability.close();
    }
}

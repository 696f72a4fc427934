package dev.faas.gateway.replica;

import dev.faas.common.DaemonThreads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices within a second that a node other than the gateway's is lost, long before Swarm does: a node that dies
 * keeps its tasks "running" in the API until its heartbeat expires (10-15 s), and its containers' events never
 * reached this node anyway.
 * <p>
 * One replica per node (its sentinel) gets a TCP connect to its watchdog every {@code interval}, so the cost grows
 * with the nodes, not the replicas. After {@code misses} failed connects in a row (none within
 * {@code connectTimeout}) the node's other replicas are tried once: if one accepts, it becomes the sentinel (the old
 * one's container died: Swarm's task list says so soon) and the node stays; if none does, the node is lost and every
 * replica on it unreachable. A lost node's replicas are tried on every interval; the first that accepts brings
 * the node back (three of them a check, a different three each time). Each change is reported to {@code changed} with the node's id.
 * <p>
 * A connect, not an HTTP call: it costs the watchdog an accept and a close, and it is what a call needs first.
 * A process that is frozen behind a live kernel still accepts: that is a slow replica, not a lost node.
 */
public final class ReplicaReachability implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaReachability.class);

    /** A replica to watch: its watchdog's address and the node it runs on. */
    public record Target(URI address, String node) {}

    private final Duration interval;
    private final Duration connectTimeout;
    private final int misses;
    private final Consumer<String> changed;
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("replica-reach-"));
    private final ExecutorService connects = Executors.newFixedThreadPool(2, DaemonThreads.named("replica-connect-"));
    private final Map<String, Node> nodes = new ConcurrentHashMap<>();

    public ReplicaReachability(Duration interval, Duration connectTimeout, int misses, Consumer<String> changed) {
        if (misses < 1 || interval.isNegative() || interval.isZero() || connectTimeout.isNegative()
                || connectTimeout.isZero()) {
            throw new IllegalArgumentException("interval and connectTimeout must be positive, misses at least 1");
        }
        this.interval = interval;
        this.connectTimeout = connectTimeout;
        this.misses = misses;
        this.changed = changed;
        ticks.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Watches exactly these replicas (id → where) from now on; the others, and empty nodes, are forgotten. */
    public void watchOnly(Map<String, Target> replicas) {
        Map<String, Map<String, URI>> byNode = new HashMap<>();
        replicas.forEach((id, t) -> byNode.computeIfAbsent(t.node(), n -> new TreeMap<>()).put(id, t.address()));
        nodes.keySet().retainAll(byNode.keySet());
        byNode.forEach((node, those) -> nodes.computeIfAbsent(node, Node::new).replicas = Map.copyOf(those));
    }

    /** The watched replicas on nodes that are lost. */
    public Set<String> unreachable() {
        Set<String> result = new HashSet<>();
        nodes.values().forEach(n -> {
            if (n.lost) {
                result.addAll(n.replicas.keySet());
            }
        });
        return result;
    }

    private void tick() {
        for (Node n : nodes.values()) {
            if (!n.inFlight) {
                n.inFlight = true;
                try {
                    connects.execute(n::check);
                } catch (RejectedExecutionException closing) {
                    return;
                }
            }
        }
    }

    private boolean accepts(URI address) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address.getHost(), address.getPort()), (int) connectTimeout.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        ticks.shutdownNow();
        connects.shutdownNow();
    }

    /** One node's replicas and what its last connects said; checked by one connect thread at a time. */
    private final class Node {
        private final String id;
        private volatile Map<String, URI> replicas = Map.of();
        private volatile boolean inFlight;
        private volatile boolean lost;
        private String sentinel;
        private int failures;
        private int rotation;

        Node(String id) {
            this.id = id;
        }

        void check() {
            try {
                Map<String, URI> now = replicas;
                if (sentinel == null || !now.containsKey(sentinel)) {
                    sentinel = now.keySet().stream().findFirst().orElse(null);
                    failures = 0;
                }
                if (sentinel == null) {
                    return;
                }
                if (lost) {
                    String answering = firstAccepting(now, null);
                    if (answering != null && nodes.get(id) == this) {
                        sentinel = answering;
                        failures = 0;
                        lost = false;
                        LOG.info("event=node_reachable node={} replicas={}", id, now.size());
                        changed.accept(id);
                    }
                    return;
                }
                if (accepts(now.get(sentinel))) {
                    failures = 0;
                    return;
                }
                if (++failures < misses) {
                    return;
                }
                String other = firstAccepting(now, sentinel);
                if (other != null) {
                    sentinel = other; // the sentinel's container is gone, not its node
                    failures = 0;
                } else if (nodes.get(id) == this) {
                    lost = true;
                    LOG.warn("event=node_unreachable node={} replicas={} misses={} action=\"its replicas are not "
                            + "routed to until one accepts connections again; Swarm reschedules them once it marks "
                            + "the node down\"", id, now.size(), failures);
                    changed.accept(id);
                }
            } finally {
                inFlight = false;
            }
        }

        /**
         * The first of three other replicas that accepts, a different three each time (a dead node costs three
         * timeouts a check, and replicas listed but gone cannot hide the live ones for long).
         */
        private String firstAccepting(Map<String, URI> replicas, String except) {
            List<Map.Entry<String, URI>> others = replicas.entrySet().stream()
                    .filter(e -> !e.getKey().equals(except)).toList();
            int from = others.isEmpty() ? 0 : Math.floorMod(rotation, others.size());
            rotation += 3;
            for (int i = 0; i < Math.min(3, others.size()); i++) {
                Map.Entry<String, URI> r = others.get((from + i) % others.size());
                if (accepts(r.getValue())) {
                    return r.getKey();
                }
            }
            return null;
        }
    }
}

package dev.faas.gateway.replica;

import dev.faas.common.DaemonThreads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
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
 * Notices within a second that replicas on another node can no longer be reached, long before Swarm does: a node
 * that dies keeps its tasks "running" in the API until its heartbeat expires (10-15 s), and its containers' events
 * never reached this node anyway. Every watched replica gets a TCP connect to its watchdog every {@code interval};
 * {@code misses} failed connects in a row (none within {@code connectTimeout}) make it unreachable, and the next
 * connect that succeeds makes it reachable again. Each change is reported to {@code changed} with the replica's id.
 * <p>
 * A connect, not an HTTP call: it costs the watchdog an accept and a close, and it is what a call needs first.
 * A process that is frozen behind a live kernel still accepts: that is a slow replica, not a lost one.
 */
public final class ReplicaReachability implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaReachability.class);

    private final Duration interval;
    private final Duration connectTimeout;
    private final int misses;
    private final Consumer<String> changed;
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("replica-reach-"));
    private final ExecutorService connects = Executors.newFixedThreadPool(4, DaemonThreads.named("replica-connect-"));
    private final Map<String, Watched> watched = new ConcurrentHashMap<>();
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();

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

    /** Watches exactly these replicas (id → watchdog address) from now on; the others are forgotten. */
    public void watchOnly(Map<String, URI> replicas) {
        watched.keySet().retainAll(replicas.keySet());
        unreachable.retainAll(replicas.keySet());
        replicas.forEach((id, address) -> {
            Watched w = watched.get(id);
            if (w == null || !w.address.equals(address)) {
                watched.put(id, new Watched(id, address));
            }
        });
    }

    /** The watched replicas that did not accept a connection lately. */
    public Set<String> unreachable() {
        return Set.copyOf(unreachable);
    }

    private void tick() {
        for (Watched w : watched.values()) {
            if (w.inFlight) {
                continue; // one connect at a time per replica: a dead one must not pile up attempts
            }
            w.inFlight = true;
            try {
                connects.execute(w::connect);
            } catch (RejectedExecutionException closing) {
                return;
            }
        }
    }

    @Override
    public void close() {
        ticks.shutdownNow();
        connects.shutdownNow();
    }

    private final class Watched {
        private final String id;
        private final URI address;
        private volatile boolean inFlight;
        private int failures;

        Watched(String id, URI address) {
            this.id = id;
            this.address = address;
        }

        void connect() {
            boolean ok;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address.getHost(), address.getPort()),
                        (int) connectTimeout.toMillis());
                ok = true;
            } catch (IOException e) {
                ok = false;
            } finally {
                inFlight = false;
            }
            if (watched.get(id) != this) {
                return; // forgotten meanwhile
            }
            if (ok) {
                failures = 0;
                if (unreachable.remove(id)) {
                    LOG.info("event=replica_reachable task={} address={}", id, address);
                    changed.accept(id);
                }
            } else if (++failures >= misses && unreachable.add(id)) {
                LOG.warn("event=replica_unreachable task={} address={} misses={} action=\"not routed to until it "
                        + "accepts connections again; if its node is down, Swarm reschedules its tasks\"",
                        id, address, failures);
                changed.accept(id);
            }
        }
    }

    @Override
    public String toString() {
        return "ReplicaReachability[every " + interval + ", " + misses + " misses of " + connectTimeout + "]";
    }
}

package dev.faas.gateway.provider.swarm;

import dev.faas.gateway.replica.HealthProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Makes a starting task routable the moment its watchdog answers {@code /_/health}, instead of after Swarm's first
 * health check (2 s in stack.yml): it is probed every 10 ms, and the first 200 is recorded in {@link TaskStarts},
 * which {@link SwarmState} reads as "ready"; then its service is re-read.
 * <p>
 * The probe begins at the container's start event. Swarm reports a task "starting" before its container runs
 * (measured: 520 ms before), and a connection tried to an address with nothing behind it yet is lost rather than
 * refused: the kernel then retries its address lookup only once a second, which cost more than the wait (cold
 * starts of 1.5-2.0 s against 1.0-1.2 s). A container on another node sends no event to this node: its probe begins
 * 500 ms after Swarm's "starting".
 */
final class StartingReplicas implements AutoCloseable {
    private static final long REMOTE_PROBE_DELAY_MS = 500;

    private final TaskStarts starts;
    private final ScheduledExecutorService scheduler;
    private final Consumer<String> answered;
    // Short attempts to connect; a just-started JVM answers its first requests slowly, so the answer gets 1 s.
    private final HealthProbe probe = new HealthProbe(Duration.ofMillis(10), Duration.ofMillis(100),
            Duration.ofMinutes(1));
    /** Tasks with an address whose container has not started yet: its start event begins their probe. */
    private final Map<String, SwarmState.Starting> awaitingStart = new ConcurrentHashMap<>();
    private final Set<String> remoteFallback = ConcurrentHashMap.newKeySet();

    /** @param answered told the service id of each task whose watchdog answered */
    StartingReplicas(TaskStarts starts, ScheduledExecutorService scheduler, Consumer<String> answered) {
        this.starts = starts;
        this.scheduler = scheduler;
        this.answered = answered;
    }

    /** Probes these unanswered tasks now or once their containers start. */
    void consider(Collection<SwarmState.Starting> unanswered) {
        for (SwarmState.Starting s : unanswered) {
            if (starts.hasStarted(s.taskId())) {
                awaitingStart.remove(s.taskId());
                probe(s);
            } else {
                awaitingStart.put(s.taskId(), s);
                if (s.containerUp() && remoteFallback.add(s.taskId())) {
                    scheduler.schedule(() -> containerStarted(s.taskId()), REMOTE_PROBE_DELAY_MS,
                            TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    /** The container of a task started (its event, or the fallback's delay for another node's). */
    void containerStarted(String taskId) {
        SwarmState.Starting waiting = awaitingStart.remove(taskId);
        if (waiting != null) {
            probe(waiting);
        }
    }

    /** Forgets tasks that are gone. */
    void retainOnly(Set<String> live) {
        awaitingStart.keySet().retainAll(live);
        remoteFallback.retainAll(live);
    }

    private void probe(SwarmState.Starting s) {
        probe.watch(s.taskId(), s.address(), () -> {
            starts.answered(s.taskId(), Instant.now());
            answered.accept(s.serviceId());
        });
    }

    @Override
    public void close() {
        probe.close();
    }
}

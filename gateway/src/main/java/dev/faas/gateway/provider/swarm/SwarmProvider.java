package dev.faas.gateway.provider.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.gateway.config.GatewayConfig;
import dev.faas.gateway.provider.Function;
import dev.faas.gateway.provider.FunctionProvider;
import dev.faas.gateway.provider.FunctionRegistry;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ProviderHealth;
import dev.faas.gateway.provider.ProviderInfo;
import dev.faas.gateway.provider.StartFailure;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovers functions in Docker Swarm and keeps the registry current, all on one background thread:
 * <ul>
 *   <li>Docker events (service create/update/remove, container start/die/health_status) re-read the one service
 *   they concern; while its tasks are still starting it is re-read every 200 ms (up to a minute), and a dying
 *   container is dropped at once.</li>
 *   <li>A task Swarm holds in {@code starting} (its health check runs on an interval: 2 s in stack.yml) is probed
 *   at its watchdog's /_/health every 20 ms from the moment it is seen, and routed to as soon as that answers 200,
 *   the same condition the health check tests.</li>
 *   <li>A single service's re-read also reads its failed tasks: the newest one's error is the function's last
 *   failure, which a call held for a cold start answers with.</li>
 *   <li>On more than one node, other nodes' tasks are watched through {@code /tasks} and their replicas' reachability
 *   ({@link OtherNodes}), since their containers' events never reach this node; node events re-read everything.</li>
 *   <li>A full re-read every {@code resync_interval} catches anything the event stream missed.</li>
 *   <li>When Docker cannot be reached, the registry keeps its last state (routing goes on) and health says so; the
 *   change is logged once each way.</li>
 * </ul>
 */
public final class SwarmProvider implements FunctionProvider {
    private static final Logger LOG = LoggerFactory.getLogger(SwarmProvider.class);
    private static final long CONVERGE_POLL_MS = 200;
    private static final String RUNNING_TASKS = "{\"desired-state\":[\"running\"]}";
    private static final long CONVERGE_LIMIT_NS = TimeUnit.MINUTES.toNanos(1);
    private static final long DEAD_MEMORY_NS = TimeUnit.MINUTES.toNanos(1);

    private final DockerApi docker;
    private final SwarmState state;
    private final FunctionsNetwork network;
    private final Duration resyncInterval;
    private final Duration dockerTimeout;
    private final ScheduledExecutorService sync = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "swarm-sync");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> convergingUntil = new ConcurrentHashMap<>();
    private final Map<String, Long> deadContainers = new ConcurrentHashMap<>();
    private final TaskStarts starts = new TaskStarts();
    private final Map<String, StartFailure> failures = new ConcurrentHashMap<>();
    private final StartingReplicas starting = new StartingReplicas(starts, sync, this::refreshSoon);
    private final OtherNodes others;
    private final SwarmEvents events;
    private volatile ProviderHealth health = new ProviderHealth(false, "not read from docker yet", null);
    private volatile FunctionRegistry registry;
    /** The network served, as of the last full re-read; a single-service refresh reuses it. */
    private volatile FunctionsNetwork.Resolved served;
    private volatile boolean closed;

    public SwarmProvider(DockerApi docker, GatewayConfig config) {
        this.docker = docker;
        this.state = new SwarmState(config.functionPort());
        this.network = new FunctionsNetwork(new DockerRest(docker), config.functionsNetwork(), config.ownContainer());
        this.resyncInterval = config.resyncInterval();
        this.dockerTimeout = config.dockerTimeout();
        this.others = new OtherNodes(docker, this::resyncSoon);
        this.events = new SwarmEvents(docker, sync, new EventsHandled());
    }

    @Override
    public ProviderInfo info() {
        return new ProviderInfo("faas-swarm", "swarm", "1");
    }

    @Override
    public ProviderHealth health() {
        return health;
    }

    @Override
    public void start(FunctionRegistry target) {
        this.registry = target;
        sync.execute(events::subscribe);
        sync.scheduleWithFixedDelay(this::resyncAll, 0, resyncInterval.toMillis(), TimeUnit.MILLISECONDS);
        sync.scheduleWithFixedDelay(this::pollOtherNodes, OtherNodes.TASK_POLL_MS, OtherNodes.TASK_POLL_MS,
                TimeUnit.MILLISECONDS);
    }

    private void resyncSoon() {
        if (!closed) {
            try {
                sync.execute(this::resyncAll);
            } catch (RejectedExecutionException closing) {
                // shutting down
            }
        }
    }

    /** On a swarm of several nodes: a re-read as soon as any task changed (see {@link OtherNodes}). */
    private void pollOtherNodes() {
        if (!others.many() || served == null || !others.due()) {
            return;
        }
        try {
            JsonNode tasks = docker.get("/tasks", RUNNING_TASKS);
            if (others.changed(tasks)) {
                resyncAll(tasks);
            }
        } catch (IOException | RuntimeException e) {
            unreachable(e);
        }
    }

    private void resyncAll() {
        resyncAll(null);
    }

    /** A full re-read; {@code tasks}: the running tasks when just read, else null. */
    private void resyncAll(JsonNode tasks) {
        try {
            FunctionsNetwork.Resolved net = network.resolve();
            served = net;
            JsonNode services = docker.get("/services", "{\"label\":[\"function=true\"]}");
            others.read();
            JsonNode all = tasks != null ? tasks : docker.get("/tasks", RUNNING_TASKS);
            JsonNode routable = others.routable(all);
            Set<String> dead = deadContainers();
            registry.replaceAll(state.functions(services, routable, dead, net, starts, failures));
            others.built(all);
            watchOtherNodes(all, net);
            Set<String> live = new HashSet<>();
            all.forEach(t -> live.add(t.path("ID").asText()));
            starts.retainOnly(live);
            starting.retainOnly(live);
            failures.keySet().retainAll(registry.all().stream().map(Function::id).toList());
            probeStarting(routable, dead, net);
            reachable(Instant.now());
        } catch (ManagementException e) {
            if (e.reason() == ManagementException.Reason.UNAVAILABLE) {
                unreachable(e);
            } else {
                noNetwork(e);
            }
        } catch (IOException | RuntimeException e) {
            unreachable(e);
        }
    }

    /**
     * Re-reads one service now and waits (at most a Docker deadline) until the registry has it: a function the API
     * just deployed is then known at once (503 until a replica runs, never a 404), one just removed is gone.
     */
    public void refreshNow(String serviceId) {
        if (closed || serviceId == null || serviceId.isEmpty()) {
            return;
        }
        convergingUntil.putIfAbsent(serviceId, System.nanoTime() + CONVERGE_LIMIT_NS);
        try {
            sync.submit(() -> refresh(serviceId)).get(dockerTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            // The events and the next re-read bring the registry up to date anyway.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Re-reads one service soon; requests that arrive before it runs are folded into one read. */
    private void refreshSoon(String serviceId) {
        if (!closed && pending.add(serviceId)) {
            sync.execute(() -> {
                pending.remove(serviceId);
                refresh(serviceId);
            });
        }
    }

    private void refresh(String serviceId) {
        FunctionsNetwork.Resolved net = served;
        if (net == null) {
            return; // the first full re-read has not found the network yet; it will read this service too
        }
        try {
            String id = "\"" + serviceId.replace("\"", "") + "\"";
            JsonNode services = docker.get("/services", "{\"id\":[" + id + "]}");
            if (services.isEmpty()) {
                registry.remove(serviceId);
                convergingUntil.remove(serviceId);
                failures.remove(serviceId);
                reachable(health.lastSync());
                return;
            }
            // Every task of the service, failed ones too (Swarm keeps a few per replica): they carry the errors.
            JsonNode all = docker.get("/tasks", "{\"service\":[" + id + "]}");
            JsonNode tasks = others.routable(all);
            StartFailure failure = SwarmState.lastFailure(all);
            if (failure != null) {
                failures.put(serviceId, failure);
            }
            Set<String> dead = deadContainers();
            List<Function> found = state.functions(services, tasks, dead, net, starts, failures).stream()
                    .filter(f -> f.id().equals(serviceId)).toList();
            probeStarting(tasks, dead, net);
            if (found.isEmpty()) {
                registry.remove(serviceId);
            } else {
                registry.put(found.get(0));
            }
            reachable(health.lastSync());
            keepWatchingWhileConverging(serviceId, !found.isEmpty() && SwarmState.isConverging(tasks));
        } catch (IOException | RuntimeException e) {
            unreachable(e);
        }
    }

    /** Hands the functions' replicas on other nodes to {@link OtherNodes} (none on a one-node swarm). */
    private void watchOtherNodes(JsonNode tasks, FunctionsNetwork.Resolved net) {
        if (!others.many()) {
            others.watch(Map.of());
            return;
        }
        Set<String> functionIds = new HashSet<>();
        registry.all().forEach(f -> functionIds.add(f.id()));
        others.watch(state.elsewhere(tasks, others.ownNode(), functionIds, net));
    }

    /** Hands the starting tasks of functions to {@link StartingReplicas}. */
    private void probeStarting(JsonNode tasks, Set<String> dead, FunctionsNetwork.Resolved net) {
        Set<String> functionIds = new HashSet<>();
        registry.all().forEach(f -> functionIds.add(f.id()));
        starting.consider(state.unanswered(tasks, functionIds, dead, net, starts));
    }

    private void keepWatchingWhileConverging(String serviceId, boolean converging) {
        Long until = convergingUntil.get(serviceId);
        if (converging && until != null && System.nanoTime() < until) {
            sync.schedule(() -> refreshSoon(serviceId), CONVERGE_POLL_MS, TimeUnit.MILLISECONDS);
        } else {
            convergingUntil.remove(serviceId);
        }
    }

    /** The event stream's news, acted on (see {@link SwarmEvents}). */
    private final class EventsHandled implements SwarmEvents.Listener {
        @Override
        public void listening() {
            resyncSoon(); // anything that happened while nothing listened
        }

        @Override
        public void nodeChanged() {
            resyncSoon();
        }

        @Override
        public void serviceChanged(String serviceId) {
            convergingUntil.putIfAbsent(serviceId, System.nanoTime() + CONVERGE_LIMIT_NS);
            refreshSoon(serviceId);
        }

        @Override
        public void containerDied(String containerId) {
            deadContainers.put(containerId, System.nanoTime() + DEAD_MEMORY_NS);
        }

        @Override
        public void containerCreated(String taskId, Instant at) {
            starts.containerCreated(taskId, at);
        }

        @Override
        public void containerStarted(String taskId, Instant at) {
            starts.containerStarted(taskId, at);
            starting.containerStarted(taskId);
        }
    }

    private Set<String> deadContainers() {
        long now = System.nanoTime();
        deadContainers.values().removeIf(expiry -> expiry < now);
        return Set.copyOf(deadContainers.keySet());
    }

    private void reachable(Instant lastSync) {
        if (!health.connected() && health.lastSync() != null) {
            LOG.info("event=docker_reachable functions={}", registry.all().size());
        }
        health = ProviderHealth.ok(lastSync);
    }

    /** Docker answers but the functions network is missing or ambiguous: nothing can be routed until it is fixed. */
    private void noNetwork(ManagementException e) {
        if (served != null || health.lastSync() == null && health.detail().startsWith("not read")) {
            LOG.warn("event=no_functions_network problem=\"{}\"", e.getMessage());
        }
        served = null;
        registry.replaceAll(List.of());
        health = new ProviderHealth(false, "no functions network: " + e.getMessage(), health.lastSync());
    }

    private void unreachable(Exception e) {
        String reason = DockerApi.describe(e);
        if (health.connected() || health.lastSync() == null && health.detail().startsWith("not read")) {
            LOG.warn("event=docker_unavailable reason=\"{}\" action=\"routing from the last known state; check "
                    + "that /var/run/docker.sock is mounted (or DOCKER_HOST is right)\"", reason);
        }
        health = new ProviderHealth(false, "docker API unavailable: " + reason, health.lastSync());
    }

    @Override
    public void close() {
        closed = true;
        events.close();
        sync.shutdownNow();
        starting.close();
        others.close();
        docker.close();
    }
}

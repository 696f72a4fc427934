package dev.faas.e2e;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls functions through the gateway at a fixed rate each (open loop: a slow answer does not slow the calls down),
 * until stopped. Counts the answers by function and status, so a test can compare them with Prometheus's.
 */
final class Traffic implements AutoCloseable {

    private final GatewayClient gateway;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "traffic");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();

    Traffic(GatewayClient gateway) {
        this.gateway = gateway;
    }

    /** Calls {@code function} {@code perSecond} times a second from now on. */
    Traffic call(String function, int perSecond, String body) {
        timer.scheduleAtFixedRate(() -> gateway.fire(function, body).whenComplete((status, error) ->
                answers.computeIfAbsent(function + " " + (error == null ? status : "failed"), k -> new AtomicInteger())
                        .incrementAndGet()), 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
        return this;
    }

    /** Answers so far, "function status" (or "function failed") to their count. */
    Map<String, Integer> answers() {
        Map<String, Integer> copy = new TreeMap<>();
        answers.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

package dev.faas.gateway.metrics;

import dev.faas.gateway.queue.QueueStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The queue's metrics. Counted by this gateway: {@code gateway_async_accepted_total{function_name}},
 * {@code gateway_async_finished_total{function_name,code,outcome}} (outcome {@code completed}: the function's answer
 * was final; {@code failed}: it kept answering 429/502/503/504 until the bound), {@code gateway_async_retries_total
 * {function_name}}, {@code gateway_async_running{function_name}}, {@code gateway_async_wait_seconds{function_name}}
 * (accepted → first try) and {@code gateway_async_callbacks_total{outcome}} (delivered, rejected: the receiver answered 4xx, retried, failed, refused: the URL was not allowed).
 * Read from the store every few seconds, so the same on every gateway: {@code gateway_async_queued{function_name}}
 * (stored, not running) and {@code gateway_async_oldest_seconds{function_name}} (the queue's age).
 */
public final class AsyncMetrics {
    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> queued = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> oldestMillis = new ConcurrentHashMap<>();

    public AsyncMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void accepted(String function) {
        Counter.builder("gateway_async_accepted_total").description("Queued calls accepted (202)")
                .tag("function_name", function).register(registry).increment();
    }

    public void waited(String function, Duration wait) {
        Timer.builder("gateway_async_wait_seconds").description("Time from a queued call's acceptance to its first try")
                .tag("function_name", function).register(registry).record(wait.isNegative() ? Duration.ZERO : wait);
    }

    public void running(String function, int delta) {
        running.computeIfAbsent(function, f -> {
            AtomicInteger v = new AtomicInteger();
            Gauge.builder("gateway_async_running", v, AtomicInteger::get)
                    .description("Queued calls this gateway is running now").tag("function_name", f).register(registry);
            return v;
        }).addAndGet(delta);
    }

    public void retried(String function) {
        Counter.builder("gateway_async_retries_total").description("Queued calls tried again")
                .tag("function_name", function).register(registry).increment();
    }

    public void finished(String function, int code, boolean failed) {
        Counter.builder("gateway_async_finished_total").description("Queued calls finished")
                .tag("function_name", function).tag("code", Integer.toString(code))
                .tag("outcome", failed ? "failed" : "completed").register(registry).increment();
    }

    public void callback(String outcome) {
        Counter.builder("gateway_async_callbacks_total").description("Callbacks posted, by outcome")
                .tag("outcome", outcome).register(registry).increment();
    }

    /** The store's view: functions no longer queued drop to 0. */
    public void queue(QueueStatus status) {
        Set<String> seen = new HashSet<>();
        for (QueueStatus.FunctionQueue q : status.functions()) {
            seen.add(q.function());
            gauge(queued, "gateway_async_queued", "Queued calls stored and not running", q.function()).set(q.waiting());
            gauge(oldestMillis, "gateway_async_oldest_seconds", "Age of the oldest queued call", q.function())
                    .set(Math.round(q.oldestSeconds() * 1000));
        }
        queued.forEach((f, v) -> { if (!seen.contains(f)) v.set(0); });
        oldestMillis.forEach((f, v) -> { if (!seen.contains(f)) v.set(0); });
    }

    private AtomicLong gauge(Map<String, AtomicLong> values, String name, String description, String function) {
        boolean seconds = name.endsWith("_seconds");
        return values.computeIfAbsent(function, f -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder(name, v, x -> seconds ? x.get() / 1000.0 : x.get()).description(description)
                    .tag("function_name", f).register(registry);
            return v;
        });
    }
}

package dev.faas.gateway.metrics;

import dev.faas.gateway.provider.Function;
import dev.faas.gateway.provider.FunctionRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * OpenFaaS's gateway metrics, with the same names and labels so existing dashboards and alert rules work:
 * {@code gateway_function_invocation_total{function_name,code}}, {@code gateway_functions_seconds{function_name,code}}
 * (histogram with Prometheus's default buckets, as OpenFaaS had), {@code gateway_function_invocation_started
 * {function_name}} (calls to a known function that started) and {@code gateway_service_count{function_name}}
 * (desired replicas). Meters are created once per function and status code, so recording costs two map look-ups.
 * A deleted function's series go with it.
 */
public final class FunctionMetrics implements FunctionRegistry.Listener {
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};
    static final String INVOCATIONS = "gateway_function_invocation_total";
    static final String DURATION = "gateway_functions_seconds";
    static final String STARTED = "gateway_function_invocation_started";
    static final String SERVICE_COUNT = "gateway_service_count";
    private static final List<String> PER_FUNCTION = List.of(INVOCATIONS, DURATION, STARTED, SERVICE_COUNT);

    private record Meters(Counter invocations, Timer duration) {}

    private final MeterRegistry registry;
    private final Map<String, Map<Integer, Meters>> meters = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> started = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> replicas = new ConcurrentHashMap<>();
    private final Map<String, java.time.Instant> lastCalls = new ConcurrentHashMap<>();

    public FunctionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A call to a known function starts (before a replica is picked: OpenFaaS counts it there too). */
    public void started(String function) {
        started.computeIfAbsent(function, name -> {
            // A gauge, not a Micrometer counter: Prometheus's client would export a counter as ..._started_total,
            // and OpenFaaS's dashboards query gateway_function_invocation_started.
            AtomicLong value = new AtomicLong();
            Gauge.builder(STARTED, value, AtomicLong::get)
                    .description("Function calls started through the gateway")
                    .tag("function_name", name).register(registry);
            return value;
        }).incrementAndGet();
    }

    public void record(String function, int code, long nanos) {
        Meters m = meters.computeIfAbsent(function, f -> new ConcurrentHashMap<>())
                .computeIfAbsent(code, c -> create(function, c));
        m.invocations.increment();
        m.duration.record(nanos, TimeUnit.NANOSECONDS);
        lastCalls.put(function, java.time.Instant.now());
    }

    /** When the function's latest call through this gateway ended, or null (the Blueprint health answer). */
    public java.time.Instant lastCall(String function) {
        return lastCalls.get(function);
    }

    /** How many calls a function has had, over every status code (for the management API's invocationCount). */
    public double invocationCount(String function) {
        Map<Integer, Meters> byCode = meters.get(function);
        return byCode == null ? 0 : byCode.values().stream().mapToDouble(m -> m.invocations.count()).sum();
    }

    private Meters create(String function, int code) {
        String c = Integer.toString(code);
        return new Meters(
                Counter.builder(INVOCATIONS)
                        .description("Function invocations through the gateway")
                        .tag("function_name", function).tag("code", c).register(registry),
                Timer.builder(DURATION)
                        .description("Function call duration seen by the gateway")
                        .tag("function_name", function).tag("code", c)
                        .serviceLevelObjectives(BUCKETS)
                        .register(registry));
    }

    @Override
    public void changed(Function before, Function after) {
        if (after == null) {
            forget(before.name());
            return;
        }
        if (before != null && !before.name().equals(after.name())) {
            forget(before.name()); // renamed (its com.openfaas.function label changed): the old name is gone
        }
        replicas.computeIfAbsent(after.name(), name -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder(SERVICE_COUNT, value, AtomicInteger::get)
                    .description("Desired replicas of each function")
                    .tag("function_name", name).register(registry);
            return value;
        }).set(after.desiredReplicas());
    }

    /** Removes every series of a deleted function (they stayed in /metrics until a restart). */
    private void forget(String function) {
        meters.remove(function);
        started.remove(function);
        replicas.remove(function);
        lastCalls.remove(function);
        for (String name : PER_FUNCTION) {
            for (Meter m : registry.find(name).tag("function_name", function).meters()) {
                registry.remove(m);
            }
        }
    }
}

package dev.faas.gateway.metrics;

import dev.faas.gateway.provider.Function;
import dev.faas.gateway.provider.FunctionRegistry;
import dev.faas.gateway.scaling.ColdStarts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Cold starts and held calls per function: {@code gateway_function_cold_start_seconds{function_name}} (first held
 * call to its release), {@code gateway_function_cold_start_phase_seconds{function_name,phase}} with phase
 * scheduling, container_start or process_ready (see {@link ColdStarts.ColdStart}),
 * {@code gateway_function_calls_held_total{function_name}} and
 * {@code gateway_function_calls_refused_total{function_name,reason}} (reason queue_full, timed_out, start_failed,
 * gone or off). Rare events, so meters are looked up by Micrometer on each; a deleted function's series go with it.
 */
public final class ColdStartMetrics implements ColdStarts.Events, FunctionRegistry.Listener {
    static final String COLD_START = "gateway_function_cold_start_seconds";
    static final String PHASE = "gateway_function_cold_start_phase_seconds";
    static final String HELD = "gateway_function_calls_held";
    static final String REFUSED = "gateway_function_calls_refused";
    private static final List<String> ALL = List.of(COLD_START, PHASE, HELD, REFUSED);
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofMillis(750),
        Duration.ofSeconds(1), Duration.ofMillis(1500), Duration.ofSeconds(2), Duration.ofSeconds(3),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final MeterRegistry registry;

    public ColdStartMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void held(String function) {
        Counter.builder(HELD).description("Calls held while their function started")
                .tag("function_name", function).register(registry).increment();
    }

    @Override
    public void refused(String function, ColdStarts.Refusal why) {
        Counter.builder(REFUSED).description("Calls refused because their function had no ready replica")
                .tag("function_name", function).tag("reason", why.name().toLowerCase(Locale.ROOT))
                .register(registry).increment();
    }

    @Override
    public void started(String function, ColdStarts.ColdStart start) {
        timer(COLD_START, "Cold starts: first held call to a ready replica", function, null).record(start.total());
        phase(function, "scheduling", start.scheduling());
        phase(function, "container_start", start.containerStart());
        phase(function, "process_ready", start.processReady());
    }

    private void phase(String function, String phase, Duration d) {
        if (d != null) {
            timer(PHASE, "Cold starts by phase", function, phase).record(d);
        }
    }

    private Timer timer(String name, String description, String function, String phase) {
        Timer.Builder b = Timer.builder(name).description(description).tag("function_name", function)
                .serviceLevelObjectives(BUCKETS);
        if (phase != null) {
            b.tag("phase", phase);
        }
        return b.register(registry);
    }

    @Override
    public void changed(Function before, Function after) {
        if (before != null && (after == null || !before.name().equals(after.name()))) {
            for (String name : ALL) {
                for (Meter m : registry.find(name).tag("function_name", before.name()).meters()) {
                    registry.remove(m);
                }
            }
        }
    }
}

package dev.faas.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.gateway.provider.Function;
import dev.faas.gateway.provider.FunctionRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gateway's function metrics as Prometheus scrapes them, under OpenFaaS's names. */
class FunctionMetricsTest {
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final FunctionMetrics metrics = new FunctionMetrics(prometheus);
    private final FunctionRegistry registry = new FunctionRegistry();

    FunctionMetricsTest() {
        registry.addListener(metrics);
    }

    private static Function fn(String id, String name, int desired) {
        return new Function(id, name, "stack_" + name, desired, List.of());
    }

    @Test
    void startedCallsAreCountedUnderOpenFaaSsName() {
        registry.put(fn("s1", "cat", 2));
        metrics.started("cat");
        metrics.started("cat");
        metrics.record("cat", 200, 1_000_000);
        String scrape = prometheus.scrape();
        assertTrue(scrape.contains("gateway_function_invocation_started{function_name=\"cat\"} 2.0"), scrape);
        assertTrue(scrape.contains("gateway_function_invocation_total{code=\"200\",function_name=\"cat\"} 1.0"), scrape);
        assertTrue(scrape.contains("gateway_service_count{function_name=\"cat\"} 2.0"), scrape);
    }

    @Test
    void aDeletedFunctionsSeriesLeaveMetricsAndOthersStay() {
        registry.put(fn("s1", "cat", 1));
        registry.put(fn("s2", "dog", 1));
        for (String f : List.of("cat", "dog")) {
            metrics.started(f);
            metrics.record(f, 200, 1_000_000);
            metrics.record(f, 500, 1_000_000);
        }
        registry.remove("s1");
        String scrape = prometheus.scrape();
        assertFalse(scrape.contains("function_name=\"cat\""), scrape);
        assertTrue(scrape.contains("gateway_function_invocation_started{function_name=\"dog\"} 1.0"), scrape);
        assertTrue(scrape.contains("gateway_function_invocation_total{code=\"500\",function_name=\"dog\"} 1.0"), scrape);
        assertTrue(scrape.contains("gateway_functions_seconds_count{code=\"200\",function_name=\"dog\"} 1"), scrape);
        assertTrue(scrape.contains("gateway_service_count{function_name=\"dog\"} 1.0"), scrape);
        assertEquals(0, metrics.invocationCount("cat"));
    }

    @Test
    void aFunctionDeployedAgainUnderTheSameNameStartsFromZero() {
        registry.put(fn("s1", "cat", 1));
        metrics.started("cat");
        metrics.record("cat", 200, 1_000_000);
        registry.remove("s1");
        registry.put(fn("s3", "cat", 1));
        metrics.started("cat");
        String scrape = prometheus.scrape();
        assertTrue(scrape.contains("gateway_function_invocation_started{function_name=\"cat\"} 1.0"), scrape);
        assertFalse(scrape.contains("gateway_function_invocation_total{code=\"200\",function_name=\"cat\"}"), scrape);
    }
}

package dev.faas.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.e2e.DashboardQueries.PanelQuery;
import dev.faas.e2e.PrometheusApi.Sample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.MountableFile;

/**
 * Every PromQL query of the shipped Grafana dashboard, evaluated by a real Prometheus (faas/prometheus running the
 * shipped prometheus.yml and alert rules unchanged) that finds and scrapes a stand-in gateway through the same
 * {@code tasks.gateway} DNS name Swarm gives the real one. The stand-in ({@link FakeGateway}) serves the gateway's
 * metric names with growing counters for two functions, so every panel must answer without error and with a finite
 * value for both.
 */
class DashboardQueriesIT {

    private static final String OWNER = "DashboardQueriesIT";
    private static final Set<String> FUNCTIONS = Set.of("catservice", "sleep");

    private static Network network;
    private static FakeGatewayContainer fakeGateway;
    private static GenericContainer<?> prometheus;
    private static PrometheusApi api;

    @BeforeAll
    static void startPrometheusScrapingAFakeGateway() {
        network = LocalImages.network(OWNER);
        // catservice: 10 calls/s, all 200. sleep: 3 calls/s, one of them a 504 timeout, so errors have a ratio.
        fakeGateway = new FakeGatewayContainer(OWNER, network, "catservice:200=10", "sleep:200=2", "sleep:504=1");
        prometheus = LocalImages.container("faas/prometheus", OWNER, "prometheus")
                .withNetwork(network)
                .withCopyFileToContainer(shipped("prometheus/prometheus.yml"), "/etc/prometheus/prometheus.yml")
                .withCopyFileToContainer(shipped("prometheus/alert.rules.yml"), "/etc/prometheus/alert.rules.yml")
                .waitingFor(Wait.forHttp("/-/ready").forPort(9090).withStartupTimeout(Duration.ofSeconds(30)));
        LocalImages.publishOnLoopback(prometheus, 9090);
        fakeGateway.start();
        prometheus.start();
        api = PrometheusApi.onLoopback(prometheus.getMappedPort(9090));
        // Two scrapes 5s apart are needed before a rate has a value.
        api.await("sum by (function_name) (rate(gateway_function_invocation_total[1m]))",
                samples -> functionsIn(samples).containsAll(FUNCTIONS), Duration.ofSeconds(45));
    }

    @AfterAll
    static void stopEverything() {
        for (AutoCloseable c : new AutoCloseable[] {prometheus, fakeGateway, network}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("DashboardQueriesIT cleanup: " + e);
            }
        }
    }

    @Test
    void theShippedConfigFindsTheGatewayThroughTasksDnsAndScrapesIt() {
        List<Sample> up = api.query("up{job=\"gateway\"}");
        assertEquals(1, up.size(), "one gateway task, one target: " + up);
        assertEquals(1.0, up.get(0).value(), "the gateway target is up: " + up);
        assertTrue(up.get(0).label("instance").endsWith(":8080"), up.toString());
    }

    @Test
    void theDashboardHasAQueryForEveryRequiredPanel() {
        String all = String.join("\n", DashboardQueries.from(dashboard()).stream().map(PanelQuery::expr).toList());
        for (String needed : List.of("gateway_function_invocation_total", "gateway_functions_seconds_bucket",
                "histogram_quantile(0.5,", "histogram_quantile(0.95,", "histogram_quantile(0.99,",
                "gateway_service_count", "up{job=\"gateway\"}", "code!~")) {
            assertTrue(all.contains(needed), "no dashboard query uses " + needed + ":\n" + all);
        }
    }

    @Test
    void everyDashboardQueryParsesAndGivesAFiniteValueForEveryFunctionCalled() {
        List<PanelQuery> queries = DashboardQueries.from(dashboard());
        assertFalse(queries.isEmpty(), "the dashboard has no queries");
        StringBuilder failures = new StringBuilder();
        for (PanelQuery q : queries) {
            List<Sample> samples;
            try {
                samples = api.query(q.expr());
            } catch (IllegalArgumentException e) {
                failures.append(q).append("\n  -> ").append(e.getMessage()).append('\n');
                continue;
            }
            if (samples.isEmpty()) {
                failures.append(q).append("\n  -> no data\n");
            }
            if (q.expr().contains("function_name") && !functionsIn(samples).containsAll(FUNCTIONS)) {
                failures.append(q).append("\n  -> no series for every function of ").append(FUNCTIONS)
                        .append(": ").append(samples).append('\n');
            }
            samples.stream().filter(s -> !Double.isFinite(s.value())).forEach(s ->
                    failures.append(q).append("\n  -> not a finite value: ").append(s).append('\n'));
        }
        assertEquals("", failures.toString());
    }

    @Test
    void aBrokenQueryIsReportedWithPrometheusMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> api.query("sum by (function_name) (rate(gateway_function_invocation_total[1m])"));
        assertTrue(e.getMessage().contains("bad_data"), e.getMessage());
    }

    private static Set<String> functionsIn(List<Sample> samples) {
        Set<String> names = new TreeSet<>();
        samples.forEach(s -> names.add(s.label("function_name")));
        return names;
    }

    private static Path dashboard() {
        return ProjectFiles.file("prometheus/grafana/dashboards/faas.json");
    }

    private static MountableFile shipped(String path) {
        return MountableFile.forHostPath(ProjectFiles.file(path), 0644);
    }
}

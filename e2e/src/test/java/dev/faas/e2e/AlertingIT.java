package dev.faas.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.MountableFile;

/**
 * The alerting chain with the shipped files and the real binaries: Prometheus (prometheus.yml, alert.rules.yml)
 * scrapes a stand-in gateway, AlertManager (alertmanager.yml) calls its /system/alert with basic auth from a secret
 * file. A busy function must be reported firing, then resolved once its load stops, fast enough for an autoscaling
 * cycle under two minutes; an idle function next to it never.
 */
class AlertingIT {

    private static final String OWNER = "AlertingIT";

    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void removeContainers() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("AlertingIT cleanup: " + e);
            }
        }
    }

    @Test
    void aBusyFunctionIsSentToTheGatewayFiringThenResolvedWithBasicAuth() {
        Network network = keep(LocalImages.network(OWNER));
        FakeGatewayContainer gateway = keep(new FakeGatewayContainer(OWNER, network,
                "catservice:200=20", "echoit:200=0.2")).start();
        String password = UUID.randomUUID().toString();
        GenericContainer<?> alertmanager = LocalImages.container("faas/alertmanager", OWNER, "alertmanager")
                .withNetwork(network)
                .withNetworkAliases("alertmanager", "tasks.alertmanager")
                .withCopyFileToContainer(shipped("prometheus/alertmanager.yml"), "/etc/alertmanager/alertmanager.yml")
                // Where the stack mounts the Docker secret basic-auth-password.
                .withCopyToContainer(Transferable.of(password.getBytes(StandardCharsets.UTF_8), 0444),
                        "/run/secrets/basic-auth-password")
                .waitingFor(Wait.forLogMessage(".*Listening on.*", 1));
        keep(alertmanager).start();
        GenericContainer<?> prometheus = LocalImages.container("faas/prometheus", OWNER, "prometheus")
                .withNetwork(network)
                .withCopyFileToContainer(shipped("prometheus/prometheus.yml"), "/etc/prometheus/prometheus.yml")
                .withCopyFileToContainer(shipped("prometheus/alert.rules.yml"), "/etc/prometheus/alert.rules.yml")
                .waitingFor(Wait.forLogMessage(".*Server is ready to receive web requests.*", 1));
        keep(prometheus).start();
        Instant start = Instant.now();

        JsonNode firing = awaitCall(gateway, "firing", Duration.ofSeconds(60));
        Duration toFire = Duration.between(start, Instant.now());
        String expectedAuth = "Basic " + Base64.getEncoder().encodeToString(
                ("admin:" + password).getBytes(StandardCharsets.UTF_8));
        assertEquals(expectedAuth, firing.path("authorization").asText(), "webhook basic auth");
        JsonNode alert = firing.path("body").path("alerts").path(0);
        assertEquals("APIHighInvocationRate", alert.path("labels").path("alertname").asText());

        gateway.setRate("catservice:200", 0);
        Instant stopped = Instant.now();
        awaitCall(gateway, "resolved", Duration.ofSeconds(75));
        Duration toResolve = Duration.between(stopped, Instant.now());

        for (JsonNode call : gateway.alertCalls()) {
            for (JsonNode a : call.path("body").path("alerts")) {
                assertEquals("catservice", a.path("labels").path("function_name").asText(),
                        "only the busy function may be reported: " + call);
            }
        }
        System.out.printf("AlertingIT: firing reached the gateway %ds after Prometheus started, resolved %ds after "
                + "the load stopped%n", toFire.toSeconds(), toResolve.toSeconds());
        assertTrue(toFire.plus(toResolve).compareTo(Duration.ofSeconds(110)) < 0,
                "an autoscaling cycle must fit in two minutes: fired after " + toFire + ", resolved after " + toResolve);
    }

    /** Waits for a /system/alert call whose catservice alert has this status; returns that call. */
    private static JsonNode awaitCall(FakeGatewayContainer gateway, String status, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode calls = null;
        while (Instant.now().isBefore(deadline)) {
            calls = gateway.alertCalls();
            for (JsonNode call : calls) {
                for (JsonNode a : call.path("body").path("alerts")) {
                    if (status.equals(a.path("status").asText())
                            && "catservice".equals(a.path("labels").path("function_name").asText())) {
                        return call;
                    }
                }
            }
            sleep();
        }
        throw new AssertionError("no " + status + " alert for catservice reached /system/alert within "
                + timeout.toSeconds() + "s; calls so far: " + calls);
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        started.add(closeable);
        return closeable;
    }

    private static MountableFile shipped(String path) {
        return MountableFile.forHostPath(ProjectFiles.file(path), 0644);
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}

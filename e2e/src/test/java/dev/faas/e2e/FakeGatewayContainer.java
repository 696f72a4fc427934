package dev.faas.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.MountableFile;

/**
 * {@link FakeGateway} in a faas/jre:17 container on a test network, found there as {@code gateway} and
 * {@code tasks.gateway} (the names Swarm gives the real one), and driven from the test through 127.0.0.1.
 */
final class FakeGatewayContainer implements AutoCloseable {

    private static final String CLASS_FILE = "dev/faas/e2e/FakeGateway.class";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GenericContainer<?> container;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** {@code rates}: {@code function:code=callsPerSecond}, e.g. {@code catservice:200=10}. */
    FakeGatewayContainer(String owner, Network network, String... rates) {
        List<String> command = new ArrayList<>(List.of("java", "-Xmx32m", "-cp", "/fake", "dev.faas.e2e.FakeGateway"));
        command.addAll(List.of(rates));
        container = LocalImages.container("faas/jre:17", owner, "gateway")
                .withNetwork(network)
                .withNetworkAliases("gateway", "tasks.gateway")
                .withCopyFileToContainer(MountableFile.forClasspathResource(CLASS_FILE, 0644), "/fake/" + CLASS_FILE)
                .withCommand(command.toArray(String[]::new))
                .waitingFor(Wait.forHttp("/metrics").forPort(8080).withStartupTimeout(Duration.ofSeconds(20)));
        LocalImages.publishOnLoopback(container, 8080);
    }

    FakeGatewayContainer start() {
        container.start();
        return this;
    }

    /** Every call AlertManager made to /system/alert: {@code [{"authorization": "...", "body": {webhook JSON}}]}. */
    JsonNode alertCalls() {
        try {
            return JSON.readTree(send(HttpRequest.newBuilder(uri("/fake/alerts")).GET()));
        } catch (IOException e) {
            throw new IllegalStateException("the fake gateway's record is not JSON: " + e.getMessage());
        }
    }

    /** Changes how fast a series' invocation counter grows, e.g. {@code setRate("catservice:200", 0)}. */
    void setRate(String series, double callsPerSecond) {
        send(HttpRequest.newBuilder(uri("/fake/rate?series=" + series + "&rate=" + callsPerSecond))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    @Override
    public void close() {
        container.stop();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + container.getMappedPort(8080) + path);
    }

    private String send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("fake gateway answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("fake gateway did not answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}

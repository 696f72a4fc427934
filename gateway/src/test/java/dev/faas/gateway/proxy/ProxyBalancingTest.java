package dev.faas.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.faas.gateway.config.GatewayConfig;
import dev.faas.gateway.metrics.FunctionMetrics;
import dev.faas.gateway.provider.FunctionRegistry;
import dev.faas.gateway.provider.statics.StaticProvider;
import dev.faas.gateway.routing.FunctionRouter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.undertow.Undertow;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The proxy against real upstream servers on 127.0.0.1 (no Docker: replicas come from the static provider). */
class ProxyBalancingTest {
    private final List<HttpServer> upstreams = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Undertow gateway;
    private int port;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.stop();
        }
        upstreams.forEach(s -> s.stop(0));
    }

    /** An upstream that answers {@code status} with its own name as the body, after {@code delayMs}. */
    private String upstream(String name, int status, long delayMs) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        s.createContext("/", e -> {
            e.getRequestBody().readAllBytes();
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            byte[] body = name.getBytes();
            e.getResponseHeaders().add("X-Upstream", name);
            e.getResponseHeaders().add("Proxy-Authenticate", "Basic realm=hop");
            e.sendResponseHeaders(status, body.length);
            e.getResponseBody().write(body);
            e.close();
        });
        s.start();
        upstreams.add(s);
        return "http://127.0.0.1:" + s.getAddress().getPort();
    }

    private static String refusingAddress() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    /** The routing and proxy parts as Main wires them, with replicas from the static provider. */
    private void startGateway(String functions) {
        GatewayConfig config = GatewayConfig.from(Map.of("provider", "static", "upstream_timeout", "500ms"));
        FunctionRegistry registry = new FunctionRegistry();
        Balancers balancers = new Balancers(config);
        registry.addListener(balancers);
        FunctionMetrics metrics = new FunctionMetrics(new SimpleMeterRegistry());
        new StaticProvider(functions).start(registry);
        gateway = Undertow.builder().addHttpListener(0, "127.0.0.1")
                .setHandler(new FunctionRouter(new FunctionProxy(registry, balancers, metrics, config), config.maxBody()))
                .build();
        gateway.start();
        port = ((InetSocketAddress) gateway.getListenerInfo().get(0).getAddress()).getPort();
    }

    private HttpResponse<String> call(String function) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/function/" + function))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString("x")).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestsAreSpreadOverEveryReplica() throws Exception {
        startGateway("f=" + upstream("a", 200, 0) + "," + upstream("b", 200, 0) + "," + upstream("c", 200, 0));
        Map<String, Integer> served = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            served.merge(call("f").body(), 1, Integer::sum);
        }
        assertEquals(3, served.size(), "every replica served: " + served);
        served.values().forEach(n -> assertTrue(n >= 5, "round robin, roughly even: " + served));
    }

    @Test
    void aRefusedConnectionIsRetriedOnAnotherReplica() throws Exception {
        startGateway("f=" + refusingAddress() + "," + upstream("alive", 200, 0));
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = call("f");
            assertEquals(200, r.statusCode());
            assertEquals("alive", r.body());
        }
    }

    @Test
    void aFunctionThatCannotBeReachedIs502() throws Exception {
        startGateway("f=" + refusingAddress());
        HttpResponse<String> r = call("f");
        assertEquals(502, r.statusCode());
        assertEquals("could not reach function \"f\"\n", r.body());
    }

    @Test
    void aSlowFunctionIs504AtUpstreamTimeout() throws Exception {
        startGateway("f=" + upstream("slow", 200, 3000));
        long started = System.nanoTime();
        HttpResponse<String> r = call("f");
        long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertEquals(504, r.statusCode());
        assertTrue(ms >= 450 && ms < 2000, "answered after " + ms + " ms");
    }

    @Test
    void aFunctionsOwnErrorPassesThroughUnchanged() throws Exception {
        startGateway("f=" + upstream("busy", 503, 0));
        HttpResponse<String> r = call("f");
        assertEquals(503, r.statusCode());
        assertEquals("busy", r.body());
    }

    @Test
    void responseHeadersComeBackWithoutHopByHopOnes() throws Exception {
        startGateway("f=" + upstream("h", 200, 0));
        HttpResponse<String> r = call("f");
        assertEquals("h", r.headers().firstValue("X-Upstream").orElse(""));
        assertFalse(r.headers().firstValue("Proxy-Authenticate").isPresent());
        assertTrue(r.headers().firstValue("X-Call-Id").isPresent());
    }
}

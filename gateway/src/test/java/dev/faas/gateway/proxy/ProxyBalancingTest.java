package dev.faas.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.faas.gateway.Main;
import dev.faas.gateway.config.GatewayConfig;
import dev.faas.gateway.metrics.FunctionMetrics;
import dev.faas.gateway.provider.FunctionRegistry;
import dev.faas.gateway.provider.statics.StaticProvider;
import dev.faas.gateway.routing.FunctionRouter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.undertow.Undertow;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.io.InputStreamReader;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The proxy against real upstream servers on 127.0.0.1 (no Docker: replicas come from the static provider). */
class ProxyBalancingTest {
    private final List<HttpServer> upstreams = new ArrayList<>();
    private final List<Closeable> sockets = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Undertow gateway;
    private int port;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.stop();
        }
        upstreams.forEach(s -> s.stop(0));
        sockets.forEach(s -> {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing a test socket
            }
        });
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
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    /**
     * A listener whose accept queue is full: the kernel then drops further SYNs, so a connect to it waits as one to
     * a vanished container's address does (without sending anything off this machine).
     */
    private String silentAddress() throws IOException {
        ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(listener);
        for (int i = 0; i < 8; i++) {
            Socket filler = new Socket();
            sockets.add(filler);
            try {
                filler.connect(listener.getLocalSocketAddress(), 200);
            } catch (SocketTimeoutException full) {
                return "http://127.0.0.1:" + listener.getLocalPort();
            }
        }
        throw new IllegalStateException("could not fill the accept queue of port " + listener.getLocalPort());
    }

    private void startGateway(String functions) {
        startGateway(functions, Map.of("upstream_timeout", "500ms"));
    }

    /** The routing and proxy parts as Main wires them, with replicas from the static provider. */
    private void startGateway(String functions, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(settings);
        env.put("provider", "static");
        env.put("port", "0");
        GatewayConfig config = GatewayConfig.from(env);
        FunctionRegistry registry = new FunctionRegistry();
        Balancers balancers = new Balancers(config);
        registry.addListener(balancers);
        FunctionMetrics metrics = new FunctionMetrics(new SimpleMeterRegistry());
        new StaticProvider(functions).start(registry);
        gateway = Main.server(config, "127.0.0.1",
                new FunctionRouter(new FunctionProxy(registry, balancers, metrics, config), config.maxBody()));
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
    void aFunctionIsAlsoCalledByItsNameInTheGatewaysNamespace() throws Exception {
        startGateway("f=" + upstream("a", 200, 0));
        assertEquals("a", call("f.openfaas-fn").body());
        assertEquals(404, call("f.other").statusCode());
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
    void aReplicaThatDoesNotAcceptConnectionsIsSkippedAfterTheConnectTimeout() throws Exception {
        startGateway("f=" + silentAddress() + "," + upstream("alive", 200, 0),
                Map.of("upstream_connect_timeout", "300ms", "upstream_timeout", "10s"));
        long started = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = call("f");
            assertEquals(200, r.statusCode());
            assertEquals("alive", r.body());
        }
        long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
        // One call waits out the connect timeout and is retried; the replica is then skipped.
        assertTrue(ms < 1500, "10 calls took " + ms + " ms");
    }

    @Test
    void aFunctionWhoseOnlyReplicaDoesNotAcceptConnectionsIs502AtTheConnectTimeout() throws Exception {
        startGateway("f=" + silentAddress(), Map.of("upstream_connect_timeout", "300ms", "upstream_timeout", "10s"));
        long started = System.nanoTime();
        HttpResponse<String> r = call("f");
        long ms = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertEquals(502, r.statusCode());
        assertTrue(ms >= 250 && ms < 2000, "answered after " + ms + " ms");
    }

    /** An upstream that reports how reading the request body ended. */
    private String bodyReader(CompletableFuture<String> outcome) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        s.createContext("/", e -> {
            try {
                outcome.complete("read " + e.getRequestBody().readAllBytes().length + " bytes");
            } catch (IOException broken) {
                outcome.complete("read failed: " + broken.getMessage());
            }
            e.sendResponseHeaders(200, -1);
            e.close();
        });
        s.start();
        upstreams.add(s);
        return "http://127.0.0.1:" + s.getAddress().getPort();
    }

    /** A POST whose body has no declared length, so it goes chunked. */
    private HttpResponse<String> postChunked(String path, int size) throws Exception {
        byte[] body = new byte[size];
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aChunkedBodyOverMaxBodyIs413AndTheFunctionSeesItsRequestBrokenOff() throws Exception {
        CompletableFuture<String> upstreamRead = new CompletableFuture<>();
        startGateway("f=" + bodyReader(upstreamRead), Map.of("max_body", "64k"));
        HttpResponse<String> r = postChunked("/function/f", 256 * 1024);
        assertEquals(413, r.statusCode(), r.body());
        assertEquals("request body is larger than max_body (65536 bytes)\n", r.body());
        // Neither left waiting for more nor handed the first 64k as if they were the whole body.
        assertTrue(upstreamRead.get(2, TimeUnit.SECONDS).startsWith("read failed"), upstreamRead.getNow(""));
        assertEquals(413, postChunked("/", 256 * 1024).statusCode(), "an Alexa body is limited the same way");
    }

    /**
     * A caller that writes its whole body before reading (as most clients do) must get the 413, not a connection
     * reset: answering and closing while the body is still arriving makes the kernel reset the connection, and the
     * reset discards the answer on the caller's side. Once the body is read, the connection serves the next call.
     */
    @Test
    void aBodyOverMaxBodyIs413ToACallerStillSendingItAndTheConnectionLives() throws Exception {
        startGateway("f=" + upstream("a", 200, 0), Map.of("max_body", "64k"));
        byte[] body = new byte[256 * 1024];
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += 8192) {
            chunked.write("2000\r\n".getBytes(StandardCharsets.US_ASCII));
            chunked.write(body, at, 8192);
            chunked.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        chunked.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 15; i++) {
            for (String path : List.of("/function/f", "/")) {
                assertTooLargeThenServed(path, "Content-Length: " + body.length, body, path + " declared, try " + i);
            }
            assertTooLargeThenServed("/", "Transfer-Encoding: chunked", chunked.toByteArray(), "/ chunked, try " + i);
            assertTooLargeThenServed("/function/f", "Transfer-Encoding: chunked", chunked.toByteArray(),
                    "/function/f chunked, try " + i);
        }
    }

    private void assertTooLargeThenServed(String path, String framing, byte[] body, String what) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\n" + framing + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.write("GET /function/f HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 413 Request Entity Too Large", in.readLine(), what);
            sent.get(5, TimeUnit.SECONDS);
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("HTTP/1.1 ")) {
                // the rest of the 413
            }
            assertEquals("HTTP/1.1 200 OK", line, "the next request on the same connection: " + what);
        }
    }

    @Test
    void aBodyFarOverMaxBodyOrNotSentYetIs413AndTheConnectionCloses() throws Exception {
        startGateway("f=" + upstream("a", 200, 0), Map.of("max_body", "64k"));
        for (String framing : List.of("Content-Length: 100000000", "Content-Length: 100000\r\nExpect: 100-continue")) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write(("POST /function/f HTTP/1.1\r\nHost: x\r\n" + framing + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(answer.startsWith("HTTP/1.1 413 "), framing + ": " + answer);
                assertTrue(answer.contains("Connection: close"), framing + ": " + answer);
            }
        }
    }

    @Test
    void aChunkedBodyUpToMaxBodyReachesTheFunctionWhole() throws Exception {
        CompletableFuture<String> upstreamRead = new CompletableFuture<>();
        startGateway("f=" + bodyReader(upstreamRead), Map.of("max_body", "64k"));
        assertEquals(200, postChunked("/function/f", 64 * 1024).statusCode());
        assertEquals("read 65536 bytes", upstreamRead.get(2, TimeUnit.SECONDS));
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

    /**
     * The timed-out call stays open upstream until the function ends; when it ends, Undertow closes the caller's
     * connection of that call. Kept alive, that connection would by then carry the caller's next calls, and one of
     * them would get no answer at all: so a 504 closes its connection.
     */
    @Test
    void callsAfterA504OnTheSameConnectionAreAnsweredWhenTheSlowFunctionFinallyEnds() throws Exception {
        startGateway("slow=" + upstream("slow", 200, 1000) + ";fast=" + upstream("fast", 200, 0));
        assertEquals(504, call("slow").statusCode());
        long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        int calls = 0;
        while (System.nanoTime() < until) {
            assertEquals(200, call("fast").statusCode(), "call " + calls);
            calls++;
        }
    }

    @Test
    void callsBeyondTheConnectionsAndTheQueueAre503BusyNot502() throws Exception {
        startGateway("f=" + upstream("slow", 200, 700), Map.of("io_threads", "1", "upstream_connections", "1",
                "upstream_queue", "1"));
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/function/f"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString()));
        }
        Map<Integer, Integer> statuses = new HashMap<>();
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> r = call.get(10, TimeUnit.SECONDS);
            statuses.merge(r.statusCode(), 1, Integer::sum);
            if (r.statusCode() == 503) {
                assertTrue(r.body().contains("is busy"), r.body());
            }
        }
        assertTrue(statuses.getOrDefault(200, 0) >= 2 && statuses.getOrDefault(503, 0) >= 1
                && statuses.keySet().stream().allMatch(c -> c == 200 || c == 503), statuses.toString());
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
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("h", r.headers().firstValue("X-Upstream").orElse(""));
        assertFalse(r.headers().firstValue("Proxy-Authenticate").isPresent());
        assertTrue(r.headers().firstValue("X-Call-Id").isPresent());
    }
}

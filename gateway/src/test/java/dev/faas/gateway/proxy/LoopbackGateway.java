package dev.faas.gateway.proxy;

import com.sun.net.httpserver.HttpServer;
import dev.faas.gateway.Main;
import dev.faas.gateway.api.Api;
import dev.faas.gateway.api.PlainText;
import dev.faas.gateway.config.GatewayConfig;
import dev.faas.gateway.metrics.FunctionMetrics;
import dev.faas.gateway.metrics.ColdStartMetrics;
import dev.faas.gateway.provider.FunctionRegistry;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.scaling.ColdStarts;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import dev.faas.gateway.provider.statics.StaticProvider;
import dev.faas.gateway.routing.FunctionRouter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The routing and proxy parts as Main wires them, on 127.0.0.1, with real upstream servers; no Docker. /system/*
 * is a stand-in that reads its body the way the management API's handlers do ({@link Api#blocking}).
 */
final class LoopbackGateway implements AutoCloseable {
    private final List<HttpServer> upstreams = new ArrayList<>();
    private final List<Closeable> sockets = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private Undertow gateway;
    private int port;

    /** Calls to {@code function} the gateway has started forwarding (gateway_function_invocation_started). */
    double startedCalls(String function) {
        var gauge = meters.find("gateway_function_invocation_started").tag("function_name", function).gauge();
        return gauge == null ? 0 : gauge.value();
    }

    HttpClient http() {
        return http;
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        timer.shutdownNow();
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

    /** An upstream that answers 200 {@code read <n> bytes}: how much of the request body reached the function. */
    String counting() throws IOException {
        return serve(e -> {
            byte[] body = ("read " + e.getRequestBody().readAllBytes().length + " bytes").getBytes(StandardCharsets.US_ASCII);
            e.sendResponseHeaders(200, body.length);
            e.getResponseBody().write(body);
            e.close();
        });
    }

    /** An upstream that answers 200 with {@code size} bytes of 'x', with a Content-Length or chunked. */
    String answering(int size, boolean chunked) throws IOException {
        return serve(e -> {
            e.getRequestBody().readAllBytes();
            byte[] body = new byte[size];
            java.util.Arrays.fill(body, (byte) 'x');
            e.sendResponseHeaders(200, chunked ? 0 : size);
            e.getResponseBody().write(body);
            e.close();
        });
    }

    /** An upstream that answers {@code status} with its own name as the body, after {@code delayMs}. */
    String upstream(String name, int status, long delayMs) throws IOException {
        return serve(e -> {
            e.getRequestBody().readAllBytes();
            pause(delayMs);
            byte[] body = name.getBytes();
            e.getResponseHeaders().add("X-Upstream", name);
            e.getResponseHeaders().add("Proxy-Authenticate", "Basic realm=hop");
            e.sendResponseHeaders(status, body.length);
            e.getResponseBody().write(body);
            e.close();
        });
    }

    /** An upstream that answers {@code status} with {@code header}: {@code value} of its own. */
    String answeringWith(int status, String header, String value) throws IOException {
        return serve(e -> {
            e.getRequestBody().readAllBytes();
            byte[] body = "the function's own".getBytes(StandardCharsets.US_ASCII);
            e.getResponseHeaders().add(header, value);
            e.sendResponseHeaders(status, body.length);
            e.getResponseBody().write(body);
            e.close();
        });
    }

    /** An upstream that reports how reading the request body ended. */
    String bodyReader(CompletableFuture<String> outcome) throws IOException {
        return serve(e -> {
            try {
                outcome.complete("read " + e.getRequestBody().readAllBytes().length + " bytes");
            } catch (IOException broken) {
                outcome.complete("read failed: " + broken.getMessage());
            }
            e.sendResponseHeaders(200, -1);
            e.close();
        });
    }

    /** An upstream whose chunked answer is {@code first\n} at once and {@code second\n} a second later. */
    String twoLinesASecondApart() throws IOException {
        return serve(e -> {
            e.getRequestBody().readAllBytes();
            e.sendResponseHeaders(200, 0);
            OutputStream out = e.getResponseBody();
            out.write("first\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            pause(1000);
            out.write("second\n".getBytes(StandardCharsets.US_ASCII));
            e.close();
        });
    }

    /**
     * An upstream that reads each request whole (its head and a 1-byte body), counts it in {@code requests}, and
     * closes the connection without answering: a function that got the call and then failed.
     */
    String hangingUp(AtomicInteger requests) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        sockets.add(listener);
        Thread acceptor = new Thread(() -> {
            while (!listener.isClosed()) {
                try (Socket s = listener.accept()) {
                    s.setSoTimeout(5000);
                    InputStream in = s.getInputStream();
                    for (int lastFour = 0; lastFour != 0x0D0A0D0A; ) {
                        int b = in.read();
                        if (b < 0) {
                            throw new EOFException("the request head ended early");
                        }
                        lastFour = lastFour << 8 | b;
                    }
                    requests.incrementAndGet();
                } catch (IOException ended) {
                    // the listener closed at teardown, or a request broke off: not one that reached the function
                }
            }
        }, "hanging-up upstream " + listener.getLocalPort());
        // Daemon: a test that fails before teardown must not keep the test JVM alive.
        acceptor.setDaemon(true);
        acceptor.start();
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    static String refusingAddress() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    /**
     * A listener whose accept queue is full: the kernel then drops further SYNs, so a connect to it waits as one to
     * a vanished container's address does (without sending anything off this machine).
     */
    String silentAddress() throws IOException {
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

    void start(String functions) {
        start(functions, Map.of("upstream_timeout", "500ms"));
    }

    /** Starts the gateway with replicas from the static provider: {@code functions} as in static_functions. */
    void start(String functions, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(settings);
        env.put("provider", "static");
        env.put("port", "0");
        GatewayConfig config = GatewayConfig.from(env);
        FunctionRegistry registry = new FunctionRegistry();
        Balancers balancers = new Balancers(config);
        registry.addListener(balancers);
        FunctionMetrics metrics = new FunctionMetrics(meters);
        new StaticProvider(functions).start(registry);
        ColdStarts coldStarts = new ColdStarts(new ColdStarts.Settings(config.scaleFromZero(),
                config.scaleFromZeroTimeout(), config.scaleFromZeroQueue(), config.maxReplicas()),
                (name, replicas) -> {
                    throw new ManagementException(ManagementException.Reason.INVALID, "static functions do not scale");
                }, Runnable::run, timer, System::nanoTime, Instant::now, new ColdStartMetrics(meters));
        registry.addListener(coldStarts);
        FunctionRouter router = new FunctionRouter(new FunctionProxy(registry, balancers, metrics, config, coldStarts),
                config);
        // /system/* stands for the management API: read on a worker thread by Api.blocking, as its handlers do.
        HttpHandler system = Api.blocking(exchange -> {
            byte[] body = exchange.getInputStream().readAllBytes();
            PlainText.send(exchange, 200, "read " + body.length + " bytes");
        });
        gateway = Main.server(config, "127.0.0.1",
                exchange -> (exchange.getRequestPath().startsWith("/system/") ? system : router).handleRequest(exchange));
        gateway.start();
        port = ((InetSocketAddress) gateway.getListenerInfo().get(0).getAddress()).getPort();
    }

    HttpResponse<String> call(String function) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/function/" + function))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString("x")).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A POST whose body has no declared length, so it goes chunked. */
    HttpResponse<String> postChunked(String path, int size) throws Exception {
        byte[] body = new byte[size];
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** An upstream on its own server, stopped on close. */
    private String serve(com.sun.net.httpserver.HttpHandler handler) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        s.createContext("/", handler);
        s.start();
        upstreams.add(s);
        return "http://127.0.0.1:" + s.getAddress().getPort();
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }
}

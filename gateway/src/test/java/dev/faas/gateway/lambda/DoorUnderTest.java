package dev.faas.gateway.lambda;

import dev.faas.gateway.Main;
import dev.faas.gateway.Routes;
import dev.faas.gateway.auth.AccessKeys;
import dev.faas.gateway.auth.Credentials;
import dev.faas.gateway.auth.SigV4;
import dev.faas.gateway.auth.SigV4Client;
import dev.faas.gateway.auth.SigV4Request;
import dev.faas.gateway.config.GatewayConfig;
import dev.faas.gateway.metrics.AsyncMetrics;
import dev.faas.gateway.provider.Function;
import dev.faas.gateway.provider.FunctionDeployment;
import dev.faas.gateway.provider.FunctionManager;
import dev.faas.gateway.provider.FunctionStatus;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.Replica;
import dev.faas.gateway.queue.Answer;
import dev.faas.gateway.queue.CallQueue;
import dev.faas.gateway.queue.CallbackRequest;
import dev.faas.gateway.queue.Delivery;
import dev.faas.gateway.queue.QueueStatus;
import dev.faas.gateway.queue.QueueUnavailableException;
import dev.faas.gateway.queue.QueuedCall;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.undertow.Undertow;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * The door on a real Undertow on 127.0.0.1, wired as Main wires it (Main.server: body limits, strict framing; the
 * routes of {@link Routes#lambda}), over fakes of the core: functions by name, an invoker answering as each test
 * says (on another thread, as the loopback's answers come), a queue that records, a manager with statuses.
 */
final class DoorUnderTest implements AutoCloseable {
    static final String KEY_ID = "AKIATESTKEY000000001";
    static final String SECRET = "s3cr3t/Key+0123456789abcdefghijklmnopq";
    static final Instant NOW = Instant.parse("2024-05-06T07:08:09Z");

    final Map<String, Function> functions = new HashMap<>();
    final Map<String, java.util.function.Function<QueuedCall, Answer>> answers = new HashMap<>();
    final List<QueuedCall> invoked = new CopyOnWriteArrayList<>();
    final List<QueuedCall> queued = new CopyOnWriteArrayList<>();
    final List<FunctionStatus> statuses = new ArrayList<>();
    volatile boolean queueAvailable = true;
    volatile boolean managed = true;
    /** What the manager throws, when set (the orchestrator failing). */
    volatile ManagementException managerFailure;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Undertow server;
    int port;

    DoorUnderTest() {
        add("echo");
    }

    void add(String name) {
        functions.put(name, new Function("id-" + name, name, name, 1,
                List.of(new Replica("t-" + name, "", URI.create("http://10.0.0.1:8080/")))));
    }

    void start(Map<String, String> settings, Credentials admin, Clock clock) throws IOException {
        start(settings, admin, clock, KEY_ID, SECRET);
    }

    /** With the access key {@code keyId}:{@code secret} as the only one. */
    void start(Map<String, String> settings, Credentials admin, Clock clock, String keyId, String secret)
            throws IOException {
        Map<String, String> env = new HashMap<>(settings);
        env.put("provider", "static");
        env.put("port", "0");
        GatewayConfig config = GatewayConfig.from(env);
        Path secrets = Files.createTempDirectory("lambda-keys");
        Files.writeString(secrets.resolve("keys"), keyId + ":" + secret + "\n");
        AccessKeys keys = AccessKeys.load(secrets, List.of("keys"));
        LambdaDoor door = new LambdaDoor(new LambdaDoor.Settings(config.lambda().region(), config.lambda().account(),
                config.lambda().allowUnsigned(), config.maxBody(), config.queue().maxBody(), config.upstreamTimeout(),
                config.bodyTimeout()),
                new SigV4(keys, "lambda", config.lambda().region(), clock), admin,
                new LambdaDoor.Core(functions::get, () -> true, () -> List.copyOf(functions.values()), this::invoke,
                        new RecordingQueue(), new AsyncMetrics(new SimpleMeterRegistry()), new Manager()), clock);
        server = Main.server(config, "127.0.0.1", Routes.lambda(door));
        server.start();
        port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    void start() throws IOException {
        start(Map.of(), null, Clock.fixed(NOW, java.time.ZoneOffset.UTC));
    }

    private CompletableFuture<Answer> invoke(QueuedCall call) {
        invoked.add(call);
        var answer = answers.getOrDefault(call.function(),
                c -> new Answer(200, List.of(new dev.faas.gateway.queue.Header("Content-Type", "application/json")),
                        c.body(), 0.01));
        return CompletableFuture.supplyAsync(() -> answer.apply(call));
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
    }

    // ---- calling it ----

    HttpResponse<String> send(String method, String pathAndQuery, Map<String, String> headers, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Signed with the door's key at NOW, as an AWS client signs: host, x-amz-date and every x-amz-* header. */
    HttpResponse<String> signed(String method, String pathAndQuery, Map<String, String> headers, byte[] body)
            throws IOException, InterruptedException {
        return send(method, pathAndQuery, sign(method, pathAndQuery, headers, body, SECRET), body);
    }

    Map<String, String> sign(String method, String pathAndQuery, Map<String, String> headers, byte[] body,
                             String secret) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("X-Amz-Date", SigV4Format.basic(NOW));
        Map<String, List<String>> signedValues = new TreeMap<>();
        signedValues.put("host", List.of("127.0.0.1:" + port));
        all.forEach((k, v) -> {
            if (k.toLowerCase().startsWith("x-amz-")) {
                signedValues.put(k.toLowerCase(), List.of(v));
            }
        });
        int q = pathAndQuery.indexOf('?');
        SigV4Request r = new SigV4Request(method, q < 0 ? pathAndQuery : pathAndQuery.substring(0, q),
                q < 0 ? "" : pathAndQuery.substring(q + 1), signedValues);
        all.put("Authorization", SigV4Client.authorization(r, List.copyOf(signedValues.keySet()), body, KEY_ID, secret,
                "us-east-1", "lambda", SigV4Format.basic(NOW)));
        return all;
    }

    HttpResponse<String> invoke(String name, String payload, Map<String, String> headers)
            throws IOException, InterruptedException {
        return signed("POST", "/2015-03-31/functions/" + name + "/invocations", headers,
                payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** X-Amz-Date's format. */
    static final class SigV4Format {
        static String basic(Instant t) {
            return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                    .withZone(java.time.ZoneOffset.UTC).format(t);
        }
    }

    // ---- fakes of the core ----

    private final class RecordingQueue implements CallQueue {
        @Override
        public boolean available() {
            return queueAvailable;
        }

        @Override
        public void enqueue(QueuedCall call, InputStream body) throws QueueUnavailableException, IOException {
            if (!queueAvailable) {
                throw new QueueUnavailableException("NATS is down");
            }
            queued.add(call.withBody(body.readAllBytes()));
        }

        @Override
        public CompletableFuture<Void> storeCallback(CallbackRequest callback) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void start(Consumer<Delivery<QueuedCall>> calls, Consumer<Delivery<CallbackRequest>> callbacks,
                          ToIntFunction<String> maxInflight) {}

        @Override
        public void stopDelivering() {}

        @Override
        public QueueStatus status() {
            return new QueueStatus(false, "the queue's NATS is not connected", List.of(), 0);
        }

        @Override
        public void close() {}
    }

    private final class Manager implements FunctionManager {
        @Override
        public List<FunctionStatus> list() throws ManagementException {
            if (!managed) {
                throw new ManagementException(ManagementException.Reason.UNSUPPORTED, "static");
            }
            if (managerFailure != null) {
                throw managerFailure;
            }
            return List.copyOf(statuses);
        }

        @Override
        public FunctionStatus get(String name) throws ManagementException {
            for (FunctionStatus s : list()) {
                if (s.name().equals(name)) {
                    return s;
                }
            }
            throw new ManagementException(ManagementException.Reason.NOT_FOUND, "no " + name);
        }

        @Override
        public void deploy(FunctionDeployment deployment) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void update(FunctionDeployment deployment) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void scale(String name, int replicas) {
            throw new UnsupportedOperationException();
        }
    }
}

package dev.faas.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Queued calls on the real stack (scripts/up.sh, its NATS with JetStream on a volume): retries, failure reported to the
 * callback, bad input refused with nothing stored, a 20 MB body intact, and 1,000 calls accepted while the gateway
 * (which runs the queue's worker) is killed, NATS is killed and the gateway is stopped: every call runs and every
 * callback arrives. The functions are busybox httpd CGI scripts behind the watchdog's http mode
 * (src/test/resources/async-probe), which log each run and each callback they receive.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AsyncIT {
    private static final String RECORDER = "http://gateway:8080/function/async-recorder";
    private static final List<String> FUNCTIONS = List.of("async-echo", "async-recorder", "async-flaky", "async-fail");

    private static BringUp stack;
    private static String image;
    private static HttpClient http;
    private static URI gateway;

    @BeforeAll
    static void bringUpTheStackAndTheProbeFunctions() {
        image = "faas-test/async-probe:" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 40), 36);
        Cli.docker("build", "-q", "-t", image, ProjectFiles.file("e2e/src/test/resources/async-probe/Dockerfile").getParent().toString());
        stack = new BringUp("async");
        stack.upOrFail();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        gateway = URI.create("http://127.0.0.1:" + stack.gatewayPort);
        GatewayClient admin = new GatewayClient(stack.gatewayPort);
        for (String f : FUNCTIONS) {
            // The receiver in fork mode: its log is one file, so one replica.
            String env = f.equals("async-recorder") ? ",\"envVars\":{\"mode\":\"fork\",\"fprocess\":\"/www/record\"}" : "";
            String json = "{\"service\":\"" + f + "\",\"image\":\"" + image + "\",\"labels\":{\"com.openfaas.scale.min\":\"1\","
                    + "\"com.openfaas.scale.max\":\"1\"}" + env + "}";
            HttpResponse<String> r = admin.api("POST", "/system/functions", json, "admin", stack.password());
            assertTrue(r.statusCode() / 100 == 2, "deploy " + f + ": " + r.statusCode() + " " + r.body());
        }
        for (String f : FUNCTIONS) {
            String probe = f.equals("async-recorder") ? "/function/" + f : "/function/" + f + "/cgi-bin/show?runs";
            waitFor(Duration.ofSeconds(90), f + " answers", () -> status("GET", probe, null, Map.of()) == 200);
        }
        // The functions answering says nothing of NATS: under the whole suite's load the gateway may not have its
        // queue yet, and a call sent then is (rightly) refused with 503.
        waitFor(Duration.ofSeconds(90), "the gateway's queue connected", () ->
                new GatewayClient(stack.gatewayPort).get("/system/queue", "admin", stack.password()).statusCode() == 200);
    }

    @AfterAll
    static void removeEverything() {
        try {
            if (stack != null) {
                GatewayClient admin = new GatewayClient(stack.gatewayPort);
                for (String f : FUNCTIONS) {
                    admin.api("DELETE", "/system/functions", "{\"functionName\":\"" + f + "\"}", "admin", stack.password());
                }
                stack.close();
            }
        } finally {
            if (image != null) {
                Cli.run(ProjectFiles.root(), Map.of(), Duration.ofSeconds(30), "docker", "image", "rm", "-f", image);
            }
        }
    }

    @Test
    @Order(1)
    void aCallFailingTwiceWith503SucceedsOnTheThirdTry() {
        String id = "flaky-" + System.nanoTime();
        assertEquals(202, submit("async-flaky/cgi-bin/flaky", id, "x".getBytes(), RECORDER));
        Map<String, String> callback = waitForCallback(id, Duration.ofSeconds(60));
        assertEquals("200 " + md5("ok on try 3\n".getBytes()), callback.get(id), "the callback of " + id);
        assertEquals(3, count(runs("async-flaky"), id), "tries of " + id);
    }

    @Test
    @Order(2)
    void aCallThatAlwaysFailsEndsAfterFiveTriesAndItsCallbackSaysSo() {
        String id = "fail-" + System.nanoTime();
        long started = System.nanoTime();
        assertEquals(202, submit("async-fail/cgi-bin/fail", id, "x".getBytes(), RECORDER));
        Map<String, String> callback = waitForCallback(id, Duration.ofSeconds(120));
        System.out.printf("AsyncIT: a call always answered 503 failed after %.1fs%n", (System.nanoTime() - started) / 1e9);
        assertEquals("503 " + md5("always down\n".getBytes()), callback.get(id));
        assertEquals(5, count(runs("async-fail"), id), "tries of " + id + " (async_max_attempts 5)");
        assertTrue(metrics().contains("gateway_async_finished_total{code=\"503\",function_name=\"async-fail\",outcome=\"failed\"} 1.0"),
                "counted as failed");
    }

    @Test
    @Order(3)
    void a20MegabyteBodyGoesThroughIntact() {
        byte[] body = new byte[20 * 1024 * 1024];
        ThreadLocalRandom.current().nextBytes(body);
        String id = "large-" + System.nanoTime();
        long started = System.nanoTime();
        // catservice (the watchdog's fork mode, cat): busybox httpd takes a 20 MB body into its CGI at under 1 MB/s.
        // The callback goes to the receiver's own address on the functions network: through the gateway a 20 MB
        // callback is over its max_body (10m) and refused with 413.
        assertEquals(202, submit("catservice", id, body, "http://async-recorder:8080/"));
        double accepted = (System.nanoTime() - started) / 1e9;
        Map<String, String> callback = waitForCallback(id, Duration.ofSeconds(120));
        System.out.printf("AsyncIT: a 20 MB body accepted in %.2fs, its callback in by %.1fs%n", accepted,
                (System.nanoTime() - started) / 1e9);
        assertEquals("200 " + md5(body), callback.get(id), "the 20 MB answer's checksum, as the callback received it");
    }

    @Test
    @Order(4)
    void badInputIsRefusedAtOnceAndNothingOfItIsStored() {
        assertEquals(404, submit("nosuch", "bad-1", "x".getBytes(), null));
        assertEquals(400, submit("async-echo/cgi-bin/echo", "bad-2", "x".getBytes(), "ftp://example.org/x"));
        assertEquals(400, submit("async-echo/cgi-bin/echo", "bad-3", "x".getBytes(), "http://nats:8222/varz"));
        assertEquals(400, submit("async-echo/cgi-bin/echo", "bad-4", "x".getBytes(), "http://gateway:8080/system/functions"));
        assertEquals(400, submit("async-echo/cgi-bin/echo", "bad-5", "x".getBytes(), "http://169.254.169.254/latest/meta-data"));
        assertEquals(413, submit("async-echo/cgi-bin/echo", "bad-6", new byte[32 * 1024 * 1024 + 1], null));

        Cli.docker("service", "scale", "-d", stack.service("nats") + "=0");
        waitFor(Duration.ofSeconds(30), "the gateway sees NATS gone", () -> !queueView().contains("\"connected\":true"));
        assertEquals(503, submit("async-echo/cgi-bin/echo", "bad-7", "x".getBytes(), RECORDER));
        Cli.docker("service", "scale", "-d", stack.service("nats") + "=1");
        waitFor(Duration.ofSeconds(60), "the gateway sees NATS back", () -> queueView().contains("\"connected\":true"));

        String after = "after-" + System.nanoTime();
        assertEquals(202, submit("async-echo/cgi-bin/echo", after, "x".getBytes(), RECORDER));
        waitForCallback(after, Duration.ofSeconds(60));
        String runs = runs("async-echo");
        for (int i = 1; i <= 7; i++) {
            assertEquals(0, count(runs, "bad-" + i), "bad-" + i + " was refused, yet it ran");
        }
        assertFalse(callbacks().contains("bad-"), "a refused call's callback arrived");
    }

    @Test
    @Order(5)
    void aThousandCallsAcceptedWhileTheGatewayAndNatsAreKilledAllRunAndCallBack() throws Exception {
        int total = 1000;
        String run = "c" + System.nanoTime() + "-";
        Set<Integer> accepted = ConcurrentHashMap.newKeySet();
        Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();
        ExecutorService senders = Executors.newFixedThreadPool(8);
        AtomicInteger next = new AtomicInteger();
        long started = System.nanoTime();
        for (int t = 0; t < 8; t++) {
            senders.execute(() -> {
                for (int n = next.getAndIncrement(); n < total; n = next.getAndIncrement()) {
                    // The same X-Call-Id each time: a call stored although its 202 was lost is stored once.
                    while (true) {
                        int status = submit("async-echo/cgi-bin/echo", run + n, payload(n), RECORDER);
                        if (status == 202) {
                            accepted.add(n);
                            break;
                        }
                        refused.computeIfAbsent(status == -1 ? "no answer" : Integer.toString(status), k -> new AtomicInteger())
                                .incrementAndGet();
                        sleep(200);
                    }
                    sleep(120); // about 60 calls/s over the 8 senders: the trouble below lands mid-stream
                }
            });
        }
        String gatewayService = stack.service("gateway");
        String natsService = stack.service("nats");
        waitFor(Duration.ofSeconds(60), "150 accepted", () -> accepted.size() >= 150);
        String killed = container(gatewayService);
        Cli.docker("kill", killed);
        System.out.printf("AsyncIT: killed the gateway (SIGKILL) at %d accepted%n", accepted.size());
        waitFor(Duration.ofSeconds(90), "a new gateway", () -> !container(gatewayService).isEmpty()
                && !container(gatewayService).equals(killed) && accepted.size() >= 350);
        Cli.docker("kill", container(natsService));
        System.out.printf("AsyncIT: killed nats-server (SIGKILL) at %d accepted%n", accepted.size());
        int atNatsKill = accepted.size();
        waitFor(Duration.ofSeconds(90), "calls accepted again", () -> accepted.size() >= atNatsKill + 200);
        String stopped = container(gatewayService);
        Cli.run(ProjectFiles.root(), Map.of(), Duration.ofSeconds(60), "docker", "stop", "-t", "15", stopped);
        System.out.printf("AsyncIT: stopped the gateway (SIGTERM) at %d accepted%n", accepted.size());
        senders.shutdown();
        assertTrue(senders.awaitTermination(5, TimeUnit.MINUTES), "the senders finished");
        double sending = (System.nanoTime() - started) / 1e9;
        assertEquals(total, accepted.size());

        Map<String, String> callbacks = new HashMap<>();
        waitFor(Duration.ofSeconds(240), "a callback for every call", () -> {
            callbacks.clear();
            callbacks.putAll(lastCallbacks(run));
            return callbacks.size() >= total;
        });
        double done = (System.nanoTime() - started) / 1e9;
        String callbackLog = callbacks();
        String runLog = runs("async-echo");
        int callbackLines = (int) callbackLog.lines().filter(l -> l.startsWith(run)).count();
        int runLines = (int) runLog.lines().filter(l -> l.startsWith(run)).count();
        System.out.printf("AsyncIT: %d calls accepted in %.1fs (%s refused submissions, sent again), all %d callbacks "
                        + "in by %.1fs; runs %d (%d twice), callbacks received %d (%d twice)%n",
                accepted.size(), sending, refused, callbacks.size(), done, runLines, runLines - total, callbackLines,
                callbackLines - total);
        for (int n = 0; n < total; n++) {
            assertEquals("200 " + md5(payload(n)), callbacks.get(run + n), "the callback of call " + n);
        }
        assertTrue(runLines >= total, "every call ran");
    }

    // ---- helpers ----

    private static byte[] payload(int n) {
        return ("payload " + n).getBytes(StandardCharsets.UTF_8);
    }

    /** POST /async-function/<target> with the call's id; the status, or -1 when there was no answer. */
    private static int submit(String target, String id, byte[] body, String callback) {
        Map<String, String> headers = new HashMap<>(Map.of("X-Call-Id", id));
        if (callback != null) {
            headers.put("X-Callback-Url", callback);
        }
        return status("POST", "/async-function/" + target, body, headers);
    }

    private static int status(String method, String path, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder r = HttpRequest.newBuilder(gateway.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(r::header);
        try {
            return http.send(r.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(gateway.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static String runs(String function) {
        return get("/function/" + function + "/cgi-bin/show?runs");
    }

    private static String callbacks() {
        return get("/function/async-recorder");
    }

    private static String metrics() {
        return get("/metrics");
    }

    private static String queueView() {
        return new GatewayClient(stack.gatewayPort).get("/system/queue", "admin", stack.password()).body();
    }

    /** The latest callback of each call whose id starts with {@code prefix}: "<status> <md5>" (its arrival left out). */
    private static Map<String, String> lastCallbacks(String prefix) {
        Map<String, String> last = new HashMap<>();
        for (String line : callbacks().lines().toList()) {
            String[] f = line.split(" ");
            if (f.length >= 3 && f[0].startsWith(prefix)) {
                last.put(f[0], f[1] + " " + f[2]);
            }
        }
        return last;
    }

    private static Map<String, String> waitForCallback(String id, Duration timeout) {
        Map<String, String> found = new HashMap<>();
        waitFor(timeout, "the callback of " + id, () -> {
            found.putAll(lastCallbacks(id));
            return found.containsKey(id);
        });
        return found;
    }

    private static int count(String log, String id) {
        return (int) log.lines().filter(id::equals).count();
    }

    private static String container(String service) {
        return Cli.docker("ps", "-q", "--filter", "label=com.docker.swarm.service.name=" + service);
    }

    private static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static void waitFor(Duration timeout, String what, BooleanSupplier condition) {
        long until = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("waited " + timeout.toSeconds() + "s for " + what);
            }
            sleep(500);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.faas.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mode=http with a real warm process (TestUpstream, a JDK HttpServer started by the watchdog as fprocess). */
class HttpModeTest {
    @TempDir
    Path dir;

    @Test
    void readyOnlyAfterTheUpstreamListens() throws Exception {
        try (WatchdogProcess w = WatchdogProcess.start(env(1500, Map.of()), dir)) {
            assertEquals(503, get(w, "/_/ready").statusCode());
            assertEquals(503, get(w, "/_/health").statusCode());
            assertFalse(Files.exists(dir.resolve(".lock")), "no lock file before the process listens");
            HttpResponse<String> early = w.post("too soon");
            assertEquals(503, early.statusCode());
            assertTrue(early.body().contains("not ready"), early.body());
            awaitReady(w);
            assertTrue(Files.exists(dir.resolve(".lock")), "lock file once the process listens");
            HttpResponse<String> r = w.post("hello");
            assertEquals(200, r.statusCode());
            assertTrue(r.body().startsWith("POST / x-test=null body=hello"), r.body());
        }
    }

    @Test
    void forwardsMethodPathQueryHeadersAndBody() throws Exception {
        try (WatchdogProcess w = readyWatchdog(Map.of())) {
            HttpResponse<String> r = w.send(HttpRequest.newBuilder(w.uri("/some/path?x=1&y=a%20b"))
                    .header("X-Test", "abc").PUT(HttpRequest.BodyPublishers.ofString("the body")));
            assertEquals(200, r.statusCode());
            assertTrue(r.body().startsWith("PUT /some/path?x=1&y=a%20b x-test=abc body=the body pid="), r.body());
            HttpResponse<String> streamed = get(w, "/stream");
            assertEquals(200, streamed.statusCode());
            assertEquals("first\nsecond\n", streamed.body());
        }
    }

    @Test
    void slowRequestIsCutAtExecTimeoutWhileTheNextSucceeds() throws Exception {
        try (WatchdogProcess w = readyWatchdog(Map.of("exec_timeout", "1s"))) {
            String pid = pidOf(w.post("before"));
            long start = System.nanoTime();
            HttpResponse<String> slow = get(w, "/slow?ms=5000");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(504, slow.statusCode());
            assertEquals("exec_timeout of 1s reached: request cancelled\n", slow.body());
            assertTrue(millis >= 950 && millis < 2500, "answered after " + millis + " ms");
            HttpResponse<String> next = w.post("after");
            assertEquals(200, next.statusCode());
            assertEquals(pid, pidOf(next), "the process kept running: only the request was cancelled");
        }
    }

    @Test
    void xTimeoutShortensTheLimitButNeverLengthensIt() throws Exception {
        try (WatchdogProcess w = readyWatchdog(Map.of("exec_timeout", "2s"))) {
            long start = System.nanoTime();
            HttpResponse<String> shorter = w.send(HttpRequest.newBuilder(w.uri("/slow?ms=1500"))
                    .header("X-Timeout", "300ms").GET());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(504, shorter.statusCode());
            assertEquals("X-Timeout of 300ms reached: request cancelled\n", shorter.body());
            assertTrue(millis < 1200, "answered after " + millis + " ms");
            HttpResponse<String> longer = w.send(HttpRequest.newBuilder(w.uri("/slow?ms=4000"))
                    .header("X-Timeout", "10s").GET());
            assertEquals(504, longer.statusCode());
            assertEquals("exec_timeout of 2s reached: request cancelled\n", longer.body());
            HttpResponse<String> bad = w.send(HttpRequest.newBuilder(w.uri("/")).header("X-Timeout", "soon").GET());
            assertEquals(400, bad.statusCode());
        }
    }

    @Test
    void upstreamCrashAnswers503ThenRecovers() throws Exception {
        try (WatchdogProcess w = readyWatchdog(Map.of())) {
            String pid = pidOf(w.post("before"));
            HttpResponse<String> crash = get(w, "/crash");
            assertTrue(crash.statusCode() == 503 || crash.statusCode() == 502, crash.statusCode() + " " + crash.body());
            // Every start of TestUpstream waits 1 s before it listens: the restart leaves a window of 503s.
            HttpResponse<String> meanwhile = w.post("during the restart");
            assertEquals(503, meanwhile.statusCode(), meanwhile.body());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (get(w, "/_/health").statusCode() != 503 && System.nanoTime() < deadline) {
                Thread.sleep(5); // the watchdog hears of the exit a moment after connections are refused
            }
            assertEquals(503, get(w, "/_/health").statusCode(), "unhealthy while the process restarts");
            awaitReady(w);
            HttpResponse<String> after = w.post("after");
            assertEquals(200, after.statusCode());
            assertFalse(pid.equals(pidOf(after)), "a new process answers");
            assertTrue(w.log().contains("msg=\"the function's process exited; requests get 503 until it listens again\" status=3"),
                    w.log());
        }
    }

    @Test
    void requestsOverMaxInflightAre429() throws Exception {
        try (WatchdogProcess w = readyWatchdog(Map.of("max_inflight", "1"))) {
            CompletableFuture<HttpResponse<String>> slow = w.sendAsync(HttpRequest.newBuilder(w.uri("/slow?ms=1500")).GET());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (get(w, "/_/ready").statusCode() != 429 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(429, get(w, "/_/ready").statusCode(), "/_/ready says 429 at max_inflight");
            HttpResponse<String> rejected = w.post("one too many");
            assertEquals(429, rejected.statusCode());
            assertEquals("too many requests in flight (max_inflight=1); retry later\n", rejected.body());
            assertEquals(200, slow.get(10, TimeUnit.SECONDS).statusCode());
            assertEquals(200, w.post("room again").statusCode());
        }
    }

    @Test
    void sigtermDrainsInFlightRequestsThenStopsTheProcess() throws Exception {
        try (WatchdogProcess w = readyWatchdog(Map.of("max_inflight", "1"))) {
            long upstreamPid = Long.parseLong(pidOf(w.post("x")));
            CompletableFuture<HttpResponse<String>> slow = w.sendAsync(HttpRequest.newBuilder(w.uri("/slow?ms=1000")).GET());
            // In flight for sure (a sleep could end before a busy machine even read the request): /_/ready says so.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (get(w, "/_/ready").statusCode() != 429) {
                assertTrue(System.nanoTime() < deadline, "the slow request never went in flight");
                Thread.sleep(10);
            }
            w.sigterm();
            assertEquals(200, slow.get(10, TimeUnit.SECONDS).statusCode(), "the in-flight request finished");
            assertTrue(w.process.waitFor(15, TimeUnit.SECONDS), "the watchdog exited");
            assertEquals(0, w.process.exitValue(), w.log());
            assertTrue(w.log().contains("msg=stopped drained=true mode=http"), w.log());
            assertFalse(ProcessHandle.of(upstreamPid).map(ProcessHandle::isAlive).orElse(false),
                    "the warm process was stopped");
        }
    }

    @Test
    void sigtermWhileTheProcessStartsLeavesNothingRunning() throws Exception {
        try (WatchdogProcess w = WatchdogProcess.start(env(3000, Map.of()), dir)) {
            w.sigterm();
            assertTrue(w.process.waitFor(15, TimeUnit.SECONDS), "the watchdog exited");
            assertEquals(0, w.process.exitValue(), w.log());
            List<Long> left = w.awaitNoMarkedProcesses(Duration.ofSeconds(3));
            assertTrue(left.isEmpty(), "the starting process outlived the watchdog: " + left);
        }
    }

    private WatchdogProcess readyWatchdog(Map<String, String> extra) throws Exception {
        WatchdogProcess w = WatchdogProcess.start(env(0, extra), dir);
        awaitReady(w);
        return w;
    }

    private Map<String, String> env(long startDelayMillis, Map<String, String> extra) throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes = Path.of("target", "test-classes").toAbsolutePath().toString();
        Map<String, String> env = new HashMap<>(Map.of(
                "mode", "http",
                "upstream_url", "http://127.0.0.1:" + port,
                "fprocess", java + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp " + classes
                        + " dev.faas.watchdog.TestUpstream " + port + " " + (startDelayMillis == 0 ? 1000 : startDelayMillis)));
        env.putAll(extra);
        return env;
    }

    private static void awaitReady(WatchdogProcess w) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (get(w, "/_/ready").statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never ready; log:\n" + w.log());
            }
            Thread.sleep(20);
        }
    }

    private static HttpResponse<String> get(WatchdogProcess w, String path) throws Exception {
        return w.send(HttpRequest.newBuilder(w.uri(path)).GET());
    }

    private static String pidOf(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        return r.body().substring(r.body().lastIndexOf("pid=") + 4);
    }
}

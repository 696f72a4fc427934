package dev.faas.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

    /** The process is held before it listens until the test has seen every "not yet" answer (no race with a delay). */
    @Test
    void readyOnlyAfterTheUpstreamListens() throws Exception {
        Path hold = Files.createFile(dir.resolve("hold"));
        try (WatchdogProcess w = WatchdogProcess.start(env(hold, Map.of()), dir)) {
            assertEquals(503, get(w, "/_/ready").statusCode());
            assertEquals(503, get(w, "/_/health").statusCode());
            assertFalse(Files.exists(dir.resolve(".lock")), "no lock file before the process listens");
            HttpResponse<String> early = w.post("too soon");
            assertEquals(503, early.statusCode());
            assertTrue(early.body().contains("not ready"), early.body());
            Files.delete(hold);
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

    /**
     * The process answers /hold only when the test releases it, which it never does here: a 504 naming exec_timeout
     * can only be the watchdog's own deadline. The lower bound (it did not fire early) cannot be broken by slowness.
     */
    @Test
    void slowRequestIsCutAtExecTimeoutWhileTheNextSucceeds() throws Exception {
        try (WatchdogProcess w = readyWatchdog(Map.of("exec_timeout", "1s"))) {
            String pid = pidOf(w.post("before"));
            long start = System.nanoTime();
            HttpResponse<String> slow = get(w, holdPath("never"));
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("http mode, exec_timeout of 1s: 504 after %d ms%n", millis);
            assertEquals(504, slow.statusCode());
            assertEquals("exec_timeout of 1s reached: request cancelled\n", slow.body());
            assertTrue(millis >= 950, "cut after " + millis + " ms, before its exec_timeout of 1s");
            HttpResponse<String> next = w.post("after");
            assertEquals(200, next.statusCode());
            assertEquals(pid, pidOf(next), "the process kept running: only the request was cancelled");
        }
    }

    /**
     * Neither request is ever answered by the process, so the 504's text names the limit that was armed: X-Timeout
     * when it is shorter than exec_timeout, exec_timeout when X-Timeout asks for more.
     */
    @Test
    void xTimeoutShortensTheLimitButNeverLengthensIt() throws Exception {
        try (WatchdogProcess w = readyWatchdog(Map.of("exec_timeout", "2s"))) {
            long start = System.nanoTime();
            HttpResponse<String> shorter = w.send(HttpRequest.newBuilder(w.uri(holdPath("never")))
                    .header("X-Timeout", "300ms").GET());
            long shorterMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(504, shorter.statusCode());
            assertEquals("X-Timeout of 300ms reached: request cancelled\n", shorter.body());
            assertTrue(shorterMillis >= 250, "cut after " + shorterMillis + " ms, before X-Timeout");
            start = System.nanoTime();
            HttpResponse<String> longer = w.send(HttpRequest.newBuilder(w.uri(holdPath("never")))
                    .header("X-Timeout", "10s").GET());
            long longerMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(504, longer.statusCode());
            assertEquals("exec_timeout of 2s reached: request cancelled\n", longer.body());
            assertTrue(longerMillis >= 1950, "cut after " + longerMillis + " ms, before exec_timeout");
            System.out.printf("http mode: X-Timeout 300ms cut after %d ms, X-Timeout 10s (exec_timeout 2s) after %d ms%n",
                    shorterMillis, longerMillis);
            HttpResponse<String> bad = w.send(HttpRequest.newBuilder(w.uri("/")).header("X-Timeout", "soon").GET());
            assertEquals(400, bad.statusCode());
        }
    }

    /** The restarted process is held before it listens until the test has seen the 503s: the window is the test's. */
    @Test
    void upstreamCrashAnswers503ThenRecovers() throws Exception {
        Path hold = dir.resolve("hold");
        try (WatchdogProcess w = readyWatchdog(hold, Map.of())) {
            String pid = pidOf(w.post("before"));
            Files.createFile(hold);
            HttpResponse<String> crash = get(w, "/crash");
            assertTrue(crash.statusCode() == 503 || crash.statusCode() == 502, crash.statusCode() + " " + crash.body());
            HttpResponse<String> meanwhile = w.post("during the restart");
            assertEquals(503, meanwhile.statusCode(), meanwhile.body());
            // The watchdog hears of the exit a moment after connections are refused; the 30 s only guard a hang.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (get(w, "/_/health").statusCode() != 503) {
                assertTrue(System.nanoTime() < deadline, "healthy although the process exited: " + w.log());
                Thread.sleep(5);
            }
            Files.delete(hold);
            awaitReady(w);
            HttpResponse<String> after = w.post("after");
            assertEquals(200, after.statusCode());
            assertFalse(pid.equals(pidOf(after)), "a new process answers");
            assertTrue(w.log().contains("msg=\"the function's process exited; requests get 503 until it listens again\" status=3"),
                    w.log());
        }
    }

    /** The first request is held by the test (not by a sleep that could end first), so it is surely in flight. */
    @Test
    void requestsOverMaxInflightAre429() throws Exception {
        Path release = dir.resolve("release");
        try (WatchdogProcess w = readyWatchdog(Map.of("max_inflight", "1", "write_timeout", "60s"))) {
            CompletableFuture<HttpResponse<String>> held = w.sendAsync(HttpRequest.newBuilder(w.uri(holdPath(release)))
                    .GET());
            awaitStatus(w, "/_/ready", 429);
            HttpResponse<String> rejected = w.post("one too many");
            assertEquals(429, rejected.statusCode());
            assertEquals("too many requests in flight (max_inflight=1); retry later\n", rejected.body());
            assertFalse(held.isDone(), "the first request was still in flight");
            Scripts.release(release);
            HttpResponse<String> first = held.get(30, TimeUnit.SECONDS);
            assertEquals(200, first.statusCode());
            assertEquals("released", first.body());
            assertEquals(200, w.post("room again").statusCode());
        }
    }

    /**
     * The in-flight request is held until the watchdog says it drains: it is still running (and so is the watchdog)
     * then, and is answered once released. write_timeout 60 s makes the drain period 61 s, far beyond the test.
     */
    @Test
    void sigtermDrainsInFlightRequestsThenStopsTheProcess() throws Exception {
        Path release = dir.resolve("release");
        try (WatchdogProcess w = readyWatchdog(Map.of("max_inflight", "1", "write_timeout", "60s"))) {
            long upstreamPid = Long.parseLong(pidOf(w.post("x")));
            CompletableFuture<HttpResponse<String>> held = w.sendAsync(HttpRequest.newBuilder(w.uri(holdPath(release)))
                    .GET());
            awaitStatus(w, "/_/ready", 429); // in flight for sure: /_/ready says so
            w.sigterm();
            w.awaitLogLine("msg=draining");
            assertTrue(w.process.isAlive(), "the watchdog waits for the in-flight request");
            assertFalse(held.isDone(), "the in-flight request is not cut");
            Scripts.release(release);
            HttpResponse<String> r = held.get(30, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), "the in-flight request finished");
            assertEquals("released", r.body());
            assertTrue(w.process.waitFor(30, TimeUnit.SECONDS), "the watchdog exited");
            assertEquals(0, w.process.exitValue(), w.log());
            assertTrue(w.log().contains("msg=stopped drained=true mode=http"), w.log());
            assertFalse(ProcessHandle.of(upstreamPid).map(ProcessHandle::isAlive).orElse(false),
                    "the warm process was stopped");
        }
    }

    /** The process is held before it listens (for as long as the test likes) when SIGTERM comes. */
    @Test
    void sigtermWhileTheProcessStartsLeavesNothingRunning() throws Exception {
        Path hold = Files.createFile(dir.resolve("hold"));
        try (WatchdogProcess w = WatchdogProcess.start(env(hold, Map.of()), dir)) {
            assertEquals(503, get(w, "/_/ready").statusCode(), "the process does not listen yet");
            w.sigterm();
            assertTrue(w.process.waitFor(30, TimeUnit.SECONDS), "the watchdog exited");
            assertEquals(0, w.process.exitValue(), w.log());
            List<Long> left = w.awaitNoMarkedProcesses(Duration.ofSeconds(10)); // held, it would never end
            assertTrue(left.isEmpty(), "the starting process outlived the watchdog: " + left);
        }
    }

    private WatchdogProcess readyWatchdog(Map<String, String> extra) throws Exception {
        return readyWatchdog(null, extra);
    }

    private WatchdogProcess readyWatchdog(Path hold, Map<String, String> extra) throws Exception {
        WatchdogProcess w = WatchdogProcess.start(env(hold, extra), dir);
        awaitReady(w);
        return w;
    }

    /** @param hold while this file exists, every start of the process waits before it listens (null: never) */
    private Map<String, String> env(Path hold, Map<String, String> extra) throws Exception {
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
                        + " dev.faas.watchdog.TestUpstream " + port + " 0"
                        + (hold == null ? "" : " " + hold)));
        env.putAll(extra);
        return env;
    }

    /** A path the process answers only once {@code release} exists. */
    private String holdPath(Path release) {
        return "/hold?file=" + URLEncoder.encode(release.toString(), StandardCharsets.UTF_8);
    }

    /** A path the process never answers during the test. */
    private String holdPath(String never) {
        return holdPath(dir.resolve(never));
    }

    private static void awaitReady(WatchdogProcess w) throws Exception {
        awaitStatus(w, "/_/ready", 200);
    }

    /** Polls until {@code path} answers {@code status}; the 30 s only guard against a hang. */
    private static void awaitStatus(WatchdogProcess w, String path, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (get(w, path).statusCode() != status) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(path + " never answered " + status + "; log:\n" + w.log());
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

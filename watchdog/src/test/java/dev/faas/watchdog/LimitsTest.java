package dev.faas.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Time, concurrency, size and method limits, and what a request leaves behind. */
class LimitsTest {
    @TempDir
    Path dir;

    @Test
    void timeoutKillsTheWholeProcessTree() throws Exception {
        String script = Scripts.write(dir, "sleepy.sh", "sleep 30 &\nsleep 30");
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", script, "exec_timeout", "1s"), dir)) {
            long start = System.nanoTime();
            HttpResponse<String> r = w.post("x");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(504, r.statusCode());
            assertEquals("exec_timeout of 1s reached: process killed\n", r.body());
            assertTrue(millis >= 950 && millis < 2500, "answered after " + millis + " ms");
            List<Long> left = w.awaitNoMarkedProcesses(Duration.ofSeconds(1));
            assertTrue(left.isEmpty(), "processes of the request still alive: " + left);
        }
    }

    @Test
    void writeTimeoutAlsoBoundsTheProcessAndIsNamed() throws Exception {
        String script = Scripts.write(dir, "slow.sh", "sleep 30");
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", script, "write_timeout", "500ms"), dir)) {
            HttpResponse<String> r = w.post("x");
            assertEquals(504, r.statusCode());
            assertEquals("write_timeout of 500ms reached: process killed\n", r.body());
        }
    }

    @Test
    void backgroundChildNeitherDelaysTheResponseNorSurvivesIt() throws Exception {
        String script = Scripts.write(dir, "orphan.sh", "sleep 30 &\necho done");
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", script, "exec_timeout", "10s"), dir)) {
            long start = System.nanoTime();
            HttpResponse<String> r = w.post("x");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, r.statusCode());
            assertEquals("done\n", r.body());
            assertTrue(millis < 3000, "answered after " + millis + " ms, not when the script ended");
            List<Long> left = w.awaitNoMarkedProcesses(Duration.ofSeconds(1));
            assertTrue(left.isEmpty(), "background process outlived its request: " + left);
        }
    }

    /**
     * Children that are still exec'ing when their parent exits read as having no environment for a moment: the sweep
     * must look again instead of taking them for strangers (CI once found one `sleep` left this way).
     */
    @Test
    void childrenStartedJustBeforeTheScriptExitsAreKilledEveryTime() throws Exception {
        String script = Scripts.write(dir, "burst.sh", "for i in 1 2 3 4; do sleep 30 & done\necho done");
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", script), dir)) {
            for (int i = 0; i < 40; i++) {
                assertEquals("done\n", w.post("x").body());
            }
            List<Long> left = w.awaitNoMarkedProcesses(Duration.ofSeconds(1));
            assertTrue(left.isEmpty(), "background processes outlived their requests: " + left);
        }
    }

    @Test
    void backgroundChildInItsOwnSessionIsKilledToo() throws Exception {
        String script = Scripts.write(dir, "daemon.sh", "setsid sleep 30 > /dev/null 2>&1 &\necho started");
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", script), dir)) {
            assertEquals("started\n", w.post("x").body());
            List<Long> left = w.awaitNoMarkedProcesses(Duration.ofSeconds(1));
            assertTrue(left.isEmpty(), "a process that left the process group outlived its request: " + left);
        }
    }

    @Test
    void requestsOverMaxInflightAre429() throws Exception {
        Path started = dir.resolve("started");
        String script = Scripts.write(dir, "slow.sh", "touch " + started + "\nsleep 1\necho ok");
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", script, "max_inflight", "1"), dir)) {
            CompletableFuture<HttpResponse<String>> first = w.postAsync("a");
            Scripts.awaitFile(started);
            HttpResponse<String> second = w.post("b");
            assertEquals(429, second.statusCode());
            assertTrue(second.body().contains("max_inflight=1"), second.body());
            assertEquals(200, first.get().statusCode());
            assertEquals(200, w.post("c").statusCode(), "a slot is free again once the first request ended");
        }
    }

    @Test
    void bodyOverMaxBodySizeIs413WithLengthOrChunked() throws Exception {
        byte[] big = new byte[2048];
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", "cat", "max_body_size", "1k"), dir)) {
            HttpResponse<String> declared = w.send(HttpRequest.newBuilder(w.uri("/"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(big)));
            assertEquals(413, declared.statusCode());
            assertEquals("request body is larger than max_body_size (1024 bytes)\n", declared.body());
            HttpResponse<String> chunked = w.send(HttpRequest.newBuilder(w.uri("/"))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
            assertEquals(413, chunked.statusCode());
            assertEquals(200, w.post("small").statusCode());
        }
    }

    @Test
    void requestWhoseBodyStallsIsCutOffAtReadTimeoutWithoutRunningTheFunction() throws Exception {
        String script = Scripts.write(dir, "mark.sh", "touch " + dir.resolve("ran") + "\ncat");
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", script, "read_timeout", "1s"), dir);
             Socket socket = new Socket("127.0.0.1", w.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(
                    "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            assertEquals(-1, socket.getInputStream().read(), "connection closed without an answer");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 900 && millis < 3500, "closed after " + millis + " ms");
            assertFalse(Files.exists(dir.resolve("ran")), "a small body is read whole before the process starts");
        }
    }

    @Test
    void unsupportedMethodsAre405WithAllow() throws Exception {
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", "cat"), dir)) {
            for (String method : new String[] {"OPTIONS", "HEAD", "TRACE"}) {
                HttpResponse<String> r = w.send(HttpRequest.newBuilder(w.uri("/"))
                        .method(method, HttpRequest.BodyPublishers.noBody()));
                assertEquals(405, r.statusCode(), method);
                assertEquals("GET, POST, PUT, PATCH, DELETE", r.headers().firstValue("Allow").orElse(""));
            }
            assertEquals(200, w.send(HttpRequest.newBuilder(w.uri("/")).GET()).statusCode());
            assertFalse(w.log().contains("Exception"), w.log());
        }
    }
}

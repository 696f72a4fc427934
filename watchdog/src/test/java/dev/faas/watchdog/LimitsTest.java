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

    /**
     * The function would leave two marks if it ran on (its own after the sleep, and a background child's): a 504
     * naming exec_timeout, neither mark, and no process of the request left (so no mark can come later) say it was
     * killed whole at its limit. The only bound on time is the lower one, and slowness cannot break it.
     */
    @Test
    void timeoutKillsTheWholeProcessTree() throws Exception {
        Path started = dir.resolve("started");
        Path finished = dir.resolve("finished");
        Path childFinished = dir.resolve("child-finished");
        String script = Scripts.write(dir, "sleepy.sh", "(sleep 30; touch " + childFinished + ") &\ntouch " + started
                + "\nsleep 30\ntouch " + finished);
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", script, "exec_timeout", "1s"), dir)) {
            long start = System.nanoTime();
            HttpResponse<String> r = w.post("x");
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("exec_timeout of 1s: 504 after %d ms%n", millis);
            assertEquals(504, r.statusCode());
            assertEquals("exec_timeout of 1s reached: process killed\n", r.body());
            assertTrue(Files.exists(started), "the function ran");
            assertTrue(millis >= 950, "killed after " + millis + " ms, before its exec_timeout of 1s");
            List<Long> left = w.awaitNoMarkedProcesses(Duration.ofSeconds(10)); // they would live 30 s
            assertTrue(left.isEmpty(), "processes of the request still alive: " + left);
            assertFalse(Files.exists(finished), "the function ran on past its limit");
            assertFalse(Files.exists(childFinished), "its background child ran on past the limit");
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

    /**
     * The child would print "late" after 30 s, and the limit (20 s) would cut a response that waited for it: "done"
     * with 200 and nothing else is the answer given when the script ended, while the child still had 30 s to go.
     */
    @Test
    void backgroundChildNeitherDelaysTheResponseNorSurvivesIt() throws Exception {
        String script = Scripts.write(dir, "orphan.sh", "(sleep 30; echo late) &\necho done");
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", script, "exec_timeout", "20s",
                "write_timeout", "20s"), dir)) {
            long start = System.nanoTime();
            HttpResponse<String> r = w.post("x");
            System.out.printf("script with a background child: answered after %d ms%n",
                    (System.nanoTime() - start) / 1_000_000);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("done\n", r.body(), "answered when the script ended, not when its child did");
            List<Long> left = w.awaitNoMarkedProcesses(Duration.ofSeconds(10)); // it would live 30 s
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
            List<Long> left = w.awaitNoMarkedProcesses(Duration.ofSeconds(10)); // they would live 30 s
            assertTrue(left.isEmpty(), "background processes outlived their requests: " + left);
        }
    }

    @Test
    void backgroundChildInItsOwnSessionIsKilledToo() throws Exception {
        String script = Scripts.write(dir, "daemon.sh", "setsid sleep 30 > /dev/null 2>&1 &\necho started");
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", script), dir)) {
            assertEquals("started\n", w.post("x").body());
            List<Long> left = w.awaitNoMarkedProcesses(Duration.ofSeconds(10)); // it would live 30 s
            assertTrue(left.isEmpty(), "a process that left the process group outlived its request: " + left);
        }
    }

    /** The first request runs until the test releases it, so the second surely comes while it is in flight. */
    @Test
    void requestsOverMaxInflightAre429() throws Exception {
        Path started = dir.resolve("started");
        Path release = dir.resolve("release");
        String script = Scripts.write(dir, "held.sh", "touch " + started + "\n" + Scripts.blockUntil(release)
                + "\necho ok");
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", script, "max_inflight", "1",
                "write_timeout", "60s"), dir)) {
            CompletableFuture<HttpResponse<String>> first = w.postAsync("a");
            Scripts.awaitFile(started);
            HttpResponse<String> second = w.post("b");
            assertEquals(429, second.statusCode());
            assertTrue(second.body().contains("max_inflight=1"), second.body());
            assertFalse(first.isDone(), "the first request was still running");
            Scripts.release(release);
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

    /**
     * The connection is closed, without an answer, while the caller still owes 7 bytes: only read_timeout ends it (a
     * watchdog without one would wait for the bytes until the 30 s socket timeout failed the test). The clock starts
     * before the connection does, so the lower bound (not cut before read_timeout) cannot be broken by slowness.
     */
    @Test
    void requestWhoseBodyStallsIsCutOffAtReadTimeoutWithoutRunningTheFunction() throws Exception {
        String script = Scripts.write(dir, "mark.sh", "touch " + dir.resolve("ran") + "\ncat");
        try (WatchdogProcess w = WatchdogProcess.start(Map.of("fprocess", script, "read_timeout", "1s"), dir)) {
            long start = System.nanoTime();
            try (Socket socket = new Socket("127.0.0.1", w.port())) {
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"
                        .getBytes(StandardCharsets.US_ASCII));
                assertEquals(-1, socket.getInputStream().read(), "connection closed without an answer");
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("read_timeout of 1s: stalled request closed after %d ms%n", millis);
            assertTrue(millis >= 950, "closed after " + millis + " ms, before read_timeout");
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

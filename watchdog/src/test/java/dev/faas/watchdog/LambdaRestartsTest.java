package dev.faas.watchdog;

import static dev.faas.watchdog.LambdaTests.INVOKE;
import static dev.faas.watchdog.LambdaTests.awaitAnswer;
import static dev.faas.watchdog.LambdaTests.awaitDead;
import static dev.faas.watchdog.LambdaTests.awaitHealthy;
import static dev.faas.watchdog.LambdaTests.awaitLogCount;
import static dev.faas.watchdog.LambdaTests.count;
import static dev.faas.watchdog.LambdaTests.health;
import static dev.faas.watchdog.LambdaTests.invoke;
import static dev.faas.watchdog.LambdaTests.ready;
import static dev.faas.watchdog.LambdaTests.requireCurl;
import static dev.faas.watchdog.LambdaTests.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mode=lambda's runtimes over their lives (LambdaRuntimes, a real watchdog JVM): timeouts, exits, init errors, a
 * runtime that never asks, the drain, a runtime that cannot start.
 */
class LambdaRestartsTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void curlIsThere() throws Exception {
        requireCurl();
    }

    /** The runtime sleeps until killed: only the watchdog's deadline can end the call. */
    @Test
    void timeoutKillsTheRuntimeTreeAnswers504AndTheNextCallRunsOnARestartedRuntime() throws Exception {
        try (WatchdogProcess w = ready(dir, Map.of("exec_timeout", "1s"))) {
            long pid = Long.parseLong(invoke(w, "pid").body());
            long start = System.nanoTime();
            HttpResponse<String> r = invoke(w, "sleep");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(504, r.statusCode(), r.body());
            assertTrue(millis >= 950, "cut after " + millis + " ms, before the 1 s timeout");
            assertEquals("Unhandled", r.headers().firstValue("x-amz-function-error").orElse(""));
            String id = r.headers().firstValue("x-amzn-requestid").orElseThrow();
            assertTrue(r.body().matches("\\{\"errorMessage\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z "
                    + Pattern.quote(id) + " Task timed out after 1\\.00 seconds\",\"errorType\":\"Sandbox\\.Timedout\"}"),
                    r.body());
            awaitDead(pid);
            HttpResponse<String> next = invoke(w, "pid");
            assertEquals(200, next.statusCode(), next.body());
            assertNotEquals(Long.toString(pid), next.body(), "a new runtime process");
        }
    }

    @Test
    void runtimeExitingMidCallIs502ExitErrorThenARestartedRuntimeServes() throws Exception {
        try (WatchdogProcess w = ready(dir, Map.of())) {
            String pid = invoke(w, "pid").body();
            HttpResponse<String> r = invoke(w, "exit");
            assertEquals(502, r.statusCode());
            assertEquals("Unhandled", r.headers().firstValue("x-amz-function-error").orElse(""));
            String id = r.headers().firstValue("x-amzn-requestid").orElseThrow();
            assertEquals("{\"errorType\":\"Runtime.ExitError\",\"errorMessage\":\"RequestId: " + id
                    + " Error: Runtime exited with error: exit status 3\"}", r.body());
            HttpResponse<String> next = invoke(w, "pid");
            assertEquals(200, next.statusCode(), "a call during the restart waits for it: " + next.body());
            assertNotEquals(pid, next.body());
        }
    }

    @Test
    void initErrorAnswers503AtOnceUntilAStartSucceeds() throws Exception {
        Files.createFile(dir.resolve("init-error"));
        try (WatchdogProcess w = start(dir, Map.of("write_timeout", "20s"))) {
            w.awaitLogLine("reported an init error");
            long start = System.nanoTime();
            HttpResponse<String> r = invoke(w, "pid");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(503, r.statusCode(), r.body());
            assertTrue(millis < 10_000, "answered at once, not at the 20 s timeout: " + millis + " ms");
            assertEquals("Unhandled", r.headers().firstValue("x-amz-function-error").orElse(""));
            assertEquals("{\"errorMessage\":\"cannot initialise: the test says so\",\"errorType\":\"Runtime.TestInit\"}",
                    r.body());
            assertEquals(200, health(w).statusCode(), "healthy once init ended, even in failure: calls get its error");
            Files.delete(dir.resolve("init-error"));
            awaitAnswer(w, 200);
        }
    }

    /** Held before its first next until the test says; lambda_init_timeout short so that it counts as stuck. */
    @Test
    void runtimeThatNeverAsksForAnInvocationIsKilledAtTheCallsDeadlineAndRestarted() throws Exception {
        Files.createFile(dir.resolve("hang-init"));
        try (WatchdogProcess w = start(dir, Map.of("exec_timeout", "1s", "lambda_init_timeout", "100ms"))) {
            w.awaitLogLine("the Lambda runtime started");
            assertEquals(503, health(w).statusCode(), "not ready before the first next");
            HttpResponse<String> r = invoke(w, "pid");
            assertEquals(504, r.statusCode(), r.body());
            assertTrue(r.body().contains("Task timed out after 1.00 seconds"), r.body());
            assertTrue(r.body().endsWith("\"errorType\":\"Sandbox.Timedout\"}"), r.body());
            assertEquals("Unhandled", r.headers().firstValue("x-amz-function-error").orElse(""));
            w.awaitLogLine("killing the runtime as stuck");
            awaitLogCount(w, "the Lambda runtime started", 2);
            assertEquals(503, health(w).statusCode(), "still not ready: the new runtime has not asked either");
            Files.delete(dir.resolve("hang-init"));
            awaitHealthy(w);
            assertEquals(200, invoke(w, "hello").statusCode());
        }
    }

    /** Held before its first next; under lambda_init_timeout (10 s) a slow init is a start, not a stuck runtime. */
    @Test
    void slowInitIsLeftToFinish() throws Exception {
        Files.createFile(dir.resolve("hang-init"));
        try (WatchdogProcess w = start(dir, Map.of("exec_timeout", "500ms"))) {
            w.awaitLogLine("the Lambda runtime started");
            HttpResponse<String> r = invoke(w, "pid");
            assertEquals(504, r.statusCode(), r.body());
            Files.delete(dir.resolve("hang-init"));
            awaitHealthy(w);
            assertEquals(200, invoke(w, "hello").statusCode());
            assertEquals(1, count(w.log(), "the Lambda runtime started"), w.log());
        }
    }

    @Test
    void sigtermFinishesTheCallInFlightThenStopsTheRuntimes() throws Exception {
        try (WatchdogProcess w = ready(dir, Map.of("write_timeout", "60s"))) {
            CompletableFuture<HttpResponse<String>> held = w.sendAsync(HttpRequest.newBuilder(w.uri(INVOKE))
                    .POST(HttpRequest.BodyPublishers.ofString("hold")));
            Scripts.awaitFile(dir.resolve("held"));
            w.sigterm();
            w.awaitLogLine("msg=draining");
            Scripts.release(dir.resolve("release"));
            HttpResponse<String> r = held.get(30, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertEquals("released", r.body());
            assertTrue(w.process.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, w.process.exitValue());
            assertEquals(List.of(), w.awaitNoMarkedProcesses(Duration.ofSeconds(10)), "no runtime process is left");
        }
    }

    @Test
    void aRuntimeThatCannotStartIs503InvalidEntrypoint() throws Exception {
        try (WatchdogProcess w = start(dir, Map.of("fprocess", dir.resolve("no-such-bootstrap").toString()))) {
            w.awaitLogLine("not found or not executable");
            HttpResponse<String> r = invoke(w, "pid");
            assertEquals(503, r.statusCode());
            assertEquals("Unhandled", r.headers().firstValue("x-amz-function-error").orElse(""));
            assertTrue(r.body().startsWith("{\"errorType\":\"Runtime.InvalidEntrypoint\",\"errorMessage\":\"RequestId: "),
                    r.body());
            assertEquals(200, health(w).statusCode(), "routable, so that callers get the error rather than a timeout");
        }
    }
}

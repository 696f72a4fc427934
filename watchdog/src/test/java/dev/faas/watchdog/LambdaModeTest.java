package dev.faas.watchdog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mode=lambda with a real custom runtime: AWS's shell tutorial bootstrap (LambdaRuntimes) in the task directory,
 * talking to the Runtime API with curl, started by a real watchdog JVM.
 */
class LambdaModeTest {
    private static final String INVOKE = "/2015-03-31/functions/lambda-test/invocations";

    @TempDir
    Path dir;

    @BeforeAll
    static void curlIsThere() throws Exception {
        Process p = new ProcessBuilder("/bin/sh", "-c", "command -v curl").start();
        assertEquals(0, p.waitFor(), "the test runtime (AWS's tutorial bootstrap) needs curl on PATH; install curl");
    }

    @Test
    void eventRoundTripsThroughTheRuntimeAndTheRuntimeStaysWarm() throws Exception {
        try (WatchdogProcess w = ready(Map.of())) {
            HttpResponse<String> echo = invoke(w, "hello, Lambda");
            assertEquals(200, echo.statusCode());
            assertEquals("hello, Lambda", echo.body());
            // The tutorial's curl -d sends application/x-www-form-urlencoded: not a type the function chose.
            assertEquals("application/json", echo.headers().firstValue("content-type").orElse(""));
            assertEquals("$LATEST", echo.headers().firstValue("x-amz-executed-version").orElse(""));
            assertTrue(echo.headers().firstValue("x-amzn-requestid").isPresent());
            assertFalse(echo.headers().firstValue("x-amz-function-error").isPresent());
            HttpResponse<String> plain = w.post("on the function's own path");
            assertEquals("on the function's own path", plain.body(), "lambda_event=body: the body is the event");
            String pid = invoke(w, "pid").body();
            assertEquals(pid, invoke(w, "pid").body(), "the same runtime process serves call after call");
        }
    }

    @Test
    void functionErrorIs500UnhandledWithTheErrorObject() throws Exception {
        try (WatchdogProcess w = ready(Map.of())) {
            HttpResponse<String> r = invoke(w, "fail");
            assertEquals(500, r.statusCode());
            assertEquals("Unhandled", r.headers().firstValue("x-amz-function-error").orElse(""));
            assertEquals("{\"errorMessage\":\"it failed\",\"errorType\":\"TestError\",\"stackTrace\":[\"a\",\"b\"]}",
                    r.body());
            HttpResponse<String> text = invoke(w, "failtext");
            assertEquals(500, text.statusCode());
            assertEquals("{\"errorMessage\":\"plain words\",\"errorType\":\"Custom.Text\"}", text.body(),
                    "a body that is not a JSON object is wrapped in one, with the posted error type");
            assertEquals(200, invoke(w, "still fine").statusCode());
        }
    }

    /** The runtime sleeps until killed: only the watchdog's deadline can end the call. */
    @Test
    void timeoutKillsTheRuntimeTreeAnswers504AndTheNextCallRunsOnARestartedRuntime() throws Exception {
        try (WatchdogProcess w = ready(Map.of("exec_timeout", "1s"))) {
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
        try (WatchdogProcess w = ready(Map.of())) {
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
        try (WatchdogProcess w = start(Map.of("write_timeout", "20s"))) {
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
        try (WatchdogProcess w = start(Map.of("exec_timeout", "1s", "lambda_init_timeout", "100ms"))) {
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
        try (WatchdogProcess w = start(Map.of("exec_timeout", "500ms"))) {
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
    void nextWithoutAnsweringEndsThatInvocationAs502AndTheRuntimeServesOn() throws Exception {
        try (WatchdogProcess w = ready(Map.of())) {
            String pid = invoke(w, "pid").body();
            HttpResponse<String> r = invoke(w, "skip");
            assertEquals(502, r.statusCode());
            assertEquals("Unhandled", r.headers().firstValue("x-amz-function-error").orElse(""));
            assertTrue(r.body().startsWith("{\"errorType\":\"Runtime.NoResponse\""), r.body());
            assertEquals(pid, invoke(w, "pid").body(), "not restarted");
        }
    }

    @Test
    void aSecondAnswerAnUnknownIdAndAnUnknownPathAreRefused() throws Exception {
        try (WatchdogProcess w = ready(Map.of())) {
            HttpResponse<String> r = invoke(w, "twice");
            assertEquals(200, r.statusCode());
            assertEquals("first", r.body());
            Scripts.awaitFile(dir.resolve("twice"));
            assertEquals("400 400 404", Files.readString(dir.resolve("twice")).trim());
        }
    }

    @Test
    void callIdBecomesTheRequestIdAndTheRuntimeGetsLambdasHeaders() throws Exception {
        try (WatchdogProcess w = ready(Map.of("write_timeout", "30s"))) {
            String context = "{\"custom\":{\"a\":\"b\"},\"client\":{},\"env\":{}}";
            long before = System.currentTimeMillis();
            HttpResponse<String> r = w.send(HttpRequest.newBuilder(w.uri(INVOKE))
                    .header("X-Call-Id", "call-1_A")
                    .header("X-Amz-Client-Context", Base64.getEncoder().encodeToString(context.getBytes(StandardCharsets.UTF_8)))
                    .header("X-Amz-Cognito-Identity", "{\"cognitoIdentityId\":\"id-1\"}")
                    .POST(HttpRequest.BodyPublishers.ofString("headers")));
            long after = System.currentTimeMillis();
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("call-1_A", r.headers().firstValue("x-amzn-requestid").orElse(""));
            String h = r.body();
            assertTrue(h.contains("Lambda-Runtime-Aws-Request-Id: call-1_A\n"), h);
            assertTrue(h.contains("Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:000000000000:function:"
                    + "lambda-test\n"), h);
            assertTrue(h.contains("Lambda-Runtime-Client-Context: " + context + "\n"), h);
            assertTrue(h.contains("Lambda-Runtime-Cognito-Identity: {\"cognitoIdentityId\":\"id-1\"}\n"), h);
            assertTrue(Pattern.compile("Lambda-Runtime-Trace-Id: Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};"
                    + "Sampled=0\n").matcher(h).find(), h);
            Matcher deadline = Pattern.compile("Lambda-Runtime-Deadline-Ms: (\\d+)\n").matcher(h);
            assertTrue(deadline.find(), h);
            long ms = Long.parseLong(deadline.group(1));
            assertTrue(ms >= before + 30_000 && ms <= after + 30_000, "deadline " + ms + " is the call's start + 30 s");

            HttpResponse<String> uuid = w.send(HttpRequest.newBuilder(w.uri(INVOKE)).header("X-Call-Id", "not ok!")
                    .POST(HttpRequest.BodyPublishers.ofString("pid")));
            assertTrue(uuid.headers().firstValue("x-amzn-requestid").orElse("")
                    .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), uuid.headers().toString());

            HttpResponse<String> bad = w.send(HttpRequest.newBuilder(w.uri(INVOKE)).header("X-Amz-Client-Context", "%%%")
                    .POST(HttpRequest.BodyPublishers.ofString("pid")));
            assertEquals(400, bad.statusCode());
            assertEquals("InvalidRequestContentException", bad.headers().firstValue("x-amzn-errortype").orElse(""));
        }
    }

    /**
     * The runtime prints and posts its answer at once, so its lines may still be in the pipe when the answer arrives:
     * every one of twenty calls must still carry its own lines, in Lambda's order.
     */
    @Test
    void tailLogResultHoldsStartTheFunctionsLinesEndAndReport() throws Exception {
        try (WatchdogProcess w = ready(Map.of())) {
            Pattern report = Pattern.compile("REPORT RequestId: (\\S+)\tDuration: \\d+\\.\\d\\d ms\tBilled Duration: \\d+ ms"
                    + "\tMemory Size: 256 MB\tMax Memory Used: \\d+ MB\t(Init Duration: \\d+\\.\\d\\d ms\t)?");
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = w.send(HttpRequest.newBuilder(w.uri(INVOKE)).header("X-Amz-Log-Type", "Tail")
                        .POST(HttpRequest.BodyPublishers.ofString("log")));
                assertEquals(200, r.statusCode());
                assertEquals("logged", r.body());
                String id = r.headers().firstValue("x-amzn-requestid").orElseThrow();
                String tail = new String(Base64.getDecoder().decode(r.headers().firstValue("x-amz-log-result")
                        .orElseThrow()), StandardCharsets.UTF_8);
                List<String> lines = List.of(tail.split("\n"));
                assertEquals(5, lines.size(), tail);
                assertEquals("START RequestId: " + id + " Version: $LATEST", lines.get(0));
                assertEquals("function line for " + id, lines.get(1), tail);
                assertEquals("stderr line for " + id, lines.get(2), tail);
                assertEquals("END RequestId: " + id, lines.get(3));
                Matcher m = report.matcher(lines.get(4));
                assertTrue(m.matches(), lines.get(4));
                assertEquals(id, m.group(1));
            }
            w.awaitStdoutLine("function line for ");
            w.awaitStdoutLine("REPORT RequestId: ");
            assertFalse(invoke(w, "log").headers().firstValue("x-amz-log-result").isPresent(), "only when asked");
        }
    }

    @Test
    void runtimeGetsLambdasEnvironmentWithoutOverridingWhatIsSet() throws Exception {
        try (WatchdogProcess w = ready(Map.of("TZ", "Europe/Paris"))) {
            String env = invoke(w, "env").body();
            Map<String, String> vars = new HashMap<>();
            for (String line : env.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    vars.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            assertTrue(vars.getOrDefault("AWS_LAMBDA_RUNTIME_API", "").matches("127\\.0\\.0\\.1:\\d+"), env);
            assertEquals("function.handler", vars.get("_HANDLER"));
            assertEquals(dir.toString(), vars.get("LAMBDA_TASK_ROOT"));
            assertEquals(dir.toString(), vars.get("PWD"), "the working directory is the task root");
            assertEquals("/var/runtime", vars.get("LAMBDA_RUNTIME_DIR"));
            assertEquals("lambda-test", vars.get("AWS_LAMBDA_FUNCTION_NAME"));
            assertEquals("$LATEST", vars.get("AWS_LAMBDA_FUNCTION_VERSION"));
            assertEquals("256", vars.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"));
            assertEquals("us-east-1", vars.get("AWS_REGION"));
            assertEquals("us-east-1", vars.get("AWS_DEFAULT_REGION"));
            assertEquals("/aws/lambda/lambda-test", vars.get("AWS_LAMBDA_LOG_GROUP_NAME"));
            assertTrue(vars.getOrDefault("AWS_LAMBDA_LOG_STREAM_NAME", "")
                    .matches("\\d{4}/\\d\\d/\\d\\d/\\[\\$LATEST\\][0-9a-f]{32}"), env);
            assertEquals("on-demand", vars.get("AWS_LAMBDA_INITIALIZATION_TYPE"));
            assertEquals("Europe/Paris", vars.get("TZ"), "set by the image: kept (Lambda's :UTC only when unset)");
            assertTrue(vars.containsKey("WATCHDOG_RUN_ID"), "the tree mark the watchdog kills it by");
        }
    }

    @Test
    void unsetTimeZoneIsUtc() throws Exception {
        try (WatchdogProcess w = ready(Map.of())) {
            assertTrue(invoke(w, "env").body().contains("\nTZ=:UTC\n"));
        }
    }

    @Test
    void httpEventCarriesTheRequestAsApiGatewaysPayload20() throws Exception {
        try (WatchdogProcess w = ready(Map.of("lambda_event", "http"))) {
            HttpResponse<String> r = w.send(HttpRequest.newBuilder(w.uri("/some/path?x=1&x=2&y=a%20b"))
                    .header("X-Test", "v").header("Cookie", "a=1; b=2").header("User-Agent", "the-test")
                    .POST(HttpRequest.BodyPublishers.ofString("the body")));
            assertEquals(200, r.statusCode());
            assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
            String e = r.body(); // echoed: no statusCode, so the whole answer is the body
            for (String part : List.of("{\"version\":\"2.0\",\"routeKey\":\"$default\",\"rawPath\":\"/some/path\"",
                    "\"rawQueryString\":\"x=1&x=2&y=a%20b\"", "\"cookies\":[\"a=1\",\"b=2\"]", "\"x-test\":\"v\"",
                    "\"queryStringParameters\":{\"x\":\"1,2\",\"y\":\"a b\"}", "\"accountId\":\"000000000000\"",
                    "\"http\":{\"method\":\"POST\",\"path\":\"/some/path\",\"protocol\":\"HTTP/1.1\","
                            + "\"sourceIp\":\"127.0.0.1\",\"userAgent\":\"the-test\"}",
                    "\"requestId\":\"" + r.headers().firstValue("x-amzn-requestid").orElseThrow() + "\"",
                    "\"stage\":\"$default\"", "\"timeEpoch\":", "\"body\":\"the body\",\"isBase64Encoded\":false}")) {
                assertTrue(e.contains(part), part + " in " + e);
            }
            assertFalse(e.contains("\"cookie\":"), "cookies are moved out of the headers: " + e);
            assertTrue(e.matches(".*\"time\":\"\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000\".*"), e);

            HttpResponse<String> binary = w.send(HttpRequest.newBuilder(w.uri("/bin"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, (byte) 0xfe, 0})));
            assertTrue(binary.body().endsWith("\"body\":\"//4A\",\"isBase64Encoded\":true}"), binary.body());
        }
    }

    @Test
    void httpEventAnswerWithStatusCodeIsUnwrappedButTheInvokePathIsNot() throws Exception {
        try (WatchdogProcess w = ready(Map.of("lambda_event", "http"))) {
            HttpResponse<String> r = w.send(HttpRequest.newBuilder(w.uri("/proxy")).GET());
            assertEquals(201, r.statusCode());
            assertEquals("hello", r.body(), "isBase64Encoded: decoded");
            assertEquals("yes", r.headers().firstValue("x-test").orElse(""));
            assertEquals("text/plain", r.headers().firstValue("content-type").orElse(""));
            assertEquals(List.of("1", "2"), r.headers().allValues("x-multi"));
            assertEquals(List.of("a=1", "b=2"), r.headers().allValues("set-cookie"));
            assertEquals("$LATEST", r.headers().firstValue("x-amz-executed-version").orElse(""));

            String proxyShaped = "{\"statusCode\":201,\"body\":\"x\"}";
            HttpResponse<String> direct = invoke(w, proxyShaped);
            assertEquals(200, direct.statusCode(), "the Invoke path: the body is the event, the answer is as posted");
            assertEquals(proxyShaped, direct.body());
        }
    }

    /** Each runtime waits at a barrier for the other: one runtime serving both in turn would never pass it. */
    @Test
    void twoRuntimesServeTwoCallsAtOnce() throws Exception {
        try (WatchdogProcess w = ready(Map.of("lambda_runtimes", "2", "write_timeout", "20s"))) {
            awaitLogCount(w, "the Lambda runtime is ready", 2);
            CompletableFuture<HttpResponse<String>> a = w.sendAsync(HttpRequest.newBuilder(w.uri(INVOKE))
                    .POST(HttpRequest.BodyPublishers.ofString("barrier")));
            CompletableFuture<HttpResponse<String>> b = w.sendAsync(HttpRequest.newBuilder(w.uri(INVOKE))
                    .POST(HttpRequest.BodyPublishers.ofString("barrier")));
            HttpResponse<String> ra = a.get(30, TimeUnit.SECONDS);
            HttpResponse<String> rb = b.get(30, TimeUnit.SECONDS);
            assertEquals(200, ra.statusCode(), ra.body());
            assertEquals(200, rb.statusCode(), rb.body());
            assertNotEquals(ra.body(), rb.body(), "two runtime processes");
        }
    }

    @Test
    void sigtermFinishesTheCallInFlightThenStopsTheRuntimes() throws Exception {
        try (WatchdogProcess w = ready(Map.of("write_timeout", "60s"))) {
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
        try (WatchdogProcess w = start(Map.of("fprocess", dir.resolve("no-such-bootstrap").toString()))) {
            w.awaitLogLine("not found or not executable");
            HttpResponse<String> r = invoke(w, "pid");
            assertEquals(503, r.statusCode());
            assertEquals("Unhandled", r.headers().firstValue("x-amz-function-error").orElse(""));
            assertTrue(r.body().startsWith("{\"errorType\":\"Runtime.InvalidEntrypoint\",\"errorMessage\":\"RequestId: "),
                    r.body());
            assertEquals(200, health(w).statusCode(), "routable, so that callers get the error rather than a timeout");
        }
    }

    /** The environment listing is well over 512 bytes: too large an answer for the runtime to post. */
    @Test
    void bodiesOverMaxBodySizeAreRefusedBothWays() throws Exception {
        try (WatchdogProcess w = ready(Map.of("max_body_size", "512"))) {
            HttpResponse<String> big = invoke(w, "x".repeat(600));
            assertEquals(413, big.statusCode());
            assertEquals("request body is larger than max_body_size (512 bytes)\n", big.body());
            HttpResponse<String> answer = invoke(w, "env");
            assertEquals(500, answer.statusCode(), answer.body());
            assertEquals("Unhandled", answer.headers().firstValue("x-amz-function-error").orElse(""));
            assertEquals("{\"errorMessage\":\"Response payload size exceeded maximum allowed payload size (512 bytes).\","
                    + "\"errorType\":\"Function.ResponseSizeTooLarge\"}", answer.body());
            assertEquals(200, invoke(w, "pid").statusCode(), "the runtime serves on");
        }
    }

    @Test
    void aTakenRuntimeApiPortStopsTheStartWithAMessageNamingIt() throws Exception {
        LambdaRuntimes.write(dir);
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            WatchdogProcess w = WatchdogProcess.startAndAwaitExit(Map.of("mode", "lambda", "LAMBDA_TASK_ROOT",
                    dir.toString(), "lambda_runtime_port", Integer.toString(taken.getLocalPort())), dir);
            assertEquals(1, w.process.exitValue());
            assertTrue(w.log().contains("cannot serve the Lambda Runtime API on 127.0.0.1:" + taken.getLocalPort()
                    + " (lambda_runtime_port + 0)"), w.log());
        }
    }

    @Test
    void callsAreCountedInTheMetrics() throws Exception {
        try (WatchdogProcess w = ready(Map.of())) {
            invoke(w, "pid");
            invoke(w, "fail");
            HttpResponse<String> m = w.send(HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + w.metricsPort() + "/metrics")).GET());
            assertTrue(m.body().contains("http_requests_total{code=\"200\",method=\"post\"} 1\n"), m.body());
            assertTrue(m.body().contains("http_requests_total{code=\"500\",method=\"post\"} 1\n"), m.body());
        }
    }

    // ---- helpers

    private WatchdogProcess start(Map<String, String> extra) throws Exception {
        LambdaRuntimes.write(dir);
        Map<String, String> env = new HashMap<>(Map.of("mode", "lambda", "LAMBDA_TASK_ROOT", dir.toString(),
                "_HANDLER", "function.handler", "lambda_runtime_port", "0", "function_name", "lambda-test",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256"));
        env.putAll(extra);
        return WatchdogProcess.start(env, dir);
    }

    /** Started and healthy: a runtime has asked for its first invocation. */
    private WatchdogProcess ready(Map<String, String> extra) throws Exception {
        WatchdogProcess w = start(extra);
        try {
            awaitHealthy(w);
        } catch (AssertionError | Exception e) {
            w.close();
            throw e;
        }
        return w;
    }

    private static HttpResponse<String> invoke(WatchdogProcess w, String event) throws Exception {
        return w.send(HttpRequest.newBuilder(w.uri(INVOKE)).POST(HttpRequest.BodyPublishers.ofString(event)));
    }

    /** Calls until one is answered with {@code status}: a restart with backoff comes between. */
    private static void awaitAnswer(WatchdogProcess w, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        HttpResponse<String> r;
        while ((r = invoke(w, "pid")).statusCode() != status) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never answered " + status + "; last " + r.statusCode() + " " + r.body()
                        + "; the log:\n" + w.log());
            }
            Thread.sleep(50);
        }
    }

    private static HttpResponse<String> health(WatchdogProcess w) throws Exception {
        return w.send(HttpRequest.newBuilder(w.uri("/_/health")).GET());
    }

    private static void awaitHealthy(WatchdogProcess w) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (health(w).statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never healthy; the log:\n" + w.log());
            }
            Thread.sleep(20);
        }
    }

    private static void awaitLogCount(WatchdogProcess w, String fragment, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count(w.log(), fragment) < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + count + " lines with '" + fragment + "':\n" + w.log());
            }
            Thread.sleep(20);
        }
    }

    private static int count(String log, String fragment) {
        int n = 0;
        for (int at = log.indexOf(fragment); at >= 0; at = log.indexOf(fragment, at + 1)) {
            n++;
        }
        return n;
    }

    private static void awaitDead(long pid) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("runtime process " + pid + " is still alive");
            }
            Thread.sleep(20);
        }
    }
}

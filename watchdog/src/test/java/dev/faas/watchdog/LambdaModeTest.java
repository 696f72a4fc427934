package dev.faas.watchdog;

import static dev.faas.watchdog.LambdaTests.INVOKE;
import static dev.faas.watchdog.LambdaTests.awaitLogCount;
import static dev.faas.watchdog.LambdaTests.invoke;
import static dev.faas.watchdog.LambdaTests.ready;
import static dev.faas.watchdog.LambdaTests.requireCurl;
import static dev.faas.watchdog.LambdaTests.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * talking to the Runtime API with curl, started by a real watchdog JVM: calls, their answers and their logs.
 */
class LambdaModeTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void curlIsThere() throws Exception {
        requireCurl();
    }

    @Test
    void eventRoundTripsThroughTheRuntimeAndTheRuntimeStaysWarm() throws Exception {
        try (WatchdogProcess w = ready(dir, Map.of())) {
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
        try (WatchdogProcess w = ready(dir, Map.of())) {
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

    @Test
    void callIdBecomesTheRequestIdAndTheRuntimeGetsLambdasHeaders() throws Exception {
        try (WatchdogProcess w = ready(dir, Map.of("write_timeout", "30s"))) {
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
        try (WatchdogProcess w = ready(dir, Map.of())) {
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

    /**
     * A call without Tail is answered before its last lines are confirmed read, but they still come before its END in
     * the container log: the runtime gets its 202, and can ask for the next call, only once END is written.
     */
    @Test
    void linesOfACallWithoutTailStayBetweenItsStartAndEndInTheLog() throws Exception {
        try (WatchdogProcess w = ready(dir, Map.of())) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> r = invoke(w, "log");
                assertEquals("logged", r.body());
                ids.add(r.headers().firstValue("x-amzn-requestid").orElseThrow());
            }
            w.awaitStdoutLine("REPORT RequestId: " + ids.get(ids.size() - 1));
            List<String> out = w.stdout();
            for (String id : ids) {
                int start = out.indexOf("START RequestId: " + id + " Version: $LATEST");
                int line = out.indexOf("function line for " + id);
                int stderr = out.indexOf("stderr line for " + id);
                int end = out.indexOf("END RequestId: " + id);
                assertTrue(start >= 0 && start < line && line < stderr && stderr < end
                        && out.get(end + 1).startsWith("REPORT RequestId: " + id + "\t"), String.join("\n", out));
            }
        }
    }

    @Test
    void runtimeGetsLambdasEnvironmentWithoutOverridingWhatIsSet() throws Exception {
        try (WatchdogProcess w = ready(dir, Map.of("TZ", "Europe/Paris"))) {
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
        try (WatchdogProcess w = ready(dir, Map.of())) {
            assertTrue(invoke(w, "env").body().contains("\nTZ=:UTC\n"));
        }
    }

    @Test
    void httpEventCarriesTheRequestAsApiGatewaysPayload20() throws Exception {
        try (WatchdogProcess w = ready(dir, Map.of("lambda_event", "http"))) {
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
        try (WatchdogProcess w = ready(dir, Map.of("lambda_event", "http"))) {
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
        try (WatchdogProcess w = ready(dir, Map.of("lambda_runtimes", "2", "write_timeout", "20s"))) {
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

    /** The environment listing is well over 512 bytes: too large an answer for the runtime to post. */
    @Test
    void bodiesOverMaxBodySizeAreRefusedBothWays() throws Exception {
        try (WatchdogProcess w = ready(dir, Map.of("max_body_size", "512"))) {
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

    /** The gateway's Lambda door tells this throttle (429 TooManyRequestsException) by these words, and no request id. */
    @Test
    void aCallOverMaxInflightIs429InTheAdmissionsWordsWithoutARequestId() throws Exception {
        try (WatchdogProcess w = ready(dir, Map.of("max_inflight", "1", "write_timeout", "30s"))) {
            CompletableFuture<HttpResponse<String>> held = w.sendAsync(HttpRequest.newBuilder(w.uri(INVOKE))
                    .POST(HttpRequest.BodyPublishers.ofString("hold")));
            Scripts.awaitFile(dir.resolve("held"));
            HttpResponse<String> busy = invoke(w, "pid");
            assertEquals(429, busy.statusCode(), busy.body());
            assertEquals("too many requests in flight (max_inflight=1); retry later\n", busy.body());
            assertFalse(busy.headers().firstValue("x-amzn-requestid").isPresent(), busy.headers().toString());
            Scripts.release(dir.resolve("release"));
            assertEquals(200, held.get(30, TimeUnit.SECONDS).statusCode());
        }
    }

    @Test
    void callsAreCountedInTheMetrics() throws Exception {
        try (WatchdogProcess w = ready(dir, Map.of())) {
            invoke(w, "pid");
            invoke(w, "fail");
            // a call is counted once its answer is sent, so the caller may read the metrics a moment before
            HttpResponse<String> m;
            long deadline = System.nanoTime() + 5_000_000_000L;
            do {
                m = w.send(HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + w.metricsPort() + "/metrics")).GET());
            } while (!m.body().contains("code=\"500\",method=\"post\"} 1\n") && System.nanoTime() < deadline);
            assertTrue(m.body().contains("http_requests_total{code=\"200\",method=\"post\"} 1\n"), m.body());
            assertTrue(m.body().contains("http_requests_total{code=\"500\",method=\"post\"} 1\n"), m.body());
        }
    }
}

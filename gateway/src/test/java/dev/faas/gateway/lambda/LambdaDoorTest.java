package dev.faas.gateway.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.gateway.auth.Credentials;
import dev.faas.gateway.provider.FunctionDeployment;
import dev.faas.gateway.provider.FunctionStatus;
import dev.faas.gateway.queue.Answer;
import dev.faas.gateway.queue.Header;
import dev.faas.gateway.queue.QueuedCall;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Lambda door over HTTP: what AWS's clients send, what they get back, and what reaches the function. */
class LambdaDoorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DoorUnderTest door = new DoorUnderTest();

    @AfterEach
    void stop() {
        door.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /** Lambda's error shape: status, x-amzn-ErrorType, x-amzn-RequestId, JSON {Type, message|Message}. */
    private static JsonNode assertError(HttpResponse<String> r, int status, String type) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(type, r.headers().firstValue("x-amzn-ErrorType").orElse(""), r.body());
        assertTrue(r.headers().firstValue("x-amzn-RequestId").isPresent());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode body = json(r);
        assertEquals(status < 500 ? "User" : "Service", body.path("Type").asText(), r.body());
        assertFalse(body.path("message").asText(body.path("Message").asText()).isEmpty(), r.body());
        return body;
    }

    private static String message(JsonNode error) {
        return error.has("message") ? error.path("message").asText() : error.path("Message").asText();
    }

    @Test
    void anInvokeCallsTheFunctionsLambdaPathWithTheRequestIdAndAnswersItsBody() throws Exception {
        door.start();
        String context = Base64.getEncoder().encodeToString(utf8("{\"custom\":{\"a\":1}}"));
        HttpResponse<String> r = door.invoke("echo", "{\"hi\":1}", Map.of("X-Amz-Client-Context", context,
                "X-Amz-Log-Type", "Tail"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{\"hi\":1}", r.body());
        assertEquals("$LATEST", r.headers().firstValue("X-Amz-Executed-Version").orElse(""));
        assertTrue(r.headers().firstValue("X-Amz-Function-Error").isEmpty());
        QueuedCall call = door.invoked.get(0);
        assertEquals(call.id(), r.headers().firstValue("x-amzn-RequestId").orElse(""), "the call's X-Call-Id");
        assertEquals("echo", call.function());
        assertEquals("POST", call.method());
        assertEquals("/2015-03-31/functions/echo/invocations", call.path());
        assertEquals("{\"hi\":1}", new String(call.body(), StandardCharsets.UTF_8));
        Map<String, String> sent = headers(call);
        assertEquals(context, sent.get("X-Amz-Client-Context"));
        assertEquals("Tail", sent.get("X-Amz-Log-Type"));
        assertEquals("application/json", sent.get("Content-Type"));
        assertNull(sent.get("Authorization"), "the caller's credentials never reach the function");
    }

    private static Map<String, String> headers(QueuedCall call) {
        Map<String, String> m = new java.util.HashMap<>();
        call.headers().forEach(h -> m.put(h.name(), h.value()));
        return m;
    }

    /** Bytes as Debian's boto3 sent them (SigV4Test's vector), Host and all: the signature holds over the wire. */
    @Test
    void boto3sOwnRequestIsAcceptedAsSent() throws Exception {
        door.start(Map.of(), null, Clock.fixed(Instant.parse("2024-05-06T07:10:00Z"), ZoneOffset.UTC),
                "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        String request = "POST /2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Aecho"
                + "/invocations?Qualifier=%24LATEST HTTP/1.1\r\n"
                + "Host: 127.0.0.1:8080\r\n"
                + "Accept-Encoding: identity\r\n"
                + "X-Amz-Log-Type: Tail\r\n"
                + "X-Amz-Client-Context: eyJjdXN0b20iOnsiYSI6MX19\r\n"
                + "User-Agent: Boto3/1.26.27 Python/3.11.2 Linux/6.18.44-fc-v1045 awscrt/1.0.0.dev0 Botocore/1.29.27\r\n"
                + "X-Amz-Date: 20240506T070809Z\r\n"
                + "Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240506/us-east-1/lambda/"
                + "aws4_request, SignedHeaders=host;x-amz-client-context;x-amz-date;x-amz-log-type, "
                + "Signature=fd92764fa5a37ce527e6e0c3f130da881972025f8862aba96ba7644195711a85\r\n"
                + "amz-sdk-invocation-id: e4afb84b-6794-48c2-9202-247f14fa983e\r\n"
                + "amz-sdk-request: attempt=1\r\n"
                + "Content-Length: 8\r\n\r\n{\"hi\":1}";
        String answer = raw(door.port, request);
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        assertTrue(answer.endsWith("{\"hi\":1}"), answer);
        assertEquals(1, door.invoked.size());
        String tampered = raw(door.port, request.replace("Tail", "None"));
        assertTrue(tampered.startsWith("HTTP/1.1 403"), tampered);
    }

    private static String raw(int port, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            int length = 0;
            for (String line : head.toString().split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
    }

    /** A body that arrives in many reads: read without a thread waiting for it, then checked and sent on whole. */
    @Test
    void aLargePayloadReachesTheFunctionWhole() throws Exception {
        door.start();
        String big = "\"" + "x".repeat(5 * 1024 * 1024) + "\"";
        HttpResponse<String> r = door.invoke("echo", big, Map.of());
        assertEquals(200, r.statusCode());
        assertEquals(big.length(), r.body().length());
        assertEquals(big.length(), door.invoked.get(0).body().length);
    }

    @Test
    void concurrentCallsEachGetTheirOwnAnswer() throws Exception {
        door.start();
        List<java.util.concurrent.CompletableFuture<Boolean>> calls = new java.util.ArrayList<>();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            for (int i = 0; i < 64; i++) {
                String payload = "{\"n\":" + i + "}";
                calls.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        HttpResponse<String> r = door.invoke("echo", payload, Map.of());
                        return r.statusCode() == 200 && r.body().equals(payload);
                    } catch (Exception e) {
                        return false;
                    }
                }, pool));
            }
            for (var c : calls) {
                assertTrue(c.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(64, door.invoked.size());
    }

    @Test
    void aFunctionErrorIs200WithUnhandledItsBodyAndTheLogTail() throws Exception {
        door.start();
        String error = "{\"errorMessage\":\"asked to fail\",\"errorType\":\"java.lang.IllegalStateException\"}";
        door.answers.put("echo", c -> new Answer(500, List.of(new Header("X-Amz-Function-Error", "Unhandled"),
                new Header("X-Amz-Log-Result", "bG9n"), new Header("Content-Type", "application/json")),
                utf8(error), 0.1));
        HttpResponse<String> r = door.invoke("echo", "{}", Map.of("X-Amz-Log-Type", "Tail"));
        assertEquals(200, r.statusCode());
        assertEquals("Unhandled", r.headers().firstValue("X-Amz-Function-Error").orElse(""));
        assertEquals("bG9n", r.headers().firstValue("X-Amz-Log-Result").orElse(""));
        assertEquals(error, r.body());
        HttpResponse<String> noTail = door.invoke("echo", "{}", Map.of());
        assertTrue(noTail.headers().firstValue("X-Amz-Log-Result").isEmpty(), "the tail only when asked for");
    }

    @Test
    void aPlainFunctionsErrorIsAFunctionErrorWithItsText() throws Exception {
        door.start();
        door.answers.put("echo", c -> new Answer(500, List.of(new Header("Content-Type", "text/plain")),
                utf8("exit status 1\nboom\n"), 0.1));
        HttpResponse<String> r = door.invoke("echo", "{}", Map.of());
        assertEquals(200, r.statusCode());
        assertEquals("Unhandled", r.headers().firstValue("X-Amz-Function-Error").orElse(""));
        assertEquals("exit status 1\nboom", json(r).path("errorMessage").asText());
        assertEquals("Function.Error500", json(r).path("errorType").asText());
    }

    @Test
    void theGatewaysOwnRefusalsBecomeLambdasErrors() throws Exception {
        door.start();
        door.answers.put("echo", c -> new Answer(503, marked("busy"), utf8("function \"echo\" is busy: every connection"
                + " to its replicas is in use and 1000 calls already wait (upstream_queue); try again shortly\n"), 0));
        HttpResponse<String> busy = door.invoke("echo", "{}", Map.of());
        assertEquals("ConcurrentInvocationLimitExceeded", assertError(busy, 429, "TooManyRequestsException")
                .path("Reason").asText());
        door.answers.put("echo", c -> new Answer(503, marked("not_ready"), utf8("no ready replica of this function; try again"
                + " shortly\n"), 0));
        assertError(door.invoke("echo", "{}", Map.of()), 502, "ResourceNotReadyException");
        door.answers.put("echo", c -> new Answer(404, marked("not_found"), utf8("function \"echo\" not found\n"), 0));
        assertError(door.invoke("echo", "{}", Map.of()), 404, "ResourceNotFoundException");
        door.answers.put("echo", c -> new Answer(504, marked("timeout"), utf8("function \"echo\" did not answer within 60 s\n"),
                60));
        HttpResponse<String> late = door.invoke("echo", "{}", Map.of());
        assertEquals(200, late.statusCode(), late.body());
        assertEquals("Unhandled", late.headers().firstValue("X-Amz-Function-Error").orElse(""));
        assertEquals("Sandbox.Timedout", json(late).path("errorType").asText());
        door.answers.put("echo", c -> {
            throw new IllegalStateException("connection reset");
        });
        assertError(door.invoke("echo", "{}", Map.of()), 500, "ServiceException");
    }

    /** The headers of an answer the gateway wrote itself. */
    private static List<Header> marked(String reason) {
        return List.of(new Header("X-Faas-Error", reason), new Header("Content-Type", "text/plain; charset=utf-8"));
    }

    @Test
    void aFunctionsOwnWordsAndStatusesAreItsErrorsNotTheGateways() throws Exception {
        door.start();
        door.answers.put("echo", c -> new Answer(429, List.of(), utf8("slow down\n"), 0));
        HttpResponse<String> throttled = door.invoke("echo", "{}", Map.of());
        assertEquals(200, throttled.statusCode(), throttled.body());
        assertEquals("Function.Error429", json(throttled).path("errorType").asText());
        door.answers.put("echo", c -> new Answer(404, List.of(), utf8("function \"echo\" not found\n"), 0));
        HttpResponse<String> notFound = door.invoke("echo", "{}", Map.of());
        assertEquals(200, notFound.statusCode(), notFound.body());
        assertEquals("Function.Error404", json(notFound).path("errorType").asText());
    }

    @Test
    void anUnknownFunctionOrQualifierIs404NamingItsArn() throws Exception {
        door.start();
        JsonNode unknown = assertError(door.invoke("nosuch", "{}", Map.of()), 404, "ResourceNotFoundException");
        assertEquals("Function not found: arn:aws:lambda:us-east-1:000000000000:function:nosuch", message(unknown));
        JsonNode alias = assertError(door.signed("POST", "/2015-03-31/functions/echo/invocations?Qualifier=prod",
                Map.of(), utf8("{}")), 404, "ResourceNotFoundException");
        assertTrue(message(alias).startsWith("Function not found: arn:aws:lambda:us-east-1:000000000000:function:echo:prod"),
                message(alias));
        assertEquals(200, door.signed("POST", "/2015-03-31/functions/echo/invocations?Qualifier=%24LATEST", Map.of(),
                utf8("{}")).statusCode());
        assertEquals(200, door.invoke("arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Aecho%3A%24LATEST",
                "{}", Map.of()).statusCode());
        assertEquals(200, door.invoke("000000000000%3Afunction%3Aecho", "{}", Map.of()).statusCode());
        assertEquals(200, door.invoke("echo%3A%24LATEST", "{}", Map.of()).statusCode());
        assertError(door.invoke("bad%20name", "{}", Map.of()), 400, "ValidationException");
        assertError(door.invoke("000000000001%3Afunction%3Aecho", "{}", Map.of()), 404, "ResourceNotFoundException");
        assertEquals(4, door.invoked.size());
    }

    @Test
    void eventCallsAreStoredOnTheQueueAnd202() throws Exception {
        door.start();
        HttpResponse<String> r = door.invoke("echo", "{\"later\":true}", Map.of("X-Amz-Invocation-Type", "Event"));
        assertEquals(202, r.statusCode(), r.body());
        assertEquals("", r.body());
        QueuedCall stored = door.queued.get(0);
        assertEquals(stored.id(), r.headers().firstValue("x-amzn-RequestId").orElse(""));
        assertEquals("/2015-03-31/functions/echo/invocations", stored.path());
        assertEquals("{\"later\":true}", new String(stored.body(), StandardCharsets.UTF_8));
        assertTrue(door.invoked.isEmpty(), "the queue's worker runs it, not the door");
        door.queueAvailable = false;
        HttpResponse<String> refused = door.invoke("echo", "{}", Map.of("X-Amz-Invocation-Type", "Event"));
        JsonNode off = assertError(refused, 503, "ServiceException");
        assertTrue(message(off).contains("NATS"), message(off));
        assertTrue(message(off).contains("request " + refused.headers().firstValue("x-amzn-RequestId").orElseThrow()),
                message(off));
        assertFalse(message(off).contains("not connected"), "the queue's own words stay in the log: " + message(off));
    }

    @Test
    void dryRunChecksAndCallsNothingAndOtherTypesAre400() throws Exception {
        door.start();
        HttpResponse<String> dry = door.invoke("echo", "not json", Map.of("X-Amz-Invocation-Type", "DryRun"));
        assertEquals(204, dry.statusCode(), dry.body());
        assertError(door.invoke("nosuch", "{}", Map.of("X-Amz-Invocation-Type", "DryRun")), 404,
                "ResourceNotFoundException");
        assertError(door.invoke("echo", "{}", Map.of("X-Amz-Invocation-Type", "Later")), 400,
                "InvalidParameterValueException");
        assertError(door.invoke("echo", "{}", Map.of("X-Amz-Log-Type", "All")), 400,
                "InvalidParameterValueException");
        assertTrue(door.invoked.isEmpty() && door.queued.isEmpty());
    }

    @Test
    void aPayloadMustBeJsonAndAnEmptyOneIsAnEmptyObject() throws Exception {
        door.start();
        JsonNode bad = assertError(door.invoke("echo", "not json", Map.of()), 400, "InvalidRequestContentException");
        assertTrue(message(bad).startsWith("Could not parse request body into json"), message(bad));
        assertError(door.invoke("echo", "{} {}", Map.of()), 400, "InvalidRequestContentException");
        assertError(door.invoke("echo", "{}", Map.of("X-Amz-Client-Context", "not base64!")), 400,
                "InvalidRequestContentException");
        assertEquals(200, door.invoke("echo", "", Map.of()).statusCode());
        assertEquals("{}", new String(door.invoked.get(0).body(), StandardCharsets.UTF_8));
        assertEquals(200, door.invoke("echo", " \"text\" ", Map.of()).statusCode(), "any JSON value, as Lambda takes");
    }

    @Test
    void withoutValidCredentialsEveryCallIs403InAwsWords() throws Exception {
        door.start(Map.of("basic_auth", "true"), new Credentials("admin", "pw"), Clock.fixed(DoorUnderTest.NOW,
                ZoneOffset.UTC));
        String path = "/2015-03-31/functions/echo/invocations";
        JsonNode none = assertError(door.send("POST", path, Map.of(), utf8("{}")), 403,
                "MissingAuthenticationTokenException");
        assertEquals("Missing Authentication Token", message(none));
        Map<String, String> wrongSecret = door.sign("POST", path, Map.of(), utf8("{}"), "another-secret-0123456789");
        assertError(door.send("POST", path, wrongSecret, utf8("{}")), 403, "InvalidSignatureException");
        Map<String, String> tampered = door.sign("POST", path, Map.of(), utf8("{}"), DoorUnderTest.SECRET);
        assertError(door.send("POST", path, tampered, utf8("{\"x\":1}")), 403, "InvalidSignatureException");
        Map<String, String> unknown = door.sign("POST", path, Map.of(), utf8("{}"), DoorUnderTest.SECRET);
        unknown.put("Authorization", unknown.get("Authorization").replace(DoorUnderTest.KEY_ID, "AKIANOSUCHKEY0000000"));
        assertError(door.send("POST", path, unknown, utf8("{}")), 403, "UnrecognizedClientException");
        assertError(door.send("POST", path, Map.of("Authorization", "Bearer x"), utf8("{}")), 403,
                "IncompleteSignatureException");
        assertError(door.send("POST", path, Map.of("Authorization", basic("admin:nope")), utf8("{}")), 403,
                "UnrecognizedClientException");
        assertTrue(door.invoked.isEmpty());
        assertEquals(200, door.send("POST", path, Map.of("Authorization", basic("admin:pw")), utf8("{}")).statusCode(),
                "the gateway's admin passes");
        assertEquals(200, door.send("GET", "/2015-03-31/functions/", Map.of("Authorization", basic("admin:pw")),
                new byte[0]).statusCode());
    }

    @Test
    void unsignedPayloadIsRefusedAndAnExplicitHashOfTheBodyPasses() throws Exception {
        door.start();
        String path = "/2015-03-31/functions/echo/invocations";
        JsonNode unsigned = assertError(door.signed("POST", path, Map.of("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD"),
                utf8("{}")), 403, "InvalidSignatureException");
        assertTrue(message(unsigned).contains("UNSIGNED-PAYLOAD is not accepted"), message(unsigned));
        assertTrue(door.invoked.isEmpty());
        String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(utf8("{}")));
        HttpResponse<String> hashed = door.signed("POST", path, Map.of("X-Amz-Content-Sha256", hash), utf8("{}"));
        assertEquals(200, hashed.statusCode(), hashed.body());
        assertEquals(1, door.invoked.size());
    }

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(utf8(userAndPassword));
    }

    @Test
    void lambdaAllowUnsignedLetsUnsignedCallsPassButStillChecksSignedOnes() throws Exception {
        door.start(Map.of("lambda_allow_unsigned", "true"), null, Clock.fixed(DoorUnderTest.NOW, ZoneOffset.UTC));
        String path = "/2015-03-31/functions/echo/invocations";
        assertEquals(200, door.send("POST", path, Map.of(), utf8("{}")).statusCode());
        Map<String, String> wrong = door.sign("POST", path, Map.of(), utf8("{}"), "another-secret-0123456789");
        assertError(door.send("POST", path, wrong, utf8("{}")), 403, "InvalidSignatureException");
    }

    @Test
    void aSignatureFromTheWrongRegionOrTooLongAgoIsRefused() throws Exception {
        door.start(Map.of("lambda_region", "eu-west-1"), null, Clock.fixed(DoorUnderTest.NOW, ZoneOffset.UTC));
        JsonNode region = assertError(door.invoke("echo", "{}", Map.of()), 403, "InvalidSignatureException");
        assertTrue(message(region).contains("eu-west-1"), message(region));
        door.close();
        DoorUnderTest later = new DoorUnderTest();
        try (later) {
            later.start(Map.of(), null, Clock.fixed(DoorUnderTest.NOW.plus(Duration.ofMinutes(16)), ZoneOffset.UTC));
            // signs at NOW, checks 16 minutes later
            JsonNode expired = assertError(later.invoke("echo", "{}", Map.of()), 403, "InvalidSignatureException");
            assertTrue(message(expired).startsWith("Signature expired"), message(expired));
        }
    }

    @Test
    void aBodyOverTheLimitIs413InLambdasShapeEventHavingTheQueuesLimit() throws Exception {
        door.start(Map.of("max_body", "1k", "async_max_body", "4k"), null, Clock.fixed(DoorUnderTest.NOW,
                ZoneOffset.UTC));
        String big = "\"" + "x".repeat(2000) + "\"";
        JsonNode over = assertError(door.invoke("echo", big, Map.of()), 413, "RequestTooLargeException");
        assertEquals("Request must be smaller than 1024 bytes for the InvokeFunction operation", message(over));
        assertEquals(202, door.invoke("echo", big, Map.of("X-Amz-Invocation-Type", "Event")).statusCode());
        // chunked: no declared length, counted as it is read
        HttpResponse<String> chunked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + door.port + "/2015-03-31/functions/echo/invocations"))
                .headers(door.sign("POST", "/2015-03-31/functions/echo/invocations", Map.of(), utf8(big),
                        DoorUnderTest.SECRET).entrySet().stream().flatMap(e -> java.util.stream.Stream.of(e.getKey(),
                        e.getValue())).toArray(String[]::new))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(utf8(big)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(chunked, 413, "RequestTooLargeException");
        assertEquals(0, door.invoked.size());
    }

    @Test
    void aBodyThatDoesNotArriveWithinBodyTimeoutIs408InLambdasShape() throws Exception {
        door.start(Map.of("lambda_allow_unsigned", "true", "body_timeout", "300ms"), null,
                Clock.fixed(DoorUnderTest.NOW, ZoneOffset.UTC));
        String answer = raw(door.port, "POST /2015-03-31/functions/echo/invocations HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nContent-Length: 10\r\n\r\n{\"a\"");
        assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
        assertTrue(answer.toLowerCase().contains("x-amzn-errortype: requesttimeoutexception"), answer);
        assertTrue(answer.toLowerCase().contains("connection: close"), answer);
        assertTrue(answer.contains("\"Type\":\"User\"") && answer.contains("body_timeout"), answer);
        assertTrue(door.invoked.isEmpty());
    }

    @Test
    void anAnswerOverMaxBodyIsAResponseSizeFunctionError() throws Exception {
        door.start(Map.of("max_body", "1k"), null, Clock.fixed(DoorUnderTest.NOW, ZoneOffset.UTC));
        door.answers.put("echo", c -> new Answer(200, List.of(), new byte[1025], 0));
        HttpResponse<String> r = door.invoke("echo", "{}", Map.of());
        assertEquals(200, r.statusCode());
        assertEquals("Function.ResponseSizeTooLarge", json(r).path("errorType").asText());
    }

    @Test
    void listAndGetDescribeTheFunctionsAsLambdaDoes() throws Exception {
        door.start();
        for (String name : List.of("b-fn", "a-fn", "c-fn")) {
            door.add(name);
            door.statuses.add(new FunctionStatus(name, "faas/" + name + ":1", "", Map.of("exec_timeout", "2500ms",
                    "SECRET", "hidden"), Map.of(), Map.of(), List.of(), List.of(), false,
                    new FunctionDeployment.Resources("256m", null), null, 1, 1, 0, "2024-05-06T07:08:09.123456Z", ""));
        }
        JsonNode first = json(door.signed("GET", "/2015-03-31/functions/?MaxItems=2", Map.of(), new byte[0]));
        assertEquals(2, first.path("Functions").size(), first.toString());
        JsonNode a = first.path("Functions").get(0);
        assertEquals("a-fn", a.path("FunctionName").asText());
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:a-fn", a.path("FunctionArn").asText());
        assertEquals(3, a.path("Timeout").asInt(), "exec_timeout rounded up");
        assertEquals(256, a.path("MemorySize").asInt());
        assertEquals("2024-05-06T07:08:09.123+0000", a.path("LastModified").asText());
        assertEquals("$LATEST", a.path("Version").asText());
        assertEquals("Image", a.path("PackageType").asText());
        assertFalse(a.toString().contains("hidden"), "environment variables are not shown");
        assertEquals("b-fn", first.path("NextMarker").asText());
        JsonNode second = json(door.signed("GET", "/2015-03-31/functions/?Marker=b-fn&MaxItems=2", Map.of(),
                new byte[0]));
        assertEquals("c-fn", second.path("Functions").get(0).path("FunctionName").asText());
        assertTrue(second.path("NextMarker").isMissingNode(), second.toString());

        JsonNode got = json(door.signed("GET", "/2015-03-31/functions/c-fn", Map.of(), new byte[0]));
        assertEquals("c-fn", got.path("Configuration").path("FunctionName").asText());
        assertEquals("faas/c-fn:1", got.path("Code").path("ImageUri").asText());
        assertEquals(got.path("Configuration"), json(door.signed("GET", "/2015-03-31/functions/c-fn/configuration",
                Map.of(), new byte[0])), "GetFunctionConfiguration is GetFunction's Configuration");
        assertError(door.signed("GET", "/2015-03-31/functions/nosuch", Map.of(), new byte[0]), 404,
                "ResourceNotFoundException");
        assertError(door.signed("GET", "/2015-03-31/functions/c-fn?Qualifier=3", Map.of(), new byte[0]), 404,
                "ResourceNotFoundException");
    }

    @Test
    void theHandlerIsNeverTheFunctionsFprocessAndTheOrchestratorsWordsStayInTheLog() throws Exception {
        door.start();
        door.statuses.add(new FunctionStatus("echo", "faas/echo:1", "python3 run.py --token=s3cret",
                Map.of("fprocess", "python3 run.py --token=s3cret"), Map.of(), Map.of(), List.of(), List.of(), false,
                null, null, 1, 1, 0, "", ""));
        JsonNode got = json(door.signed("GET", "/2015-03-31/functions/echo", Map.of(), new byte[0]));
        assertEquals("bootstrap", got.path("Configuration").path("Handler").asText(), got.toString());
        assertFalse(got.toString().contains("s3cret"), got.toString());
        door.managerFailure = new dev.faas.gateway.provider.ManagementException(
                dev.faas.gateway.provider.ManagementException.Reason.FAILED, "Docker: rpc error: node n-42 at 10.0.0.7");
        HttpResponse<String> list = door.signed("GET", "/2015-03-31/functions/", Map.of(), new byte[0]);
        JsonNode failed = assertError(list, 500, "ServiceException");
        assertFalse(message(failed).contains("10.0.0.7"), message(failed));
        assertTrue(message(failed).contains("request " + list.headers().firstValue("x-amzn-RequestId").orElseThrow()),
                message(failed));
        door.managerFailure = new dev.faas.gateway.provider.ManagementException(
                dev.faas.gateway.provider.ManagementException.Reason.UNAVAILABLE, "cannot reach /var/run/docker.sock");
        JsonNode away = assertError(door.signed("GET", "/2015-03-31/functions/echo", Map.of(), new byte[0]), 503,
                "ServiceException");
        assertFalse(message(away).contains("docker.sock"), message(away));
    }

    @Test
    void theStaticProvidersFunctionsAreListedFromTheRegistry() throws Exception {
        door.managed = false;
        door.start();
        JsonNode list = json(door.signed("GET", "/2015-03-31/functions", Map.of(), new byte[0]));
        assertEquals("echo", list.path("Functions").get(0).path("FunctionName").asText(), list.toString());
        assertEquals(128, list.path("Functions").get(0).path("MemorySize").asInt());
        JsonNode got = json(door.signed("GET", "/2015-03-31/functions/echo", Map.of(), new byte[0]));
        assertEquals("echo", got.path("Configuration").path("FunctionName").asText(), got.toString());
    }

    @Test
    void otherPathsAndMethodsAreUnknownOperationsInJson() throws Exception {
        door.start();
        assertError(door.signed("GET", "/2015-03-31/functions/echo/policy", Map.of(), new byte[0]), 404,
                "UnknownOperationException");
        assertError(door.signed("PUT", "/2015-03-31/functions/echo/invocations", Map.of(), new byte[0]), 404,
                "UnknownOperationException");
    }
}

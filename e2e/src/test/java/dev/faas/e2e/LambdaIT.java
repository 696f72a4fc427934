package dev.faas.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * AWS Lambda on the real stack, with real, unmodified clients on both sides: AWS's tutorial shell bootstrap and a
 * Java RequestHandler run by AWS's runtime interface client (sample-functions/hello-lambda-*), served by the
 * watchdog's mode=lambda; called through the gateway's Invoke API by Debian's awscli and python3-boto3, signed with
 * the access key scripts/up.sh made, and through /function/&lt;name&gt; as any function.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LambdaIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JAVA = "hello-lambda-java";
    private static final String SHELL = "hello-lambda-shell";
    private static final String JAVA_FPROCESS = "java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss256k -XX:MaxRAM=256m "
            + "-XX:-UsePerfData -cp /var/task:/var/runtime/lib/* com.amazonaws.services.lambda.runtime.api.client.AWSLambda ";
    /** Functions deployed here, beside the samples, to misbehave: name → deployment JSON's image and env. */
    private static final List<String> EXTRA = List.of("lambda-short", "lambda-once", "lambda-init-fail", "lambda-no-handler");

    private static BringUp stack;
    private static String probeImage;
    private static String endpoint;
    private static Path credentials;
    private static HttpClient http;

    @BeforeAll
    static void bringUpTheStackAndTheMisbehavingFunctions() throws Exception {
        probeImage = "faas-test/lambda-probe:" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 40), 36);
        Cli.docker("build", "-q", "-t", probeImage,
                ProjectFiles.file("e2e/src/test/resources/lambda-probe/Dockerfile").getParent().toString());
        stack = new BringUp("lambda");
        stack.upOrFail();
        endpoint = "http://127.0.0.1:" + stack.gatewayPort;
        credentials = stack.lambdaCredentials();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        GatewayClient admin = new GatewayClient(stack.gatewayPort);
        Map<String, String> deployments = Map.of(
                "lambda-short", deployment("lambda-short", "faas/" + JAVA, Map.of("exec_timeout", "2s")),
                "lambda-once", deployment("lambda-once", probeImage, Map.of("fprocess", "/var/task/once", "exec_timeout", "2s")),
                "lambda-init-fail", deployment("lambda-init-fail", probeImage, Map.of("fprocess", "/var/task/init-fail")),
                "lambda-no-handler", deployment("lambda-no-handler", "faas/" + JAVA,
                        Map.of("fprocess", JAVA_FPROCESS + "example.NoSuch::handleRequest")));
        for (String f : EXTRA) {
            HttpResponse<String> r = admin.api("POST", "/system/functions", deployments.get(f), "admin", stack.password());
            assertTrue(r.statusCode() / 100 == 2, "deploy " + f + ": " + r.statusCode() + " " + r.body());
        }
        for (String f : List.of(JAVA, SHELL, "lambda-short", "lambda-once")) {
            waitFor(Duration.ofSeconds(90), f + " answers", () -> call("POST", "/function/" + f, "{}").statusCode() == 200);
        }
    }

    @AfterAll
    static void removeEverything() {
        try {
            if (stack != null) {
                GatewayClient admin = new GatewayClient(stack.gatewayPort);
                for (String f : EXTRA) {
                    admin.api("DELETE", "/system/functions", "{\"functionName\":\"" + f + "\"}", "admin", stack.password());
                }
                stack.close();
            }
        } finally {
            if (probeImage != null) {
                Cli.run(ProjectFiles.root(), Map.of(), Duration.ofSeconds(30), "docker", "image", "rm", "-f", probeImage);
            }
        }
    }

    @Test
    @Order(1)
    void awsCliInvokesTheTutorialShellFunctionWithItsLogTail() throws IOException {
        Path out = Files.createTempFile("lambda-out", ".json");
        JsonNode r = awsJson("lambda", "invoke", "--function-name", SHELL, "--cli-binary-format", "raw-in-base64-out",
                "--payload", "{\"hi\":1}", "--log-type", "Tail", out.toString());
        assertEquals(200, r.path("StatusCode").asInt(), r.toString());
        assertEquals("$LATEST", r.path("ExecutedVersion").asText(), r.toString());
        assertTrue(r.path("FunctionError").isMissingNode(), r.toString());
        assertEquals("Echoing request: '{\"hi\":1}'", Files.readString(out).trim());
        String log = new String(Base64.getDecoder().decode(r.path("LogResult").asText()));
        assertTrue(log.matches("(?s)START RequestId: [0-9a-f-]+ Version: \\$LATEST\n.*\\{\"hi\":1}\n.*END RequestId: .*\n"
                + "REPORT RequestId: .*Duration: [0-9.]+ ms\tBilled Duration: \\d+ ms\tMemory Size: \\d+ MB\tMax Memory Used: \\d+ MB.*"),
                "Lambda's START/END/REPORT lines around the handler's own line:\n" + log);
        Files.delete(out);
    }

    @Test
    @Order(2)
    void boto3InvokesTheJavaHandlerWarmWithItsContext() throws IOException {
        String clientContext = Base64.getEncoder().encodeToString("{\"custom\":{\"tenant\":\"t1\"}}".getBytes());
        JsonNode first = boto3(Map.of("FunctionName", JAVA, "Payload", "{\"name\":\"boto\"}", "LogType", "Tail",
                "ClientContext", clientContext));
        assertEquals(200, first.path("status").asInt(), first.toString());
        assertTrue(first.path("functionError").isNull(), first.toString());
        JsonNode answer = JSON.readTree(first.path("payload").asText());
        assertEquals("hello boto", answer.path("greeting").asText(), answer.toString());
        assertEquals(first.path("requestId").asText(), answer.path("requestId").asText(),
                "the handler's Context has the request id the caller got as x-amzn-RequestId");
        assertEquals(JAVA, answer.path("functionName").asText());
        assertEquals(256, answer.path("memoryLimitInMB").asInt(), "the replica's memory limit (stack.yml: 256M)");
        assertTrue(answer.path("remainingTimeInMillis").asLong() > 5000 && answer.path("remainingTimeInMillis").asLong() <= 10_000,
                "the deadline is exec_timeout (10s) from the start: " + answer);
        assertEquals("t1", answer.path("clientContext").path("tenant").asText(), answer.toString());
        assertTrue(first.path("log").asText().contains("hello-lambda-java got {name=boto}"), first.path("log").asText());
        JsonNode second = boto3(Map.of("FunctionName", JAVA, "Payload", "{\"name\":\"again\"}"));
        JsonNode again = JSON.readTree(second.path("payload").asText());
        assertEquals(answer.path("pid").asLong(), again.path("pid").asLong(), "one warm runtime served both calls");
        assertNotEquals(answer.path("requestId").asText(), again.path("requestId").asText());
    }

    @Test
    @Order(3)
    void aHandlerThatThrowsIsAnUnhandledFunctionErrorThroughLambdaAnd500ThroughFunction() throws IOException {
        JsonNode r = boto3(Map.of("FunctionName", JAVA, "Payload", "{\"action\":\"fail\"}"));
        assertEquals(200, r.path("status").asInt(), r.toString());
        assertEquals("Unhandled", r.path("functionError").asText(), r.toString());
        JsonNode error = JSON.readTree(r.path("payload").asText());
        assertEquals("asked to fail", error.path("errorMessage").asText(), error.toString());
        assertEquals("java.lang.IllegalStateException", error.path("errorType").asText(), error.toString());
        HttpResponse<String> sync = call("POST", "/function/" + JAVA, "{\"action\":\"fail\"}");
        assertEquals(500, sync.statusCode(), sync.body());
        assertEquals("Unhandled", sync.headers().firstValue("X-Amz-Function-Error").orElse(""));
    }

    @Test
    @Order(4)
    void aTimeoutKillsTheRuntimeAndTheNextCallGetsAFreshOne() throws IOException {
        JsonNode before = JSON.readTree(boto3(Map.of("FunctionName", "lambda-short", "Payload", "{}")).path("payload").asText());
        JsonNode r = boto3(Map.of("FunctionName", "lambda-short", "Payload", "{\"action\":\"sleep\",\"ms\":60000}"));
        double seconds = r.path("seconds").asDouble();
        System.out.printf("LambdaIT: a call past exec_timeout 2s answered after %.2fs%n", seconds);
        assertEquals("Unhandled", r.path("functionError").asText(), r.toString());
        JsonNode error = JSON.readTree(r.path("payload").asText());
        assertEquals("Sandbox.Timedout", error.path("errorType").asText(), error.toString());
        assertTrue(error.path("errorMessage").asText().contains("Task timed out after 2.00 seconds"), error.toString());
        assertTrue(seconds >= 2 && seconds < 5, "answered at the deadline, not later: " + seconds + "s");
        JsonNode after = JSON.readTree(boto3(Map.of("FunctionName", "lambda-short", "Payload", "{}")).path("payload").asText());
        assertEquals("hello world", after.path("greeting").asText(), after.toString());
        assertNotEquals(before.path("pid").asLong(), after.path("pid").asLong(), "the timed-out runtime was replaced");
        HttpResponse<String> sync = call("POST", "/function/lambda-short", "{\"action\":\"sleep\",\"ms\":60000}");
        assertEquals(504, sync.statusCode(), sync.body());
    }

    @Test
    @Order(5)
    void aRuntimeThatExitsMidCallIsAnExitErrorAndIsRestarted() throws IOException {
        JsonNode r = boto3(Map.of("FunctionName", "lambda-short", "Payload", "{\"action\":\"exit\"}"));
        assertEquals("Unhandled", r.path("functionError").asText(), r.toString());
        assertEquals("Runtime.ExitError", JSON.readTree(r.path("payload").asText()).path("errorType").asText(), r.toString());
        HttpResponse<String> sync = call("POST", "/function/lambda-short", "{\"action\":\"exit\"}");
        assertEquals(502, sync.statusCode(), sync.body());
        JsonNode after = boto3(Map.of("FunctionName", "lambda-short", "Payload", "{\"name\":\"back\"}"));
        assertEquals("hello back", JSON.readTree(after.path("payload").asText()).path("greeting").asText(), after.toString());
    }

    @Test
    @Order(6)
    void initErrorsAndMissingHandlersReachTheCallerWithTheRuntimesOwnMessage() throws IOException {
        waitFor(Duration.ofSeconds(90), "lambda-init-fail answers", () -> call("POST", "/function/lambda-init-fail", "{}").statusCode() == 503);
        JsonNode shell = boto3(Map.of("FunctionName", "lambda-init-fail", "Payload", "{}"));
        assertEquals("Unhandled", shell.path("functionError").asText(), shell.toString());
        JsonNode error = JSON.readTree(shell.path("payload").asText());
        assertEquals("Runtime.ImportModuleError", error.path("errorType").asText(), error.toString());
        assertTrue(error.path("errorMessage").asText().contains("cannot load the handler nosuch.handler"), error.toString());
        // AWS's Java runtime interface client reports a handler class that does not exist as each call's error.
        waitFor(Duration.ofSeconds(90), "lambda-no-handler answers", () -> call("POST", "/function/lambda-no-handler", "{}").statusCode() == 500);
        JsonNode java = boto3(Map.of("FunctionName", "lambda-no-handler", "Payload", "{}"));
        assertEquals("Unhandled", java.path("functionError").asText(), java.toString());
        JsonNode missing = JSON.readTree(java.path("payload").asText());
        assertEquals("java.lang.ClassNotFoundException", missing.path("errorType").asText(), missing.toString());
        assertTrue(missing.path("errorMessage").asText().contains("example.NoSuch"), missing.toString());
    }

    @Test
    @Order(7)
    void aRuntimeThatNeverAsksForTheNextCallTimesOutAndIsReplaced() throws IOException {
        JsonNode first = boto3(Map.of("FunctionName", "lambda-once", "Payload", "{\"n\":1}"));
        // The runtime that served the bring-up's probe is asleep: this call is never taken.
        assertEquals("Unhandled", first.path("functionError").asText(), first.toString());
        assertEquals("Sandbox.Timedout", JSON.readTree(first.path("payload").asText()).path("errorType").asText(), first.toString());
        JsonNode second = boto3(Map.of("FunctionName", "lambda-once", "Payload", "{\"n\":2}"));
        assertEquals(200, second.path("status").asInt(), second.toString());
        assertEquals("once: {\"n\":2}", second.path("payload").asText(), "a new runtime took it: " + second);
    }

    @Test
    @Order(8)
    void eventAndDryRunInvocationsAsAwsCliSendsThem() throws IOException {
        String before = metric("gateway_async_finished_total{code=\"200\",function_name=\"" + SHELL + "\",outcome=\"completed\"}");
        Path out = Files.createTempFile("lambda-out", ".json");
        JsonNode event = awsJson("lambda", "invoke", "--function-name", SHELL, "--invocation-type", "Event",
                "--cli-binary-format", "raw-in-base64-out", "--payload", "{\"later\":true}", out.toString());
        assertEquals(202, event.path("StatusCode").asInt(), event.toString());
        waitFor(Duration.ofSeconds(60), "the Event call ran", () -> !metric(
                "gateway_async_finished_total{code=\"200\",function_name=\"" + SHELL + "\",outcome=\"completed\"}").equals(before));
        JsonNode dry = awsJson("lambda", "invoke", "--function-name", SHELL, "--invocation-type", "DryRun", out.toString());
        assertEquals(204, dry.path("StatusCode").asInt(), dry.toString());
        Files.delete(out);
    }

    @Test
    @Order(9)
    void namesArnsAndQualifiersResolveAsLambdaDoes() throws IOException {
        String arn = "arn:aws:lambda:us-east-1:000000000000:function:" + SHELL;
        JsonNode byArn = boto3(Map.of("FunctionName", arn, "Payload", "{\"a\":1}", "Qualifier", "$LATEST"));
        assertEquals(200, byArn.path("status").asInt(), byArn.toString());
        assertEquals("Echoing request: '{\"a\":1}'", byArn.path("payload").asText().trim());
        JsonNode alias = boto3(Map.of("FunctionName", SHELL, "Payload", "{}", "Qualifier", "prod"));
        assertEquals("ResourceNotFoundException", alias.path("error").asText(), alias.toString());
        JsonNode unknown = boto3(Map.of("FunctionName", "nosuch", "Payload", "{}"));
        assertEquals("ResourceNotFoundException", unknown.path("error").asText(), unknown.toString());
        assertEquals(404, unknown.path("httpStatus").asInt());
        assertTrue(unknown.path("message").asText().contains("function:nosuch"), unknown.toString());
        Cli.Result cli = aws("lambda", "invoke", "--function-name", "nosuch", "/dev/null");
        assertNotEquals(0, cli.exitCode());
        assertTrue(cli.output().contains("An error occurred (ResourceNotFoundException) when calling the Invoke operation"),
                cli.output());
    }

    @Test
    @Order(10)
    void badSignaturesUnknownKeysAndOversizePayloadsAreRefusedAsLambdaRefusesThem() throws IOException {
        String[] key = Files.readAllLines(credentials).stream().filter(l -> l.contains("=")).map(l -> l.split("=", 2)[1].trim())
                .toArray(String[]::new);
        JsonNode wrongSecret = boto3(Map.of("FunctionName", SHELL, "Payload", "{}"), Map.of("keyId", key[0], "secret", "wrong" + key[1]));
        assertEquals("InvalidSignatureException", wrongSecret.path("error").asText(), wrongSecret.toString());
        assertEquals(403, wrongSecret.path("httpStatus").asInt());
        JsonNode unknownKey = boto3(Map.of("FunctionName", SHELL, "Payload", "{}"), Map.of("keyId", "AKIANOSUCHKEY0000000", "secret", key[1]));
        assertEquals("UnrecognizedClientException", unknownKey.path("error").asText(), unknownKey.toString());
        HttpResponse<String> unsigned = call("POST", "/2015-03-31/functions/" + SHELL + "/invocations", "{}");
        assertEquals(403, unsigned.statusCode(), unsigned.body());
        assertEquals("MissingAuthenticationTokenException", unsigned.headers().firstValue("x-amzn-ErrorType").orElse(""));
        JsonNode big = boto3(Map.of("FunctionName", SHELL), Map.of("payloadBytes", 10 * 1024 * 1024 + 1));
        assertEquals("RequestTooLargeException", big.path("error").asText(), big.toString());
        assertEquals(413, big.path("httpStatus").asInt());
    }

    // ---- helpers ----

    private static String deployment(String name, String image, Map<String, String> env) {
        ObjectNode d = JSON.createObjectNode().put("service", name).put("image", image);
        d.putObject("labels").put("com.openfaas.scale.min", "1").put("com.openfaas.scale.max", "1");
        ObjectNode vars = d.putObject("envVars");
        env.forEach(vars::put);
        return d.toString();
    }

    private static JsonNode boto3(Map<String, Object> invoke) throws IOException {
        return boto3(invoke, Map.of());
    }

    private static JsonNode boto3(Map<String, Object> invoke, Map<String, Object> extra) throws IOException {
        Map<String, Object> spec = new HashMap<>(extra);
        spec.put("endpoint", endpoint);
        spec.put("invoke", invoke);
        Cli.Result r = Cli.run(ProjectFiles.root(), clientEnv(), Duration.ofSeconds(150), "/usr/bin/python3",
                ProjectFiles.file("e2e/src/test/resources/lambda/invoke.py").toString(), JSON.writeValueAsString(spec));
        assertEquals(0, r.exitCode(), "boto3: " + r.output());
        String[] lines = r.output().trim().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    private static JsonNode awsJson(String... args) throws IOException {
        Cli.Result r = aws(args);
        assertEquals(0, r.exitCode(), "aws " + String.join(" ", args) + ": " + r.output());
        return JSON.readTree(r.output());
    }

    /** Debian's awscli as a user runs it: the credentials file up.sh wrote, the gateway as the endpoint. */
    private static Cli.Result aws(String... args) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/aws", "--endpoint-url", endpoint, "--output", "json"));
        command.addAll(List.of(args));
        return Cli.run(ProjectFiles.root(), clientEnv(), Duration.ofSeconds(150), command.toArray(String[]::new));
    }

    private static Map<String, String> clientEnv() {
        return Map.of("AWS_SHARED_CREDENTIALS_FILE", credentials.toString(), "AWS_CONFIG_FILE", "/dev/null",
                "AWS_REGION", "us-east-1", "AWS_MAX_ATTEMPTS", "1", "AWS_PAGER", "", "AWS_EC2_METADATA_DISABLED", "true");
    }

    private static HttpResponse<String> call(String method, String path, String body) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(Duration.ofSeconds(60))
                    .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    private static String metric(String series) {
        String text = call("GET", "/metrics", "").body();
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return line.substring(series.length() + 1).trim();
            }
        }
        return "0";
    }

    private static void waitFor(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout.toSeconds() + "s");
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}

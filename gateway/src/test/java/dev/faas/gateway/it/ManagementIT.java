package dev.faas.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The management API of the gateway image, running as a Swarm service with basic auth, against the real engine:
 * functions are deployed, updated, scaled and removed through /system/* and called through /function/*.
 * Every function and secret it creates carries the stack's name and is removed in {@link #remove()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManagementIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USER = "admin";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final String password = "pw-" + Long.toHexString(System.nanoTime());
    private SwarmStack stack;

    @BeforeAll
    void deploy() throws Exception {
        Cli.requireImages(List.of("faas/gateway", "faas/watchdog", "faas/catservice"));
        stack = new SwarmStack("mgmtit");
        stack.secret("basic-auth-user", USER + "\n").secret("basic-auth-password", password)
                .gateway("basic_auth: \"true\", docker_timeout: 10s", List.of("basic-auth-user", "basic-auth-password"))
                .deploy();
        waitFor("the gateway answers", Duration.ofSeconds(60), () -> status(call("GET", "/healthz", null, null)) == 200);
    }

    @AfterAll
    void remove() {
        if (stack == null) {
            return;
        }
        String services = Cli.quietly("docker", "service", "ls", "-q", "--filter", "label=dev.faas.test=" + stack.name);
        for (String id : services.lines().filter(l -> !l.isBlank()).toList()) {
            Cli.quietly("docker", "service", "rm", id.strip());
        }
        String secrets = Cli.quietly("docker", "secret", "ls", "-q", "--filter", "name=" + stack.name);
        stack.close();
        for (String id : secrets.lines().filter(l -> !l.isBlank()).toList()) {
            Cli.quietly("docker", "secret", "rm", id.strip());
        }
    }

    @Test
    @Order(1)
    void basicAuthGuardsEverySystemRouteAndNothingElse() throws Exception {
        HttpResponse<String> none = call("GET", "/system/functions", null, null);
        assertEquals(401, none.statusCode());
        assertEquals("Basic realm=\"faas\"", none.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(401, status(call("GET", "/system/functions", null, basic(USER, "wrong"))));
        assertEquals(401, status(call("GET", "/system/functions", null, basic("root", password))));
        assertEquals(401, status(call("GET", "/system/functions", null, "Bearer " + password)));
        assertEquals(200, status(call("GET", "/system/functions", null, basic(USER, password))));
        for (String route : List.of("/system/info", "/system/secrets", "/system/namespaces", "/system/function/x",
                "/system/logs?name=x")) {
            assertEquals(401, status(call("GET", route, null, null)), route);
        }
        assertEquals(401, status(call("POST", "/system/alert", "{}", null)));
        assertEquals(401, status(call("POST", "/system/scale-function/x", "{}", null)));
        assertEquals(200, status(call("GET", "/healthz", null, null)), "/healthz stays open");
        assertEquals(200, status(call("GET", "/metrics", null, null)), "/metrics stays open");
        assertEquals(404, status(call("POST", "/function/nothing-" + stack.name, "", null)), "/function stays open");
    }

    @Test
    @Order(2)
    void deployInvokeUpdateScaleReadLogsAndDelete() throws Exception {
        String fn = stack.function("env");
        HttpResponse<String> deployed = api("POST", "/system/functions", deployment(fn, "faas/watchdog", "env",
                "{\"GREETING\": \"one\", \"write_debug\": \"true\"}", "{\"com.openfaas.scale.max\": \"4\"}"));
        assertEquals(202, deployed.statusCode(), deployed.body());
        waitFor(fn + " answers", Duration.ofSeconds(60), () -> invoke(fn).contains("GREETING=one"));

        JsonNode status = JSON.readTree(api("GET", "/system/function/" + fn, null).body());
        assertEquals(fn, status.path("name").asText());
        assertEquals("faas/watchdog", status.path("image").asText());
        assertEquals("env", status.path("envProcess").asText());
        assertEquals("one", status.path("envVars").path("GREETING").asText());
        assertEquals("true", status.path("labels").path("function").asText());
        assertEquals("4", status.path("labels").path("com.openfaas.scale.max").asText());
        assertEquals("api-test", status.path("annotations").path("topic").asText());
        assertEquals(1, status.path("replicas").asInt());
        assertEquals(1, status.path("availableReplicas").asInt());
        assertTrue(status.path("invocationCount").asDouble() >= 1, status.toString());
        assertFalse(status.path("createdAt").asText().isEmpty());

        HttpResponse<String> updated = api("PUT", "/system/functions", deployment(fn, "faas/watchdog", "env",
                "{\"GREETING\": \"two\", \"write_debug\": \"true\"}", "{\"com.openfaas.scale.max\": \"4\"}"));
        assertEquals(200, updated.statusCode(), updated.body());
        waitFor("the update is served", Duration.ofSeconds(60), () -> invoke(fn).contains("GREETING=two"));

        HttpResponse<String> scaled = api("POST", "/system/scale-function/" + fn, "{\"replicas\": 3}");
        assertEquals(200, scaled.statusCode(), scaled.body());
        assertEquals(3, JSON.readTree(scaled.body()).path("replicas").asInt());
        waitFor("3 replicas available", Duration.ofSeconds(60), () -> {
            JsonNode list = JSON.readTree(api("GET", "/system/functions", null).body());
            for (JsonNode f : list) {
                if (f.path("name").asText().equals(fn)) {
                    return f.path("replicas").asInt() == 3 && f.path("availableReplicas").asInt() == 3;
                }
            }
            return false;
        });

        String marker = "marker-" + stack.name;
        assertEquals(200, status(call("POST", "/function/" + fn + "/" + marker, "", null)));
        waitFor("the call shows in the logs", Duration.ofSeconds(20), () -> {
            HttpResponse<String> logs = api("GET", "/system/logs?name=" + fn + "&tail=200", null);
            return logs.statusCode() == 200 && logs.body().contains(marker);
        });
        HttpResponse<String> logs = api("GET", "/system/logs?name=" + fn + "&tail=200", null);
        assertEquals("application/x-ndjson", logs.headers().firstValue("Content-Type").orElse(""));
        JsonNode line = JSON.readTree(logs.body().lines().filter(l -> l.contains(marker)).findFirst().orElseThrow());
        assertEquals(fn, line.path("name").asText());
        assertFalse(line.path("instance").asText().isEmpty(), "the replica is named: " + line);
        assertFalse(line.path("timestamp").asText().isEmpty(), line.toString());
        assertTrue(line.path("text").asText().contains(marker), line.toString());

        followedLogsShowNewLinesAndClosedStreamsFreeEverything(fn);

        HttpResponse<String> deleted = api("DELETE", "/system/functions", "{\"functionName\": \"" + fn + "\"}");
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertEquals(404, status(api("GET", "/system/function/" + fn, null)));
        waitFor("the function is gone from routing", Duration.ofSeconds(5),
                () -> status(call("POST", "/function/" + fn, "", null)) == 404);
    }

    private void followedLogsShowNewLinesAndClosedStreamsFreeEverything(String fn) throws Exception {
        String late = "late-" + stack.name;
        HttpRequest follow = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.port + "/system/logs?name="
                + fn + "&tail=0&follow=true")).header("Authorization", basic(USER, password))
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<java.util.stream.Stream<String>> stream = http.send(follow, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, stream.statusCode(), "a followed stream answers before its first line");
        java.util.concurrent.CompletableFuture<String> found = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> stream.body().filter(l -> l.contains(late)).findFirst().orElse(""));
        long called = System.nanoTime();
        assertEquals(200, status(call("POST", "/function/" + fn + "/" + late, "", null)));
        String line = found.get(20, java.util.concurrent.TimeUnit.SECONDS);
        System.out.printf("followed log line arrived %d ms after the call%n",
                Duration.ofNanos(System.nanoTime() - called).toMillis());
        assertTrue(line.contains(late), line);
        stream.body().close();
        // More abandoned streams than the gateway has worker threads (16): each must let go of its thread
        // (and hold no Docker connection), or the later ones would never be answered.
        for (int i = 0; i < 24; i++) {
            http.send(follow, HttpResponse.BodyHandlers.ofLines()).body().close();
        }
        SwarmStack.sleep(3000);
        long started = System.nanoTime();
        assertEquals(200, status(api("GET", "/system/functions", null)), "24 abandoned streams later");
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() < 1000, "and still fast");
    }

    @Test
    @Order(3)
    void everyBadInputGetsItsStatusAndLeavesNothingBehind() throws Exception {
        String fn = stack.function("bad");
        HttpResponse<String> malformed = api("POST", "/system/functions", "{\"service\": \"x\", \"image\": ");
        assertEquals(400, malformed.statusCode());
        assertTrue(malformed.body().startsWith("malformed JSON"), malformed.body());
        assertFalse(malformed.body().contains("at com."), "no stack trace: " + malformed.body());
        HttpResponse<String> wrongType = api("POST", "/system/functions",
                "{\"service\": \"" + fn + "\", \"image\": \"faas/catservice\", \"envVars\": [1]}");
        assertEquals(400, wrongType.statusCode());
        assertTrue(wrongType.body().contains("envVars"), "names the field: " + wrongType.body());
        assertEquals(400, status(api("POST", "/system/functions", "{\"image\": \"faas/catservice\"}")), "no service");
        assertEquals(400, status(api("POST", "/system/functions", "{\"service\": \"" + fn + "\"}")), "no image");
        HttpResponse<String> badName = api("POST", "/system/functions", deployment("bad name!", "faas/catservice",
                "", "{}", "{}"));
        assertEquals(400, badName.statusCode());
        assertTrue(badName.body().contains("not a valid name"), badName.body());
        HttpResponse<String> noImage = api("POST", "/system/functions", deployment(fn, "faas/nosuchimage-"
                + stack.name, "", "{}", "{}"));
        assertEquals(400, noImage.statusCode());
        assertTrue(noImage.body().contains("is not on this Docker node"), noImage.body());
        HttpResponse<String> noSecret = api("POST", "/system/functions", "{\"service\": \"" + fn + "\", \"image\": "
                + "\"faas/catservice\", \"secrets\": [\"nosuchsecret-" + stack.name + "\"]}");
        assertEquals(400, noSecret.statusCode());
        assertTrue(noSecret.body().contains("nosuchsecret-" + stack.name), noSecret.body());
        assertEquals("", Cli.run("docker", "service", "ls", "-q", "--filter", "name=" + fn),
                "a refused deploy creates no service");

        String unknown = stack.function("unknown");
        assertEquals(404, status(api("PUT", "/system/functions", deployment(unknown, "faas/catservice", "", "{}", "{}"))));
        assertEquals(404, status(api("DELETE", "/system/functions", "{\"functionName\": \"" + unknown + "\"}")));
        assertEquals(404, status(api("POST", "/system/scale-function/" + unknown, "{\"replicas\": 1}")));
        assertEquals(404, status(api("GET", "/system/function/" + unknown, null)));
        assertEquals(404, status(api("GET", "/system/logs?name=" + unknown, null)));

        assertEquals(202, status(api("POST", "/system/functions", deployment(fn, "faas/catservice", "", "{}", "{}"))));
        HttpResponse<String> again = api("POST", "/system/functions", deployment(fn, "faas/catservice", "", "{}", "{}"));
        assertEquals(409, again.statusCode(), again.body());
        assertEquals(400, status(api("POST", "/system/scale-function/" + fn, "{\"replicas\": -1}")), "negative");
        HttpResponse<String> nonNumeric = api("POST", "/system/scale-function/" + fn, "{\"replicas\": \"many\"}");
        assertEquals(400, nonNumeric.statusCode(), "non-numeric");
        assertTrue(nonNumeric.body().contains("replicas"), nonNumeric.body());
        assertEquals(400, status(api("POST", "/system/scale-function/" + fn, "{\"replicas\": 1.5}")), "fraction");
        assertEquals(400, status(api("POST", "/system/scale-function/" + fn, "{}")), "missing replicas");
        assertEquals(400, status(api("GET", "/system/logs?name=" + fn + "&tail=lots", null)));
        assertEquals(400, status(api("GET", "/system/logs?name=" + fn + "&since=yesterday", null)));
        assertEquals(400, status(api("POST", "/system/alert", "{not json")));
        assertEquals(200, status(api("DELETE", "/system/functions", "{\"functionName\": \"" + fn + "\"}")));
    }

    @Test
    @Order(4)
    void scalingAboveMaxIsClampedAndSaysSo() throws Exception {
        String fn = stack.function("clamp");
        assertEquals(202, status(api("POST", "/system/functions", deployment(fn, "faas/catservice", "", "{}",
                "{\"com.openfaas.scale.max\": \"2\"}"))));
        HttpResponse<String> r = api("POST", "/system/scale-function/" + fn, "{\"serviceName\": \"" + fn
                + "\", \"replicas\": 5}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode answer = JSON.readTree(r.body());
        assertEquals(5, answer.path("requested").asInt());
        assertEquals(2, answer.path("replicas").asInt());
        assertTrue(answer.path("clamped").asBoolean());
        assertTrue(answer.path("message").asText().contains("com.openfaas.scale.max"), r.body());
        assertEquals(2, JSON.readTree(api("GET", "/system/function/" + fn, null).body()).path("replicas").asInt());

        // Concurrent changes race on the service's version: the losers re-read and retry instead of failing.
        List<java.util.concurrent.CompletableFuture<Integer>> racing = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String body = i % 2 == 0 ? "{\"replicas\": " + (i % 3) + "}"
                    : deployment(fn, "faas/catservice", "", "{\"N\": \"" + i + "\"}", "{\"com.openfaas.scale.max\": \"2\"}");
            String method = i % 2 == 0 ? "POST" : "PUT";
            String path = i % 2 == 0 ? "/system/scale-function/" + fn : "/system/functions";
            racing.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return status(api(method, path, body));
                } catch (IOException | InterruptedException e) {
                    return -1;
                }
            }));
        }
        for (var change : racing) {
            assertEquals(200, change.get(30, java.util.concurrent.TimeUnit.SECONDS), "every concurrent change succeeds");
        }
        assertEquals(200, status(api("DELETE", "/system/functions", "{\"functionName\": \"" + fn + "\"}")));
    }

    @Test
    @Order(5)
    void alertsScaleUpByTheFactorOfMaxAndResolvedGoesBackToMin() throws Exception {
        String fn = stack.function("alert");
        assertEquals(202, status(api("POST", "/system/functions", deployment(fn, "faas/catservice", "", "{}",
                "{\"com.openfaas.scale.min\": \"1\", \"com.openfaas.scale.max\": \"5\", "
                        + "\"com.openfaas.scale.factor\": \"40\"}"))));
        assertEquals(200, status(api("POST", "/system/alert", alert("firing", fn))));
        assertEquals(3, replicas(fn), "1 + ceil(5 * 40%) = 3");
        assertEquals(200, status(api("POST", "/system/alert", alert("firing", fn))));
        assertEquals(5, replicas(fn), "3 + 2 = 5, the max");
        assertEquals(200, status(api("POST", "/system/alert", alert("firing", fn))));
        assertEquals(5, replicas(fn), "capped at max");
        HttpResponse<String> resolved = api("POST", "/system/alert", alert("resolved", fn));
        assertEquals(200, resolved.statusCode(), resolved.body());
        assertTrue(resolved.body().contains("\"to\":1"), resolved.body());
        assertEquals(1, replicas(fn), "back to min");
        HttpResponse<String> gone = api("POST", "/system/alert", alert("firing", stack.function("gone")));
        assertEquals(200, gone.statusCode(), "an alert for a removed function is reported, not retried");
        assertTrue(gone.body().contains("not found"), gone.body());
        assertEquals(200, status(api("DELETE", "/system/functions", "{\"functionName\": \"" + fn + "\"}")));
    }

    @Test
    @Order(6)
    void secretsAreCreatedMountedNeverShownAndImmutable() throws Exception {
        String secret = stack.name + "-token";
        String value = "s3cret-" + stack.name;
        assertEquals(201, status(api("POST", "/system/secrets", "{\"name\": \"" + secret + "\", \"value\": \""
                + value + "\"}")));
        assertEquals(409, status(api("POST", "/system/secrets", "{\"name\": \"" + secret + "\", \"value\": \"x\"}")));
        HttpResponse<String> list = api("GET", "/system/secrets", null);
        assertTrue(list.body().contains("\"" + secret + "\""), list.body());
        assertFalse(list.body().contains(value), "values never listed");
        assertFalse(list.body().contains("\"" + stack.name + "_basic-auth-password\""),
                "secrets the platform does not own are not listed: " + list.body());
        HttpResponse<String> put = api("PUT", "/system/secrets", "{\"name\": \"" + secret + "\", \"value\": \"y\"}");
        assertEquals(405, put.statusCode());
        assertTrue(put.body().contains("new name"), put.body());

        String fn = stack.function("secret");
        assertEquals(202, status(api("POST", "/system/functions", "{\"service\": \"" + fn + "\", \"image\": "
                + "\"faas/watchdog\", \"envProcess\": \"cat /run/secrets/" + secret + "\", \"secrets\": [\"" + secret
                + "\"], \"readOnlyRootFilesystem\": true, \"labels\": {\"dev.faas.test\": \"" + stack.name + "\"}}")));
        waitFor("the function reads its secret", Duration.ofSeconds(60), () -> invoke(fn).equals(value));
        HttpResponse<String> inUse = api("DELETE", "/system/secrets", "{\"name\": \"" + secret + "\"}");
        assertEquals(409, inUse.statusCode(), inUse.body());
        assertFalse(Cli.run("docker", "service", "logs", "--raw", stack.name + "_gateway").contains(value),
                "the gateway never logs a secret value");
        assertEquals(200, status(api("DELETE", "/system/functions", "{\"functionName\": \"" + fn + "\"}")));
        waitFor("the secret is free", Duration.ofSeconds(30),
                () -> status(api("DELETE", "/system/secrets", "{\"name\": \"" + secret + "\"}")) == 204);
        assertEquals(404, status(api("DELETE", "/system/secrets", "{\"name\": \"" + secret + "\"}")));
        assertEquals(404, status(api("DELETE", "/system/secrets", "{\"name\": \"" + stack.name
                + "_basic-auth-password\"}")), "secrets the platform does not own cannot be removed");
    }

    @Test
    @Order(7)
    void aRollingUpdateUnderASteadyStreamOfRequestsLosesNone() throws Exception {
        String fn = stack.function("roll");
        String labels = "{\"com.openfaas.scale.min\": \"2\"}";
        assertEquals(202, status(api("POST", "/system/functions", deployment(fn, "faas/watchdog", "env",
                "{\"VERSION\": \"1\"}", labels))));
        waitFor("2 replicas serve", Duration.ofSeconds(60), () -> invoke(fn).contains("VERSION=1")
                && JSON.readTree(api("GET", "/system/function/" + fn, null).body()).path("availableReplicas").asInt() == 2);

        AtomicBoolean streaming = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger updatedAnswers = new AtomicInteger();
        Thread client = new Thread(() -> {
            while (streaming.get()) {
                try {
                    HttpResponse<String> r = call("POST", "/function/" + fn, "", null);
                    if (r.statusCode() == 200) {
                        ok.incrementAndGet();
                        if (r.body().contains("VERSION=2")) {
                            updatedAnswers.incrementAndGet();
                        }
                    } else {
                        failed.incrementAndGet();
                    }
                } catch (IOException | InterruptedException e) {
                    failed.incrementAndGet();
                }
            }
        }, "steady-stream");
        client.start();
        try {
            SwarmStack.sleep(1000);
            assertEquals(200, status(api("PUT", "/system/functions", deployment(fn, "faas/watchdog", "env",
                    "{\"VERSION\": \"2\"}", labels))));
            waitFor("the update completes", Duration.ofSeconds(90), () -> "completed".equals(
                    Cli.run("docker", "service", "inspect", "-f", "{{.UpdateStatus.State}}", fn)));
            SwarmStack.sleep(2000);
        } finally {
            streaming.set(false);
            client.join(15_000);
        }
        System.out.printf("rolling update under a steady stream: %d ok, %d failed, %d answered by the new version%n",
                ok.get(), failed.get(), updatedAnswers.get());
        assertTrue(updatedAnswers.get() > 0, "the new version served during the stream");
        assertTrue(ok.get() > 50, "the stream kept going: " + ok.get());
        assertEquals(0, failed.get(), "requests failed during the rolling update");
        assertEquals(200, status(api("DELETE", "/system/functions", "{\"functionName\": \"" + fn + "\"}")));
    }

    @Test
    @Order(8)
    void withoutDockerTheApiAnswers503AndWithoutCredentialFilesTheGatewayRefusesToStart() throws Exception {
        String name = stack.name + "-nodocker";
        Cli.run("docker", "run", "-d", "--rm", "--name", name, "--label", "dev.faas.test=" + stack.name,
                "-e", "DOCKER_HOST=tcp://127.0.0.1:1", "-e", "docker_timeout=2s", "-p", "127.0.0.1::8080",
                "faas/gateway");
        try {
            String mapped = Cli.run("docker", "port", name, "8080/tcp").lines().findFirst().orElseThrow();
            int port = Integer.parseInt(mapped.substring(mapped.lastIndexOf(':') + 1));
            HttpRequest list = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/system/functions"))
                    .timeout(Duration.ofSeconds(10)).build();
            waitFor("the Docker-less gateway answers", Duration.ofSeconds(30), () -> {
                HttpResponse<String> r = http.send(list, HttpResponse.BodyHandlers.ofString());
                assertEquals(503, r.statusCode(), r.body());
                assertTrue(r.body().contains("Docker engine cannot be reached"), r.body());
                return true;
            });
        } finally {
            Cli.quietly("docker", "rm", "-f", name);
        }

        String refused = Cli.quietly("docker", "run", "--rm", "--name", name + "-auth", "--label",
                "dev.faas.test=" + stack.name, "-e", "basic_auth=true", "-e", "DOCKER_HOST=tcp://127.0.0.1:1",
                "faas/gateway");
        assertTrue(refused.contains("failed (2)"), "exits with status 2: " + refused);
        assertTrue(refused.contains("basic-auth-user") && refused.contains("docker secret create"),
                "says what to create: " + refused);
    }

    // ---- helpers ----

    private String deployment(String name, String image, String envProcess, String envVars, String labels) {
        String withTest = labels.replaceFirst("\\{", "{\"dev.faas.test\": \"" + stack.name + "\""
                + (labels.strip().equals("{}") ? "" : ", "));
        return """
                {"service": "%s", "image": "%s", "envProcess": "%s", "envVars": %s, "labels": %s,
                 "annotations": {"topic": "api-test"}}""".formatted(name, image, envProcess, envVars, withTest);
    }

    private static String alert(String status, String function) {
        return """
                {"receiver": "scale-up", "status": "%s", "alerts": [{"status": "%s",
                 "labels": {"alertname": "APIHighInvocationRate", "function_name": "%s"}}]}"""
                .formatted(status, status, function);
    }

    private int replicas(String fn) throws Exception {
        return JSON.readTree(api("GET", "/system/function/" + fn, null).body()).path("replicas").asInt();
    }

    private String invoke(String fn) {
        try {
            HttpResponse<String> r = call("POST", "/function/" + fn, "", null);
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private HttpResponse<String> api(String method, String path, String body) throws IOException, InterruptedException {
        return call(method, path, body, basic(USER, password));
    }

    private HttpResponse<String> call(String method, String path, String body, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.port + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static int status(HttpResponse<?> r) {
        return r.statusCode();
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void waitFor(String what, Duration limit, Check check) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (IOException e) {
                // not answering yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + limit.toSeconds() + " s");
            }
            SwarmStack.sleep(200);
        }
    }
}

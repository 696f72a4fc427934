package dev.faas.gateway.it;

import static dev.faas.gateway.it.GatewayClient.basic;
import static dev.faas.gateway.it.GatewayClient.status;
import static dev.faas.gateway.it.GatewayClient.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The management API against the real engine: functions deployed, called, updated, scaled, read and removed through
 * /system/* and /function/*; basic auth; every bad input.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManagementIT extends SecuredGateway {

    @Override
    String prefix() {
        return "mgmtit";
    }

    @Test
    @Order(1)
    void basicAuthGuardsEverySystemRouteAndNothingElse() throws Exception {
        HttpResponse<String> none = gw.call("GET", "/system/functions", null, null);
        assertEquals(401, none.statusCode());
        assertEquals("Basic realm=\"faas\"", none.headers().firstValue("WWW-Authenticate").orElse(""));
        assertEquals(401, status(gw.call("GET", "/system/functions", null, basic(USER, "wrong"))));
        assertEquals(401, status(gw.call("GET", "/system/functions", null, basic("root", password))));
        assertEquals(401, status(gw.call("GET", "/system/functions", null, "Bearer " + password)));
        assertEquals(200, status(gw.call("GET", "/system/functions", null, gw.authorization())));
        for (String route : List.of("/system/info", "/system/secrets", "/system/namespaces", "/system/function/x",
                "/system/logs?name=x")) {
            assertEquals(401, status(gw.call("GET", route, null, null)), route);
        }
        assertEquals(401, status(gw.call("POST", "/system/alert", "{}", null)));
        assertEquals(401, status(gw.call("POST", "/system/scale-function/x", "{}", null)));
        assertEquals(200, status(gw.call("GET", "/healthz", null, null)), "/healthz stays open");
        assertEquals(200, status(gw.call("GET", "/metrics", null, null)), "/metrics stays open");
        assertEquals(404, status(gw.call("POST", "/function/nothing-" + stack.name, "", null)), "/function stays open");
    }

    @Test
    @Order(2)
    void deployInvokeUpdateScaleReadLogsAndDelete() throws Exception {
        String fn = stack.function("env");
        HttpResponse<String> deployed = gw.api("POST", "/system/functions", deployment(fn, "faas/watchdog", "env",
                "{\"GREETING\": \"one\", \"write_debug\": \"true\"}", "{\"com.openfaas.scale.max\": \"4\"}"));
        assertEquals(202, deployed.statusCode(), deployed.body());
        waitFor(fn + " answers", Duration.ofSeconds(60), () -> gw.invoke(fn).contains("GREETING=one"));

        JsonNode status = JSON.readTree(gw.api("GET", "/system/function/" + fn, null).body());
        assertEquals(fn, status.path("name").asText());
        assertEquals("faas/watchdog", status.path("image").asText());
        assertEquals("env", status.path("envProcess").asText());
        assertEquals("one", status.path("envVars").path("GREETING").asText());
        assertEquals("true", status.path("labels").path("function").asText());
        assertEquals("4", status.path("labels").path("com.openfaas.scale.max").asText());
        assertEquals("api-test", status.path("annotations").path("topic").asText());
        assertEquals(1, status.path("replicas").asInt());
        // Swarm counts a replica available after its first health check; the gateway routes to it as soon as its
        // watchdog answers, so the count can lag the first answer by a health-check interval.
        waitFor("Swarm counts the replica available", Duration.ofSeconds(30), () -> JSON.readTree(gw.api("GET",
                "/system/function/" + fn, null).body()).path("availableReplicas").asInt() == 1);
        assertTrue(status.path("invocationCount").asDouble() >= 1, status.toString());
        assertFalse(status.path("createdAt").asText().isEmpty());

        HttpResponse<String> updated = gw.api("PUT", "/system/functions", deployment(fn, "faas/watchdog", "env",
                "{\"GREETING\": \"two\", \"write_debug\": \"true\"}", "{\"com.openfaas.scale.max\": \"4\"}"));
        assertEquals(200, updated.statusCode(), updated.body());
        waitFor("the update is served", Duration.ofSeconds(60), () -> gw.invoke(fn).contains("GREETING=two"));

        HttpResponse<String> scaled = gw.api("POST", "/system/scale-function/" + fn, "{\"replicas\": 3}");
        assertEquals(200, scaled.statusCode(), scaled.body());
        assertEquals(3, JSON.readTree(scaled.body()).path("replicas").asInt());
        waitFor("3 replicas available", Duration.ofSeconds(60), () -> {
            JsonNode list = JSON.readTree(gw.api("GET", "/system/functions", null).body());
            for (JsonNode f : list) {
                if (f.path("name").asText().equals(fn)) {
                    return f.path("replicas").asInt() == 3 && f.path("availableReplicas").asInt() == 3;
                }
            }
            return false;
        });

        String marker = "marker-" + stack.name;
        assertEquals(200, status(gw.call("POST", "/function/" + fn + "/" + marker, "", null)));
        waitFor("the call shows in the logs", Duration.ofSeconds(20), () -> {
            HttpResponse<String> logs = gw.api("GET", "/system/logs?name=" + fn + "&tail=200", null);
            return logs.statusCode() == 200 && logs.body().contains(marker);
        });
        HttpResponse<String> logs = gw.api("GET", "/system/logs?name=" + fn + "&tail=200", null);
        assertEquals("application/x-ndjson", logs.headers().firstValue("Content-Type").orElse(""));
        JsonNode line = JSON.readTree(logs.body().lines().filter(l -> l.contains(marker)).findFirst().orElseThrow());
        assertEquals(fn, line.path("name").asText());
        assertFalse(line.path("instance").asText().isEmpty(), "the replica is named: " + line);
        assertFalse(line.path("timestamp").asText().isEmpty(), line.toString());
        assertTrue(line.path("text").asText().contains(marker), line.toString());
        String instance = line.path("instance").asText();
        assertTrue(gw.api("GET", "/system/logs?name=" + fn + "&tail=200&instance=" + instance, null).body()
                .contains(marker), "instance= keeps the replica's lines");
        assertFalse(gw.api("GET", "/system/logs?name=" + fn + "&tail=200&instance=" + instance + "-nosuch", null).body()
                .contains(marker), "instance= drops other replicas' lines");
        java.time.Instant last = java.time.Instant.EPOCH; // the marker is in two lines: the request, the output
        for (String l : logs.body().lines().filter(l -> l.contains(marker)).toList()) {
            java.time.Instant at = java.time.Instant.parse(JSON.readTree(l).path("timestamp").asText());
            last = at.isAfter(last) ? at : last;
        }
        String after = last.plusNanos(1000).toString();
        HttpResponse<String> since = gw.api("GET", "/system/logs?name=" + fn + "&since=" + after, null);
        assertEquals(200, since.statusCode(), since.body());
        assertFalse(since.body().contains(marker), "since= drops earlier lines: " + since.body());

        followedLogsShowNewLinesAndClosedStreamsFreeEverything(fn);

        HttpResponse<String> deleted = gw.api("DELETE", "/system/functions", "{\"functionName\": \"" + fn + "\"}");
        assertEquals(200, deleted.statusCode(), deleted.body());
        assertEquals(404, status(gw.api("GET", "/system/function/" + fn, null)));
        waitFor("the function is gone from routing", Duration.ofSeconds(5),
                () -> status(gw.call("POST", "/function/" + fn, "", null)) == 404);
    }

    private void followedLogsShowNewLinesAndClosedStreamsFreeEverything(String fn) throws Exception {
        String late = "late-" + stack.name;
        HttpRequest follow = HttpRequest.newBuilder(gw.uri("/system/logs?name=" + fn + "&tail=0&follow=true")).header("Authorization", gw.authorization())
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<java.util.stream.Stream<String>> stream = gw.http.send(follow, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, stream.statusCode(), "a followed stream answers before its first line");
        java.util.concurrent.CompletableFuture<String> found = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> stream.body().filter(l -> l.contains(late)).findFirst().orElse(""));
        long called = System.nanoTime();
        assertEquals(200, status(gw.call("POST", "/function/" + fn + "/" + late, "", null)));
        String line = found.get(20, java.util.concurrent.TimeUnit.SECONDS);
        System.out.printf("followed log line arrived %d ms after the call%n",
                Duration.ofNanos(System.nanoTime() - called).toMillis());
        assertTrue(line.contains(late), line);
        stream.body().close();
        // More abandoned streams than the gateway has worker threads (16): each must let go of its thread
        // (and hold no Docker connection), or the later ones would never be answered.
        for (int i = 0; i < 24; i++) {
            gw.http.send(follow, HttpResponse.BodyHandlers.ofLines()).body().close();
        }
        SwarmStack.sleep(3000);
        long started = System.nanoTime();
        // Starved workers would leave this unanswered until the client's 20 s timeout: no wall-clock bound needed.
        assertEquals(200, status(gw.api("GET", "/system/functions", null)), "24 abandoned streams later");
        System.out.printf("/system/functions after 24 abandoned log streams: %d ms%n",
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    @Test
    @Order(3)
    void everyBadInputGetsItsStatusAndLeavesNothingBehind() throws Exception {
        String fn = stack.function("bad");
        HttpResponse<String> malformed = gw.api("POST", "/system/functions", "{\"service\": \"x\", \"image\": ");
        assertEquals(400, malformed.statusCode());
        assertTrue(malformed.body().startsWith("malformed JSON"), malformed.body());
        assertFalse(malformed.body().contains("at com."), "no stack trace: " + malformed.body());
        HttpResponse<String> wrongType = gw.api("POST", "/system/functions",
                "{\"service\": \"" + fn + "\", \"image\": \"faas/catservice\", \"envVars\": [1]}");
        assertEquals(400, wrongType.statusCode());
        assertTrue(wrongType.body().contains("envVars"), "names the field: " + wrongType.body());
        assertEquals(400, status(gw.api("POST", "/system/functions", "{\"image\": \"faas/catservice\"}")), "no service");
        assertEquals(400, status(gw.api("POST", "/system/functions", "{\"service\": \"" + fn + "\"}")), "no image");
        HttpResponse<String> badName = gw.api("POST", "/system/functions", deployment("bad name!", "faas/catservice",
                "", "{}", "{}"));
        assertEquals(400, badName.statusCode());
        assertTrue(badName.body().contains("not a valid name"), badName.body());
        // Not on the node, so the engine asks the image's registry: one on a closed local port, never Docker Hub
        // (no traffic leaves the machine).
        String unreachable = "127.0.0.1:" + freePort() + "/faas/nosuchimage-" + stack.name + ":1";
        HttpResponse<String> noImage = gw.api("POST", "/system/functions", deployment(fn, unreachable, "", "{}", "{}"));
        assertEquals(400, noImage.statusCode(), noImage.body());
        assertTrue(noImage.body().contains(unreachable) && noImage.body().contains("cannot be reached"),
                noImage.body());
        HttpResponse<String> noSecret = gw.api("POST", "/system/functions", "{\"service\": \"" + fn + "\", \"image\": "
                + "\"faas/catservice\", \"secrets\": [\"nosuchsecret-" + stack.name + "\"]}");
        assertEquals(400, noSecret.statusCode());
        assertTrue(noSecret.body().contains("nosuchsecret-" + stack.name), noSecret.body());
        HttpResponse<String> otherNamespace = gw.api("POST", "/system/functions",
                deployment(fn, "faas/catservice", "", "{}", "{}").replaceFirst("\\{", "{\"namespace\": \"team-a\", "));
        assertEquals(400, otherNamespace.statusCode());
        assertTrue(otherNamespace.body().contains("the only namespace is \"openfaas-fn\""), otherNamespace.body());
        assertEquals("", Cli.run("docker", "service", "ls", "-q", "--filter", "name=" + fn),
                "a refused deploy creates no service");

        String unknown = stack.function("unknown");
        assertEquals(404, status(gw.api("PUT", "/system/functions", deployment(unknown, "faas/catservice", "", "{}", "{}"))));
        assertEquals(404, status(gw.api("DELETE", "/system/functions", "{\"functionName\": \"" + unknown + "\"}")));
        assertEquals(404, status(gw.api("POST", "/system/scale-function/" + unknown, "{\"replicas\": 1}")));
        assertEquals(404, status(gw.api("GET", "/system/function/" + unknown, null)));
        assertEquals(404, status(gw.api("GET", "/system/logs?name=" + unknown, null)));

        assertEquals(202, status(gw.api("POST", "/system/functions", deployment(fn, "faas/catservice", "", "{}", "{}"))));
        HttpResponse<String> again = gw.api("POST", "/system/functions", deployment(fn, "faas/catservice", "", "{}", "{}"));
        assertEquals(409, again.statusCode(), again.body());
        assertEquals("[\"openfaas-fn\"]", gw.api("GET", "/system/namespaces", null).body());
        assertEquals(200, status(gw.api("GET", "/system/function/" + fn + "?namespace=openfaas-fn", null)),
                "the namespace /system/namespaces reports is accepted");
        assertEquals(400, status(gw.api("GET", "/system/functions?namespace=team-a", null)), "any other is not");
        assertEquals(400, status(gw.api("POST", "/system/scale-function/" + fn, "{\"replicas\": -1}")), "negative");
        HttpResponse<String> nonNumeric = gw.api("POST", "/system/scale-function/" + fn, "{\"replicas\": \"many\"}");
        assertEquals(400, nonNumeric.statusCode(), "non-numeric");
        assertTrue(nonNumeric.body().contains("replicas"), nonNumeric.body());
        assertEquals(400, status(gw.api("POST", "/system/scale-function/" + fn, "{\"replicas\": 1.5}")), "fraction");
        assertEquals(400, status(gw.api("POST", "/system/scale-function/" + fn, "{}")), "missing replicas");
        assertEquals(400, status(gw.api("GET", "/system/logs?name=" + fn + "&tail=lots", null)));
        assertEquals(400, status(gw.api("GET", "/system/logs?name=" + fn + "&since=yesterday", null)));
        assertEquals(400, status(gw.api("POST", "/system/alert", "{not json")));
        assertEquals(200, status(gw.api("DELETE", "/system/functions", "{\"functionName\": \"" + fn + "\"}")));
    }

    @Test
    @Order(4)
    void scalingAboveMaxIsClampedAndSaysSo() throws Exception {
        String fn = stack.function("clamp");
        assertEquals(202, status(gw.api("POST", "/system/functions", deployment(fn, "faas/catservice", "", "{}",
                "{\"com.openfaas.scale.max\": \"2\"}"))));
        HttpResponse<String> r = gw.api("POST", "/system/scale-function/" + fn, "{\"serviceName\": \"" + fn
                + "\", \"replicas\": 5}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode answer = JSON.readTree(r.body());
        assertEquals(5, answer.path("requested").asInt());
        assertEquals(2, answer.path("replicas").asInt());
        assertTrue(answer.path("clamped").asBoolean());
        assertTrue(answer.path("message").asText().contains("com.openfaas.scale.max"), r.body());
        assertEquals(2, JSON.readTree(gw.api("GET", "/system/function/" + fn, null).body()).path("replicas").asInt());

        // Concurrent changes race on the service's version: the losers re-read and retry instead of failing.
        // Six writers, and each update starts a rolling update whose progress bumps the version too.
        List<java.util.concurrent.CompletableFuture<Integer>> racing = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String body = i % 2 == 0 ? "{\"replicas\": " + (i % 3) + "}"
                    : deployment(fn, "faas/catservice", "", "{\"N\": \"" + i + "\"}", "{\"com.openfaas.scale.max\": \"2\"}");
            String method = i % 2 == 0 ? "POST" : "PUT";
            String path = i % 2 == 0 ? "/system/scale-function/" + fn : "/system/functions";
            racing.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return status(gw.api(method, path, body));
                } catch (IOException | InterruptedException e) {
                    return -1;
                }
            }));
        }
        for (var change : racing) {
            assertEquals(200, change.get(30, java.util.concurrent.TimeUnit.SECONDS), "every concurrent change succeeds");
        }
        assertEquals(200, status(gw.api("DELETE", "/system/functions", "{\"functionName\": \"" + fn + "\"}")));
    }

    @Test
    @Order(5)
    void aFunctionCannotTakeANameThePlatformAnswersToNorJoinAStack() throws Exception {
        // The test stack's gateway is <stack>_gateway, with the alias "gateway" on the functions network.
        HttpResponse<String> hijack = gw.api("POST", "/system/functions", deployment("gateway", "faas/catservice", "",
                "{}", "{}"));
        assertEquals(400, hijack.statusCode(), hijack.body());
        assertTrue(hijack.body().contains("taken") && hijack.body().contains(stack.name + "_gateway"), hijack.body());
        assertEquals(400, status(gw.api("POST", "/system/functions", deployment("GATEWAY", "faas/catservice", "",
                "{}", "{}"))), "DNS ignores case");
        assertEquals(400, status(gw.api("POST", "/system/functions", deployment("tasks.gateway", "faas/catservice",
                "", "{}", "{}"))));
        String fn = stack.function("stacked");
        HttpResponse<String> stacked = gw.api("POST", "/system/functions", deployment(fn, "faas/catservice", "", "{}",
                "{\"com.docker.stack.namespace\": \"" + stack.name + "\"}"));
        assertEquals(400, stacked.statusCode(), stacked.body());
        assertTrue(stacked.body().contains("com.docker.stack.namespace"), stacked.body());
        for (String name : List.of("gateway", "GATEWAY", "tasks.gateway", fn)) {
            assertEquals("", Cli.run("docker", "service", "ls", "-q", "--filter", "name=" + name + "$"),
                    "a refused deploy creates no service: " + name);
        }
    }

    @Test
    @Order(6)
    void whatACallerMayAskForIsBounded() throws Exception {
        String fn = stack.function("bounds");
        HttpResponse<String> many = gw.api("POST", "/system/functions", deployment(fn, "faas/catservice", "", "{}",
                "{\"com.openfaas.scale.min\": \"10000\"}"));
        assertEquals(400, many.statusCode(), many.body());
        assertTrue(many.body().contains("max_replicas"), many.body());
        HttpResponse<String> inverted = gw.api("POST", "/system/functions", deployment(fn, "faas/catservice", "",
                "{}", "{\"com.openfaas.scale.min\": \"3\", \"com.openfaas.scale.max\": \"1\"}"));
        assertEquals(400, inverted.statusCode(), inverted.body());
        HttpResponse<String> tiny = gw.api("POST", "/system/functions", "{\"service\": \"" + fn + "\", \"image\": "
                + "\"faas/catservice\", \"limits\": {\"memory\": \"5Mi\"}}");
        assertEquals(400, tiny.statusCode(), tiny.body());
        assertTrue(tiny.body().contains("6 MiB"), tiny.body());
        assertEquals("", Cli.run("docker", "service", "ls", "-q", "--filter", "name=" + fn));

        StringBuilder alerts = new StringBuilder("{\"status\": \"firing\", \"alerts\": [");
        for (int i = 0; i < 5000; i++) {
            alerts.append(i == 0 ? "" : ",").append("{\"status\": \"firing\", \"labels\": {\"function_name\": \"nosuch-")
                    .append(i).append("\"}}");
        }
        long started = System.nanoTime();
        HttpResponse<String> flood = gw.api("POST", "/system/alert", alerts.append("]}").toString());
        System.out.printf("5,000 alerts for unknown functions answered in %d ms%n",
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        assertEquals(200, flood.statusCode(), flood.body());
        assertEquals(5000, JSON.readTree(flood.body()).size());
        assertEquals(200, status(gw.api("GET", "/system/functions", null)), "the API still serves");
    }

    @Test
    @Order(7)
    void whatOpenFaasClientsReadIsThereAndADeployIsKnownAtOnce() throws Exception {
        String fn = stack.function("known");
        assertEquals(202, status(gw.api("POST", "/system/functions", "{\"service\": \"" + fn + "\", \"image\": "
                + "\"faas/catservice\", \"limits\": {\"memory\": \"64m\"}, \"labels\": {\"dev.faas.test\": \""
                + stack.name + "\"}}")));
        int first = status(gw.call("POST", "/function/" + fn, "x", null));
        assertTrue(first == 503 || first == 200, "right after the deploy: not yet ready, never unknown: " + first);
        waitFor(fn + " answers", Duration.ofSeconds(60), () -> status(gw.call("POST", "/function/" + fn, "x", null)) == 200);

        JsonNode status = JSON.readTree(gw.api("GET", "/system/function/" + fn, null).body());
        assertFalse(status.has("envVars"), "no envVars: " + status);
        assertFalse(status.has("envProcess"), "the image's own fprocess: " + status);
        assertEquals("64Mi", status.path("limits").path("memory").asText(), status.toString());

        String metrics = gw.call("GET", "/metrics", null, null).body();
        assertTrue(metrics.contains("function_name=\"" + fn + "\""), "the call is counted");
        assertEquals(200, status(gw.api("DELETE", "/system/functions", "{\"functionName\": \"" + fn + "\"}")));
        assertEquals(404, status(gw.call("POST", "/function/" + fn, "x", null)), "a delete is known at once too");
        assertFalse(gw.call("GET", "/metrics", null, null).body().contains("function_name=\"" + fn + "\""),
                "a deleted function's series leave /metrics");

        JsonNode info = JSON.readTree(gw.api("GET", "/system/info", null).body());
        // The commit the image was built from: this checkout's (a build outside git reports "", as OpenFaaS does).
        String head = Cli.quietly("git", "rev-parse", "HEAD").strip();
        String built = head.matches("[0-9a-f]{40}") ? head : "";
        assertEquals(built, info.path("version").path("sha").asText().replace("-dirty", ""), info.toString());
        assertEquals(info.path("version").path("sha"), info.path("provider").path("version").path("sha"));

        String container = Cli.run("docker", "ps", "-q", "--filter", "label=com.docker.swarm.service.name="
                + stack.name + "_gateway").strip();
        waitFor("the gateway's container reports healthy", Duration.ofSeconds(30), () -> Cli.run("docker", "inspect",
                "--format", "{{.State.Health.Status}}", container).strip().equals("healthy"));
    }

    /**
     * A registry that wants a password, on a local port: the gateway looks the image up with the deploy's
     * registryAuth, pins it by digest and pulls it onto this node itself (a dockerd started by docker-ready.sh
     * never pulls for a task), and Swarm keeps the credentials for later tasks. Self-contained: its own registry,
     * image and function, all removed at the end.
     */
    @Test
    @Order(8)
    void anImageOnlyInAPasswordProtectedRegistryRunsWithRegistryAuth() throws Exception {
        Cli.requireImages(List.of("faas/registry"));
        String host = "127.0.0.1:" + freePort();
        String registry = "registry-" + stack.name;
        Path auth = Files.createTempDirectory("faas-registry-auth");
        Path config = Files.createTempDirectory("faas-docker-config");
        String user = "pusher";
        String pass = "pw-" + Long.toHexString(System.nanoTime());
        // bcrypt, the only hash the registry's htpasswd takes: Debian's perl crypt() (libxcrypt) makes $2b$ hashes.
        String hash = Cli.run("perl", "-e", "print crypt($ARGV[0], q($2b$05$) . $ARGV[1])", pass, bcryptSalt());
        assertTrue(hash.startsWith("$2b$05$") && hash.length() == 60, "perl's crypt made no bcrypt hash: " + hash);
        Files.writeString(auth.resolve("htpasswd"), user + ":" + hash + "\n");
        String repository = host + "/faas/private-" + stack.name;
        String image = repository + ":1";
        String registryAuth = base64(user + ":" + pass);
        String wrongPass = pass + "-wrong";
        String fn = stack.function("private");
        String greeting = "{\"GREETING\": \"private\"}";
        try {
            Cli.run("docker", "run", "-d", "--name", registry, "--label", "dev.faas.test=" + stack.name,
                    "-p", host + ":5000", "-v", auth + ":/auth:ro", "-e", "REGISTRY_AUTH=htpasswd",
                    "-e", "REGISTRY_AUTH_HTPASSWD_REALM=faas", "-e", "REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd",
                    "faas/registry");
            waitFor("the registry takes a login", Duration.ofSeconds(30), () -> Cli.quietly("docker", "--config",
                    config.toString(), "login", "-u", user, "-p", pass, host).contains("Login Succeeded"));
            Cli.run("docker", "tag", "faas/watchdog", image);
            Cli.run("docker", "--config", config.toString(), "push", image);
            Cli.run("docker", "rmi", image);
            assertTrue(Cli.quietly("docker", "image", "inspect", image).contains("failed"),
                    "only the registry has " + image);

            HttpResponse<String> noAuth = gw.api("POST", "/system/functions", deployment(fn, image, "env", greeting,
                    "{}"));
            assertEquals(400, noAuth.statusCode(), noAuth.body());
            assertTrue(noAuth.body().contains(image) && noAuth.body().contains("registryAuth"), noAuth.body());
            HttpResponse<String> wrong = gw.api("POST", "/system/functions", withRegistryAuth(deployment(fn, image,
                    "env", greeting, "{}"), base64(user + ":" + wrongPass)));
            assertEquals(400, wrong.statusCode(), wrong.body());
            assertTrue(wrong.body().contains("refused the credentials"), wrong.body());
            String missing = host + "/nosuch/x-" + stack.name + ":1";
            HttpResponse<String> nosuch = gw.api("POST", "/system/functions", withRegistryAuth(deployment(fn,
                    missing, "env", greeting, "{}"), registryAuth));
            assertEquals(400, nosuch.statusCode(), nosuch.body());
            assertTrue(nosuch.body().contains(missing) && nosuch.body().contains("exists neither"), nosuch.body());
            for (HttpResponse<String> refused : List.of(noAuth, wrong, nosuch)) {
                assertFalse(refused.body().contains(pass) || refused.body().contains(registryAuth),
                        "no credentials in an answer: " + refused.body());
            }
            assertEquals("", Cli.run("docker", "service", "ls", "-q", "--filter", "name=" + fn),
                    "a refused deploy creates no service");

            HttpResponse<String> deployed = gw.api("POST", "/system/functions", withRegistryAuth(deployment(fn, image,
                    "env", greeting, "{}"), registryAuth));
            assertEquals(202, deployed.statusCode(), deployed.body());
            String runs = Cli.run("docker", "service", "inspect", "--format",
                    "{{.Spec.TaskTemplate.ContainerSpec.Image}}", fn);
            assertTrue(runs.startsWith(image + "@sha256:"), "the service runs the registry's digest: " + runs);
            Cli.run("docker", "image", "inspect", "-f", "{{.Id}}", runs); // the gateway pulled it onto this node
            waitFor(fn + " answers", Duration.ofSeconds(60), () -> gw.invoke(fn).contains("GREETING=private"));
            JsonNode status = JSON.readTree(gw.api("GET", "/system/function/" + fn, null).body());
            assertEquals(image, status.path("image").asText(), "reported as named, without the pin: " + status);
            waitFor("the pull is logged", Duration.ofSeconds(20), () -> Cli.quietly("docker", "service", "logs",
                    stack.name + "_gateway").contains("event=image_pulled image=" + runs + " seconds="));
            String log = Cli.quietly("docker", "service", "logs", stack.name + "_gateway");
            assertFalse(log.contains(pass) || log.contains(registryAuth), "no credentials in the gateway's log");

            // An update looks the image up again, so it needs the credentials again (Swarm does not give back the
            // ones it keeps); refused, the function runs on as it was.
            HttpResponse<String> updateNoAuth = gw.api("PUT", "/system/functions", deployment(fn, image, "env",
                    "{\"GREETING\": \"again\"}", "{}"));
            assertEquals(400, updateNoAuth.statusCode(), updateNoAuth.body());
            assertTrue(updateNoAuth.body().contains("registryAuth"), updateNoAuth.body());
            assertTrue(gw.invoke(fn).contains("GREETING=private"));
            HttpResponse<String> updated = gw.api("PUT", "/system/functions", withRegistryAuth(deployment(fn, image,
                    "env", "{\"GREETING\": \"again\"}", "{}"), registryAuth));
            assertEquals(200, updated.statusCode(), updated.body());
            waitFor("the update is served", Duration.ofSeconds(60), () -> gw.invoke(fn).contains("GREETING=again"));
            assertTrue(Cli.run("docker", "service", "inspect", "--format",
                    "{{.Spec.TaskTemplate.ContainerSpec.Image}}", fn).startsWith(image + "@sha256:"));

            // A scale sends no credentials: Swarm keeps the stored ones for the new task (on a dockerd that pulls
            // for tasks, it pulls with them; here the node has the image).
            HttpResponse<String> scaled = gw.api("POST", "/system/scale-function/" + fn, "{\"replicas\": 2}");
            assertEquals(200, scaled.statusCode(), scaled.body());
            waitFor("2 replicas available", Duration.ofSeconds(60), () -> {
                JsonNode f = JSON.readTree(gw.api("GET", "/system/function/" + fn, null).body());
                return f.path("replicas").asInt() == 2 && f.path("availableReplicas").asInt() == 2;
            });
            assertEquals(200, status(gw.api("DELETE", "/system/functions", "{\"functionName\": \"" + fn + "\"}")));
        } finally {
            Cli.quietly("docker", "service", "rm", fn);
            Cli.quietly("docker", "rm", "-f", "-v", registry); // -v: the image declares a volume
            Cli.quietly("docker", "rmi", image);
            // The pulled pin: removing the reference only (faas/watchdog keeps the image).
            for (String pin : Cli.quietly("docker", "image", "ls", "--digests", "--format",
                    "{{.Repository}}@{{.Digest}}", repository).lines().toList()) {
                if (pin.startsWith(repository + "@sha256:")) {
                    Cli.quietly("docker", "rmi", pin.strip());
                }
            }
            removeTree(auth);
            removeTree(config);
        }
    }

    /** The deployment with OpenFaaS's registryAuth field (base64 user:password). */
    private static String withRegistryAuth(String deployment, String registryAuth) {
        return deployment.replaceFirst("\\{", "{\"registryAuth\": \"" + registryAuth + "\", ");
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** bcrypt's salt: 22 characters of ./A-Za-z0-9. */
    private static String bcryptSalt() {
        String alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder salt = new StringBuilder();
        for (int i = 0; i < 22; i++) {
            salt.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return salt.toString();
    }

    /** A port nothing listens on (free a moment ago). */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void removeTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory left behind is no test result
        }
    }
}

package dev.faas.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Code to a running function on the real stack: Blueprint SDK's Custom FaaS Platform Spec (its own curl sequence,
 * with curl), and the builder's /system/builds (a Dockerfile context, a template handler, a failed build, an
 * unchanged second build). Every function here is built by the gateway through the Docker Engine API and pushed to
 * the stack's registry.
 */
class BlueprintIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Echoes the invoke request's args as its result: the spec's example bootstrap, in busybox sh. */
    private static final String ECHO = "#!/bin/sh\nread -r line\n"
            + "printf '%s' \"$line\" | sed -e 's/\"args\"/\"result\"/' -e 's/}$/,\"success\":true}/'\n";

    private static BringUp stack;
    private static Path dir;
    private static String auth;
    private static String base;

    @BeforeAll
    static void bringUpTheStack() throws IOException {
        dir = Files.createTempDirectory("blueprint-it");
        stack = new BringUp("bp");
        stack.upOrFail();
        auth = "admin:" + stack.password();
        base = "http://127.0.0.1:" + stack.gatewayPort;
    }

    @AfterAll
    static void removeEverything() throws IOException {
        try {
            if (stack != null) {
                // What the tests deployed through the API is not the stack's: it goes first, or the network stays.
                GatewayClient admin = new GatewayClient(stack.gatewayPort);
                for (String f : List.of("bp-echo", "bp-slow", "http-job-5", "bp-docker", "bp-python", "bp-bearer")) {
                    admin.api("DELETE", "/system/functions", "{\"functionName\":\"" + f + "\"}", "admin", stack.password());
                }
                stack.close();
            }
        } finally {
            for (String image : Cli.docker("image", "ls", "--format", "{{.Repository}}:{{.Tag}}").split("\n")) {
                if (image.contains("faas-fn/bp-") || image.contains("faas-fn/http-job-")) {
                    Cli.run(ProjectFiles.root(), Map.of(), Duration.ofSeconds(30), "docker", "image", "rm", "-f", image);
                }
            }
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * A gateway that starts removes what earlier builds left: here two images labelled as built for this stack that
     * no tag names any more (the first of two builds under one tag), while another stack's stays.
     */
    @Test
    void aRestartedGatewayReapsTheStacksUntaggedBuiltImagesAndNoOneElses() throws Exception {
        String ours = "dev.faas.built-for=" + stack.stack + "_functions";
        String theirs = "dev.faas.built-for=" + stack.stack + "-other_functions";
        String oursOld = untaggedBuild("faas-fn/bp-reap:1", ours);
        String theirsOld = untaggedBuild("faas-fn/bp-reap-other:1", theirs);
        try {
            Cli.Result update = Cli.run(ProjectFiles.root(), Map.of(), Duration.ofSeconds(120), "docker", "service", "update",
                    "-q", "--force", stack.service("gateway"));
            assertEquals(0, update.exitCode(), update.output());
            waitFor(Duration.ofSeconds(60), () -> !imageExists(oursOld));
            assertTrue(imageExists(theirsOld), "another stack's image stays");
            waitFor(Duration.ofSeconds(60), () -> Cli.run(ProjectFiles.root(), Map.of(), Duration.ofSeconds(10), "curl", "-sf",
                    "-o", "/dev/null", base + "/healthz").ok());
        } finally {
            Cli.run(ProjectFiles.root(), Map.of(), Duration.ofSeconds(30), "docker", "image", "rm", "-f", oursOld, theirsOld,
                    "faas-fn/bp-reap:1", "faas-fn/bp-reap-other:1");
        }
    }

    /** Builds {@code tag} twice with different content: the first build's image id, untagged now. */
    private static String untaggedBuild(String tag, String label) throws IOException {
        String first = null;
        for (String content : List.of("a", "b")) {
            Path context = Files.createDirectories(dir.resolve("reap-" + tag.hashCode() + content));
            Files.writeString(context.resolve("Dockerfile"), "FROM faas/watchdog\nLABEL reap.test=" + content + "\n");
            Cli.docker("build", "-q", "--label", label, "-t", tag, context.toString());
            if (first == null) {
                first = Cli.docker("image", "inspect", "-f", "{{.Id}}", tag);
            }
        }
        assertTrue(imageExists(first));
        return first;
    }

    private static boolean imageExists(String id) {
        return Cli.run(ProjectFiles.root(), Map.of(), Duration.ofSeconds(30), "docker", "image", "inspect", id).ok();
    }

    @Test
    void theSpecsCurlSequenceDeploysInvokesChecksWarmsAndUndeploys() throws Exception {
        Path zip = zip("echo.zip", Map.of("bootstrap", ECHO));
        String config = Base64.getEncoder().encodeToString(
                "{\"memory_mb\":128,\"timeout_secs\":30,\"max_concurrency\":100}".getBytes(StandardCharsets.UTF_8));
        long started = System.nanoTime();
        Reply deploy = curl("-X", "PUT", base + "/api/functions/bp-echo", "-H", "Content-Type: application/zip",
                "-H", "X-Blueprint-Config: " + config, "--data-binary", "@" + zip);
        assertEquals(200, deploy.status, deploy.body);
        JsonNode deployed = JSON.readTree(deploy.body);
        assertEquals("deployed", deployed.path("status").asText(), deploy.body);
        assertEquals("bp-echo", deployed.path("function_id").asText());
        assertEquals(128, deployed.path("memory_mb").asInt());
        assertEquals(30, deployed.path("timeout_secs").asInt());
        assertTrue(deployed.path("endpoint").asText().endsWith("/api/functions/bp-echo/invoke"), deploy.body);

        Reply invoke = curl("-X", "POST", base + "/api/functions/bp-echo/invoke", "-H", "Content-Type: application/json",
                "-d", "{\"job_id\":7,\"args\":[104,105]}");
        System.out.printf("BlueprintIT: upload -> first successful invoke of a bootstrap zip: %.1fs (cold start %s ms)%n",
                (System.nanoTime() - started) / 1e9, deployed.path("cold_start_ms").asText());
        assertEquals(200, invoke.status, invoke.body);
        JsonNode result = JSON.readTree(invoke.body);
        assertEquals(7, result.path("job_id").asInt(), invoke.body);
        assertEquals("[104,105]", result.path("result").toString(), invoke.body);
        assertTrue(result.path("success").asBoolean(), invoke.body);
        assertTrue(result.has("execution_ms"), invoke.body);

        Reply health = curl(base + "/api/functions/bp-echo/health");
        assertEquals(200, health.status, health.body);
        assertEquals("healthy", JSON.readTree(health.body).path("status").asText(), health.body);
        assertTrue(JSON.readTree(health.body).path("total_invocations").asLong() >= 1, health.body);

        Reply info = curl(base + "/api/functions/bp-echo");
        assertEquals(200, info.status, info.body);
        assertEquals(128, JSON.readTree(info.body).path("memory_mb").asInt(), info.body);
        assertTrue(JSON.readTree(info.body).path("binary_size_bytes").asLong() > 0, info.body);

        Reply warm = curl("-X", "POST", base + "/api/functions/bp-echo/warm");
        assertEquals(200, warm.status, warm.body);
        assertEquals("warm", JSON.readTree(warm.body).path("status").asText(), warm.body);

        Reply listed = curl(base + "/system/functions");
        assertTrue(listed.body.contains("\"bp-echo\""), "an ordinary function, listed: " + listed.body);

        Reply again = curl("-X", "PUT", base + "/api/functions/bp-echo", "--data-binary", "@" + zip);
        assertEquals(409, again.status, again.body);
        assertEquals("Function already exists", JSON.readTree(again.body).path("error").asText(), again.body);

        Reply undeploy = curl("-X", "DELETE", base + "/api/functions/bp-echo");
        assertEquals(200, undeploy.status, undeploy.body);
        assertEquals("deleted", JSON.readTree(undeploy.body).path("status").asText());
        waitFor(Duration.ofSeconds(30), () -> curl("-X", "POST", base + "/api/functions/bp-echo/invoke",
                "-d", "{\"job_id\":1,\"args\":[]}").status == 404);
    }

    @Test
    void aBearerKeyFromTheStacksSecretReachesTheBlueprintFunctionsAndNothingElse() throws Exception {
        String key = "Authorization: Bearer " + stack.blueprintKey();
        Reply deploy = bearer(key, "-X", "PUT", base + "/api/functions/bp-bearer", "--data-binary",
                "@" + zip("bearer.zip", Map.of("bootstrap", ECHO)));
        assertEquals(200, deploy.status, deploy.body);
        Reply invoke = bearer(key, "-X", "POST", base + "/api/functions/bp-bearer/invoke", "-d", "{\"job_id\":2,\"args\":[9]}");
        assertEquals(200, invoke.status, invoke.body);
        assertEquals("[9]", JSON.readTree(invoke.body).path("result").toString(), invoke.body);
        Reply wrong = bearer("Authorization: Bearer not-the-key-at-all-0000", base + "/api/functions/bp-bearer");
        assertEquals(401, wrong.status, wrong.body);
        assertEquals("UNAUTHORIZED", JSON.readTree(wrong.body).path("code").asText(), wrong.body);
        Reply other = bearer(key, base + "/api/functions/catservice");
        assertEquals(404, other.status, "a key reaches only the Blueprint door's functions: " + other.body);
        assertEquals(401, bearer(key, base + "/system/functions").status, "a key is not the admin's password");
        assertEquals(401, bearer("X-None: 1", base + "/api/functions/bp-bearer").status, "no credentials");
        assertEquals(200, bearer(key, "-X", "DELETE", base + "/api/functions/bp-bearer").status);
    }

    /** curl with the given header instead of the admin's basic auth. */
    private static Reply bearer(String header, String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-H", header, "-w", "\n%{http_code}"));
        command.addAll(List.of(args));
        Cli.Result r = Cli.run(ProjectFiles.root(), Map.of(), Duration.ofSeconds(320), command.toArray(String[]::new));
        int cut = r.output().lastIndexOf('\n');
        assertTrue(r.ok() && cut >= 0, r.output());
        return new Reply(Integer.parseInt(r.output().substring(cut + 1).strip()), r.output().substring(0, cut));
    }

    @Test
    void unknownFunctionsAre404sInTheSpecsShape() throws Exception {
        for (String[] call : List.of(new String[] {"POST", "/api/functions/bp-none/invoke"},
                new String[] {"GET", "/api/functions/bp-none/health"}, new String[] {"GET", "/api/functions/bp-none"},
                new String[] {"DELETE", "/api/functions/bp-none"}, new String[] {"POST", "/api/functions/bp-none/warm"},
                new String[] {"POST", "/job/424242"})) {
            Reply r = curl("-X", call[0], base + call[1], "-d", "{\"job_id\":1,\"args\":[]}");
            assertEquals(404, r.status, call[0] + " " + call[1] + ": " + r.body);
            assertEquals("NOT_FOUND", JSON.readTree(r.body).path("code").asText(), r.body);
        }
    }

    @Test
    void aZipSlipArchiveIsRefusedAndNothingIsDeployed() throws Exception {
        Path zip = zip("slip.zip", Map.of("bootstrap", ECHO, "../../../../tmp/bp-slipped", "gotcha"));
        Reply r = curl("-X", "PUT", base + "/api/functions/bp-slip", "--data-binary", "@" + zip);
        assertEquals(400, r.status, r.body);
        assertTrue(JSON.readTree(r.body).path("error").asText().contains("leaves it"), r.body);
        assertEquals(404, curl(base + "/api/functions/bp-slip").status);
        assertEquals("", Cli.docker("service", "ls", "-q", "--filter", "name=bp-slip"));
    }

    @Test
    void aConfigOutsideTheSpecsRangesIsA400() throws Exception {
        String config = Base64.getEncoder().encodeToString("{\"memory_mb\":100}".getBytes(StandardCharsets.UTF_8));
        Reply r = curl("-X", "PUT", base + "/api/functions/bp-range", "-H", "X-Blueprint-Config: " + config,
                "--data-binary", "@" + zip("range.zip", Map.of("bootstrap", ECHO)));
        assertEquals(400, r.status, r.body);
        assertEquals("memory_mb", JSON.readTree(r.body).path("details").path("field").asText(), r.body);
    }

    @Test
    void aBootstrapThatOutrunsItsTimeoutIsA500WithSuccessFalse() throws Exception {
        String config = Base64.getEncoder().encodeToString("{\"timeout_secs\":1}".getBytes(StandardCharsets.UTF_8));
        Reply deploy = curl("-X", "PUT", base + "/api/functions/bp-slow", "-H", "X-Blueprint-Config: " + config,
                "--data-binary", "@" + zip("slow.zip", Map.of("bootstrap", "#!/bin/sh\ncat >/dev/null\nsleep 10\n")));
        assertEquals(200, deploy.status, deploy.body);
        long started = System.nanoTime();
        Reply r = curl("-X", "POST", base + "/api/functions/bp-slow/invoke", "-d", "{\"job_id\":3,\"args\":[1]}");
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(500, r.status, r.body);
        JsonNode answer = JSON.readTree(r.body);
        assertFalse(answer.path("success").asBoolean(true), r.body);
        assertEquals(3, answer.path("job_id").asInt(), r.body);
        assertEquals("[]", answer.path("result").toString(), r.body);
        assertTrue(seconds < 8, "the timeout ended it, not the sleep: " + seconds + " s");
        curl("-X", "DELETE", base + "/api/functions/bp-slow");
    }

    @Test
    void theSdkExecutorsJobEndpointRunsTheFunctionNamedForTheJob() throws Exception {
        Reply deploy = curl("-X", "PUT", base + "/api/functions/http-job-5", "--data-binary",
                "@" + zip("job.zip", Map.of("bootstrap", ECHO)));
        assertEquals(200, deploy.status, deploy.body);
        Reply head = curl("-I", base + "/job/5");
        assertEquals(200, head.status, head.body);
        Reply job = curl("-X", "POST", base + "/job/5", "-H", "Content-Type: application/json",
                "-d", "{\"job_id\":5,\"args\":[1,2,3]}");
        assertEquals(200, job.status, job.body);
        assertEquals("[1,2,3]", JSON.readTree(job.body).path("result").toString(), job.body);
        curl("-X", "DELETE", base + "/api/functions/http-job-5");
    }

    @Test
    void aDockerfileContextIsBuiltDeployedAndAnUnchangedSecondBuildRebuildsAndRollsNothing() throws Exception {
        Path ctx = Files.createDirectories(dir.resolve("ctx-v1"));
        Files.writeString(ctx.resolve("Dockerfile"), "ARG WATCHDOG_IMAGE=faas/watchdog\nFROM ${WATCHDOG_IMAGE}\n"
                + "COPY answer.txt /home/app/answer.txt\nENV fprocess=\"cat /home/app/answer.txt\"\n");
        Files.writeString(ctx.resolve("answer.txt"), "version one\n");
        Reply first = build("bp-docker", ctx, "");
        JsonNode done = last(first);
        assertEquals("done", done.path("event").asText(), first.body);
        assertTrue(done.path("built").asBoolean(), first.body);
        assertEquals("created", done.path("action").asText(), first.body);
        assertTrue(first.body.contains("\"event\":\"log\""), "the build log is streamed: " + first.body);
        assertEquals("version one\n", call("bp-docker"));

        Reply second = build("bp-docker", ctx, "");
        JsonNode same = last(second);
        assertFalse(same.path("built").asBoolean(true), second.body);
        assertEquals("unchanged", same.path("action").asText(), second.body);

        Files.writeString(ctx.resolve("Dockerfile"), Files.readString(ctx.resolve("Dockerfile")) + "RUN false\n");
        Reply broken = build("bp-docker", ctx, "");
        JsonNode failed = last(broken);
        assertEquals("failed", failed.path("event").asText(), broken.body);
        assertEquals(422, failed.path("status").asInt(), broken.body);
        assertTrue(failed.path("log_tail").asText().contains("RUN false"), broken.body);
        assertEquals("version one\n", call("bp-docker"), "the running version is untouched");
    }

    @Test
    void aPythonHandlerIsBuiltIntoItsTemplate() throws Exception {
        Path handler = Files.createDirectories(dir.resolve("py"));
        Files.writeString(handler.resolve("handler.py"), "def handle(req):\n    return 'py says ' + req\n");
        long started = System.nanoTime();
        Reply r = build("bp-python", handler, "python3");
        assertEquals("done", last(r).path("event").asText(), r.body);
        assertEquals("py says hi", call("bp-python", "hi"));
        System.out.printf("BlueprintIT: upload -> first successful call of a python3 handler: %.1fs%n",
                (System.nanoTime() - started) / 1e9);
    }

    private static Reply build(String name, Path context, String lang) {
        Path tgz = dir.resolve(name + "-" + System.nanoTime() + ".tgz");
        Cli.Result tar = Cli.run(context, Map.of(), Duration.ofSeconds(30), "tar", "-czf", tgz.toString(), ".");
        assertTrue(tar.ok(), tar.output());
        return curl("-X", "POST", base + "/system/builds?name=" + name + (lang.isEmpty() ? "" : "&lang=" + lang),
                "-u", auth, "-H", "Accept: application/x-ndjson", "-H", "Content-Type: application/gzip",
                "--data-binary", "@" + tgz, "--max-time", "300");
    }

    private static JsonNode last(Reply r) throws IOException {
        assertEquals(200, r.status, r.body);
        String[] lines = r.body.strip().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    private static String call(String function) {
        return call(function, "");
    }

    private static String call(String function, String body) {
        Reply r = curl("-X", "POST", base + "/function/" + function, "--data-binary", body);
        assertEquals(200, r.status, function + ": " + r.body);
        return r.body;
    }

    record Reply(int status, String body) {}

    /** curl itself, as a user runs it; the status from -w on a last line of its own. */
    private static Reply curl(String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-u", auth, "-w", "\n%{http_code}"));
        command.addAll(List.of(args));
        Cli.Result r = Cli.run(ProjectFiles.root(), Map.of(), Duration.ofSeconds(320), command.toArray(String[]::new));
        String out = r.output();
        int cut = out.lastIndexOf('\n');
        String code = out.substring(cut + 1).strip();
        if (!r.ok() || !code.matches("\\d{3}")) {
            throw new AssertionError("curl " + String.join(" ", args) + " failed (exit " + r.exitCode() + "): " + out);
        }
        String body = out.substring(0, cut);
        if (args[0].equals("-I")) {
            body = body.lines().findFirst().orElse("");
        }
        return new Reply(Integer.parseInt(code), body);
    }

    private static Path zip(String name, Map<String, String> files) throws IOException {
        Path zip = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                z.putNextEntry(new ZipEntry(f.getKey()));
                z.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return zip;
    }

    private static void waitFor(Duration limit, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit.toSeconds() + " s");
            }
            Thread.sleep(250);
        }
    }
}

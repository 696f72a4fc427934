package dev.faas.gateway.provider.swarm;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ManagementException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageResolverTest {
    private static final String IMAGE = "127.0.0.1:5000/faas/x:1";
    private static final String DIGEST = "sha256:" + "ab".repeat(32);
    private static final String AUTH = Base64.getEncoder().encodeToString("alice:hunter2".getBytes(StandardCharsets.UTF_8));
    private static final Duration PULL_TIMEOUT = Duration.ofMinutes(2);
    /** What the pull's path is for {@link #IMAGE} pinned: the repository, and the digest as the tag. */
    private static final String PULL = "/images/create?fromImage=127.0.0.1%3A5000%2Ffaas%2Fx&tag=sha256%3A"
            + "ab".repeat(32);
    /** dockerd 20.10's progress for a pull by digest, as it streams it (lines end in CRLF). */
    private static final String PULLED = String.join("\r\n",
            "{\"status\":\"Pulling from faas/x\",\"id\":\"" + DIGEST + "\"}",
            "{\"status\":\"Pulling fs layer\",\"progressDetail\":{},\"id\":\"5d20c808ce19\"}",
            "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":1024,\"total\":2048},"
                    + "\"progress\":\"[=====>     ]  1.024kB/2.048kB\",\"id\":\"5d20c808ce19\"}",
            "{\"status\":\"Pull complete\",\"progressDetail\":{},\"id\":\"5d20c808ce19\"}",
            "{\"status\":\"Digest: " + DIGEST + "\"}",
            "{\"status\":\"Status: Downloaded newer image for " + IMAGE + "@" + DIGEST + "\"}", "");

    /**
     * A fake engine: the image's local inspect answers {@code local}, the registry lookup {@code remote}, the pull
     * streams {@code pullStatus} and the lines {@code pulled} (read as {@link DockerRest} reads them).
     */
    private static class Engine implements ImageResolver.Engine {
        final List<String> paths = new ArrayList<>();
        final List<Map<String, String>> headers = new ArrayList<>();
        final List<Duration> deadlines = new ArrayList<>();
        DockerRest.Reply local = reply(404, "{\"message\":\"No such image: " + IMAGE + "\"}");
        DockerRest.Reply remote = reply(200, "{\"Descriptor\":{\"mediaType\":\"application/vnd.docker.distribution"
                + ".manifest.v2+json\",\"digest\":\"" + DIGEST + "\",\"size\":528},\"Platforms\":[]}");
        boolean registryTimesOut;
        int pullStatus = 200;
        String pulled = PULLED;
        IOException pullFails;

        @Override
        public DockerRest.Reply get(String path, Map<String, String> h) throws IOException {
            paths.add(path);
            headers.add(h);
            if (path.startsWith("/images/")) {
                return local;
            }
            if (registryTimesOut) {
                throw new IOException("docker did not answer within 5000 ms");
            }
            return remote;
        }

        @Override
        public DockerRest.Progress post(String path, Map<String, String> h, Duration deadline) throws IOException {
            paths.add(path);
            headers.add(h);
            deadlines.add(deadline);
            if (pullFails != null) {
                throw pullFails;
            }
            return DockerRest.progress(pullStatus, new ByteArrayInputStream(pulled.getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static ImageResolver resolver(ImageResolver.Engine engine) {
        return new ImageResolver(engine, PULL_TIMEOUT);
    }

    private static DockerRest.Reply reply(int status, String json) {
        try {
            JsonNode body = json == null ? MissingNode.getInstance() : DockerRest.JSON.readTree(json);
            return new DockerRest.Reply(status, body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String refusal(Engine engine, String registryAuth) {
        ManagementException e = assertThrows(ManagementException.class,
                () -> resolver(engine).resolve(IMAGE, registryAuth));
        assertEquals(Reason.INVALID, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(IMAGE), "names the image: " + e.getMessage());
        assertFalse(e.getMessage().contains("hunter2") || e.getMessage().contains(AUTH), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void anImageOnTheManagerIsTakenAsItIsWithoutAskingAnyRegistry() throws Exception {
        Engine engine = new Engine();
        engine.local = reply(200, "{\"Id\":\"sha256:1\"}");
        ImageResolver.Resolved r = resolver(engine).resolve(IMAGE, "");
        assertEquals(IMAGE, r.image());
        assertTrue(r.local());
        assertEquals(List.of("/images/" + IMAGE + "/json"), engine.paths, "no /distribution call at all");
        assertEquals(Map.of(), engine.headers.get(0), "no credentials on the local inspect");
    }

    @Test
    void aLocalImagePushedToItsRegistryIsPinnedByThatDigestWithoutAskingIt() throws Exception {
        Engine engine = new Engine();
        engine.local = reply(200, "{\"Id\":\"sha256:1\",\"RepoDigests\":[\"faas/x@sha256:" + "cd".repeat(32)
                + "\",\"127.0.0.1:5000/faas/x@" + DIGEST + "\"]}");
        ImageResolver.Resolved r = resolver(engine).resolve(IMAGE, "");
        assertEquals(IMAGE + "@" + DIGEST, r.image(), "the digest of the registry the image names, not another's");
        assertEquals(List.of("/images/" + IMAGE + "/json"), engine.paths, "no /distribution call, no pull");
    }

    @Test
    void aLocalImageAlreadyPinnedOrNeverPushedStaysAsItIs() throws Exception {
        JsonNode pushed = DockerRest.JSON.readTree("{\"RepoDigests\":[\"127.0.0.1:5000/faas/x@" + DIGEST + "\"]}");
        String own = "127.0.0.1:5000/faas/x@sha256:" + "ef".repeat(32);
        assertEquals(own, ImageResolver.pushedAs(own, pushed));
        assertEquals("faas/built-here", ImageResolver.pushedAs("faas/built-here",
                DockerRest.JSON.readTree("{\"RepoDigests\":[]}")));
        assertEquals("127.0.0.1:5000/faas/xy:1", ImageResolver.pushedAs("127.0.0.1:5000/faas/xy:1", pushed),
                "a digest of another repository is not this image's");
    }

    @Test
    void credentialsGivenForALocalImageStillGoToSwarmForTheOtherNodes() throws Exception {
        Engine engine = new Engine();
        engine.local = reply(200, "{}");
        ImageResolver.Resolved r = resolver(engine).resolve(IMAGE, AUTH);
        assertTrue(r.auth().given());
        assertEquals(1, engine.paths.size());
    }

    @Test
    void anImageOnlyInItsRegistryIsPinnedByTheDigestItAnswered() throws Exception {
        Engine engine = new Engine();
        ImageResolver.Resolved r = resolver(engine).resolve(IMAGE, AUTH);
        assertEquals(IMAGE + "@" + DIGEST, r.image());
        assertFalse(r.local());
        assertEquals("/distribution/" + IMAGE + "/json", engine.paths.get(1));
        assertEquals(r.auth().headers(), engine.headers.get(1), "the lookup carries the credentials");
        assertTrue(engine.headers.get(1).containsKey("X-Registry-Auth"));
    }

    /** A dockerd that prefers its own images never pulls for a task: the manager must have it before the create. */
    @Test
    void anImageOnlyInItsRegistryIsPulledOntoTheManagerByTheDigestItIsPinnedTo() throws Exception {
        Engine engine = new Engine();
        ImageResolver.Resolved r = resolver(engine).resolve(IMAGE, AUTH);
        assertEquals(List.of("/images/" + IMAGE + "/json", "/distribution/" + IMAGE + "/json", PULL), engine.paths,
                "by digest, never by tag: the next deploy of the tag asks the registry again");
        assertEquals(r.auth().headers(), engine.headers.get(2), "the pull carries the same credentials");
        assertEquals(List.of(PULL_TIMEOUT), engine.deadlines, "image_pull_timeout, not docker_timeout");
        assertEquals(IMAGE + "@" + DIGEST, r.image());
    }

    @Test
    void aUsersOwnPinIsPulledByThatDigest() throws Exception {
        Engine engine = new Engine();
        String pinned = "127.0.0.1:5000/faas/x@" + DIGEST;
        assertEquals(pinned, resolver(engine).resolve(pinned, "").image());
        assertEquals(PULL, engine.paths.get(2));
        assertEquals(Map.of(), engine.headers.get(2), "no credentials given, none sent");
    }

    @Test
    void aLocalImageIsNeverPulled() throws Exception {
        Engine engine = new Engine();
        engine.local = reply(200, "{}");
        resolver(engine).resolve(IMAGE, AUTH);
        assertTrue(engine.deadlines.isEmpty(), engine.paths.toString());
    }

    @Test
    void anErrorLineInThePullsProgressIsA400WithDockersWords() {
        Engine engine = new Engine();
        engine.pulled = PULLED.substring(0, PULLED.indexOf("{\"status\":\"Pull complete"))
                + "{\"errorDetail\":{\"message\":\"failed to register layer: write /usr/bin/x: no space left on "
                + "device\"},\"error\":\"failed to register layer: write /usr/bin/x: no space left on device\"}\r\n";
        String m = refusal(engine, AUTH);
        assertTrue(m.contains("pulling it onto this node failed"), m);
        assertTrue(m.contains("no space left on device"), "Docker's words: " + m);
        assertTrue(m.contains("then deploy again"), "what to do: " + m);
    }

    @Test
    void anErrorLineWithOnlyItsDetailFailsAndOtherLinesDoNot() {
        Engine engine = new Engine();
        engine.pulled = "{\"status\":\"Pulling from faas/x\"}\r\n"
                + "{\"errorDetail\":{\"message\":\"unexpected EOF\"}}\r\n";
        assertTrue(refusal(engine, "").contains("(unexpected EOF)"));
        engine.pulled = "{\"status\":\"Pulling from faas/x\"}\r\nnot json\r\n\r\n"
                + "{\"status\":\"Status: Image is up to date\"}";
        assertEquals(IMAGE + "@" + DIGEST, assertDoesNotThrow(() -> resolver(engine).resolve(IMAGE, "")).image(),
                "a line that is not JSON is no error");
    }

    @Test
    void aPullTheEngineRefusesBeforeStreamingIsA400WithItsMessage() {
        Engine engine = new Engine();
        engine.pullStatus = 500;
        engine.pulled = "{\"message\":\"Get \\\"http://127.0.0.1:5000/v2/\\\": dial tcp 127.0.0.1:5000: connect: "
                + "connection refused\"}";
        String m = refusal(engine, AUTH);
        assertTrue(m.contains("connection refused"), m);
        assertTrue(m.contains("pulling it onto this node failed"), m);
    }

    @Test
    void aPullPastImagePullTimeoutIsA503ThatSaysWhatToDo() {
        Engine engine = new Engine();
        engine.pullFails = new DockerApi.DeadlinePassed(PULL_TIMEOUT);
        ManagementException e = assertThrows(ManagementException.class, () -> resolver(engine).resolve(IMAGE, AUTH));
        assertEquals(Reason.TIMED_OUT, e.reason());
        assertEquals("pulling image " + IMAGE + "@" + DIGEST + " took longer than image_pull_timeout (120s); nothing "
                + "was deployed or changed: try again, or pull it on the manager first (docker pull " + IMAGE + "@"
                + DIGEST + "), or raise image_pull_timeout", e.getMessage());
        assertFalse(e.getMessage().contains("hunter2") || e.getMessage().contains(AUTH));
    }

    @Test
    void anEngineLostDuringThePullIsUnavailable() {
        Engine engine = new Engine();
        engine.pullFails = new IOException("Broken pipe");
        assertEquals(Reason.UNAVAILABLE, assertThrows(ManagementException.class,
                () -> resolver(engine).resolve(IMAGE, "")).reason());
    }

    @Test
    void thePullNamesTheRepositoryWithoutItsTag() {
        assertEquals("127.0.0.1:5000/faas/x", ImageResolver.repository("127.0.0.1:5000/faas/x:1"));
        assertEquals("127.0.0.1:5000/faas/x", ImageResolver.repository("127.0.0.1:5000/faas/x"));
        assertEquals("localhost:5000/x", ImageResolver.repository("localhost:5000/x"));
        assertEquals("faas/x", ImageResolver.repository("faas/x:latest"));
        assertEquals("busybox", ImageResolver.repository("busybox:1.36"));
    }

    @Test
    void withoutRegistryAuthTheLookupCarriesNoHeader() throws Exception {
        Engine engine = new Engine();
        resolver(engine).resolve(IMAGE, null);
        assertEquals(Map.of(), engine.headers.get(1));
    }

    @Test
    void malformedRegistryAuthIsRefusedBeforeAnyEngineCall() {
        Engine engine = new Engine();
        String m = assertThrows(ManagementException.class, () -> resolver(engine).resolve(IMAGE, "%%%"))
                .getMessage();
        assertTrue(m.startsWith("registryAuth is not base64 user:password"), m);
        assertEquals(List.of(), engine.paths);
    }

    @Test
    void refusedCredentialsSaySoWithoutShowingThem() {
        Engine engine = new Engine();
        engine.remote = reply(401, "{\"message\":\"unauthorized: authentication required\"}");
        String m = refusal(engine, AUTH);
        assertTrue(m.contains("refused the credentials (registryAuth)"), m);
        assertTrue(m.contains("127.0.0.1:5000"), "names the registry: " + m);
        engine.remote = reply(403, "{\"message\":\"denied: requested access to the resource is denied\"}");
        assertTrue(refusal(engine, AUTH).contains("refused the credentials"));
    }

    @Test
    void aPrivateImageAskedForWithoutCredentialsSaysToPassRegistryAuth() {
        Engine engine = new Engine();
        // A basic-auth registry asked with no credentials: the daemon fails before the registry answers, as a 500.
        engine.remote = reply(500, "{\"message\":\"Get \\\"http://127.0.0.1:5000/v2/faas/x/manifests/1\\\": "
                + "no basic auth credentials\"}");
        assertTrue(refusal(engine, "").contains("pass registryAuth"));
        engine.remote = reply(401, "{\"message\":\"errors:\\ndenied: requested access to the resource is denied\\n"
                + "unauthorized: authentication required\\n\"}");
        assertTrue(refusal(engine, "").contains("pass registryAuth"));
    }

    @Test
    void anImageTheRegistryDoesNotHaveSaysToPushItOrBuildIt() {
        Engine engine = new Engine();
        engine.remote = reply(404, "{\"message\":\"manifest unknown: manifest unknown\"}");
        assertEquals("image " + IMAGE + " exists neither on this node nor in its registry (127.0.0.1:5000): push it "
                + "first (docker push " + IMAGE + ") or build it on the manager", refusal(engine, ""));
        engine.remote = reply(500, "{\"message\":\"name unknown: repository name not known to registry\"}");
        assertTrue(refusal(engine, AUTH).contains("exists neither on this node nor in its registry"));
    }

    @Test
    void aRegistryThatCannotBeReachedIsNamedWithDockersWords() {
        Engine engine = new Engine();
        engine.remote = reply(500, "{\"message\":\"Get \\\"https://127.0.0.1:5000/v2/\\\": dial tcp 127.0.0.1:5000: "
                + "connect: connection refused\"}");
        String m = refusal(engine, "");
        assertTrue(m.contains("its registry 127.0.0.1:5000 cannot be reached"), m);
        assertTrue(m.contains("connection refused"), m);
        assertTrue(m.contains("start the registry"), m);
    }

    @Test
    void aRegistryThatDoesNotAnswerInTimeIsBlamedNotTheEngine() {
        Engine engine = new Engine();
        engine.registryTimesOut = true;
        String m = refusal(engine, "");
        assertTrue(m.contains("registry 127.0.0.1:5000 did not answer in time"), m);
    }

    @Test
    void anEngineThatCannotBeReachedIsUnavailable() {
        Engine engine = new Engine() {
            @Override
            public DockerRest.Reply get(String path, Map<String, String> h) throws IOException {
                throw new IOException("connection refused");
            }
        };
        assertEquals(Reason.UNAVAILABLE, assertThrows(ManagementException.class,
                () -> resolver(engine).resolve(IMAGE, "")).reason());
    }

    @Test
    void aLookupWithoutADigestIsAFailureNotAPin() {
        Engine engine = new Engine();
        engine.remote = reply(200, "{\"Descriptor\":{}}");
        assertEquals(Reason.FAILED, assertThrows(ManagementException.class,
                () -> resolver(engine).resolve(IMAGE, "")).reason());
    }

    @Test
    void dockersWordsAreKeptToOneShortLine() {
        Engine engine = new Engine();
        engine.remote = reply(500, "{\"message\":\"dial tcp:\\n" + "x".repeat(500) + "\"}");
        assertTrue(refusal(engine, "").length() < 500);
    }
}

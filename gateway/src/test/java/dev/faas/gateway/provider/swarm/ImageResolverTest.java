package dev.faas.gateway.provider.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ManagementException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageResolverTest {
    private static final String IMAGE = "127.0.0.1:5000/faas/x:1";
    private static final String DIGEST = "sha256:" + "ab".repeat(32);
    private static final String AUTH = Base64.getEncoder().encodeToString("alice:hunter2".getBytes(StandardCharsets.UTF_8));

    /** A fake engine: the image's local inspect answers {@code local}, the registry lookup {@code remote}. */
    private static final class Engine implements ImageResolver.Engine {
        final List<String> paths = new ArrayList<>();
        final List<Map<String, String>> headers = new ArrayList<>();
        DockerRest.Reply local = reply(404, "{\"message\":\"No such image: " + IMAGE + "\"}");
        DockerRest.Reply remote = reply(200, "{\"Descriptor\":{\"mediaType\":\"application/vnd.docker.distribution"
                + ".manifest.v2+json\",\"digest\":\"" + DIGEST + "\",\"size\":528},\"Platforms\":[]}");
        boolean registryTimesOut;

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
                () -> new ImageResolver(engine).resolve(IMAGE, registryAuth));
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
        ImageResolver.Resolved r = new ImageResolver(engine).resolve(IMAGE, "");
        assertEquals(IMAGE, r.image());
        assertTrue(r.local());
        assertEquals(List.of("/images/" + IMAGE + "/json"), engine.paths, "no /distribution call at all");
        assertEquals(Map.of(), engine.headers.get(0), "no credentials on the local inspect");
    }

    @Test
    void credentialsGivenForALocalImageStillGoToSwarmForTheOtherNodes() throws Exception {
        Engine engine = new Engine();
        engine.local = reply(200, "{}");
        ImageResolver.Resolved r = new ImageResolver(engine).resolve(IMAGE, AUTH);
        assertTrue(r.auth().given());
        assertEquals(1, engine.paths.size());
    }

    @Test
    void anImageOnlyInItsRegistryIsPinnedByTheDigestItAnswered() throws Exception {
        Engine engine = new Engine();
        ImageResolver.Resolved r = new ImageResolver(engine).resolve(IMAGE, AUTH);
        assertEquals(IMAGE + "@" + DIGEST, r.image());
        assertFalse(r.local());
        assertEquals("/distribution/" + IMAGE + "/json", engine.paths.get(1));
        assertEquals(r.auth().headers(), engine.headers.get(1), "the lookup carries the credentials");
        assertTrue(engine.headers.get(1).containsKey("X-Registry-Auth"));
    }

    @Test
    void withoutRegistryAuthTheLookupCarriesNoHeader() throws Exception {
        Engine engine = new Engine();
        new ImageResolver(engine).resolve(IMAGE, null);
        assertEquals(Map.of(), engine.headers.get(1));
    }

    @Test
    void malformedRegistryAuthIsRefusedBeforeAnyEngineCall() {
        Engine engine = new Engine();
        String m = assertThrows(ManagementException.class, () -> new ImageResolver(engine).resolve(IMAGE, "%%%"))
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
        ImageResolver resolver = new ImageResolver((path, h) -> {
            throw new IOException("connection refused");
        });
        assertEquals(Reason.UNAVAILABLE, assertThrows(ManagementException.class,
                () -> resolver.resolve(IMAGE, "")).reason());
    }

    @Test
    void aLookupWithoutADigestIsAFailureNotAPin() {
        Engine engine = new Engine();
        engine.remote = reply(200, "{\"Descriptor\":{}}");
        assertEquals(Reason.FAILED, assertThrows(ManagementException.class,
                () -> new ImageResolver(engine).resolve(IMAGE, "")).reason());
    }

    @Test
    void dockersWordsAreKeptToOneShortLine() {
        Engine engine = new Engine();
        engine.remote = reply(500, "{\"message\":\"dial tcp:\\n" + "x".repeat(500) + "\"}");
        assertTrue(refusal(engine, "").length() < 500);
    }
}

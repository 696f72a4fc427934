package dev.faas.gateway.provider.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.faas.gateway.build.BuildException;
import dev.faas.gateway.build.ImageBuilder;
import dev.faas.gateway.provider.ManagementException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Builds through the manager's Engine API ({@code POST /build}, the classic builder: there is no BuildKit here) and
 * pushes to the stack's registry so every node can pull. A build's RUN steps get no network ({@code
 * networkmode=none}: they cannot reach the platform's services; what the engine itself would fetch, a missing base
 * or an {@code ADD <url>}, is refused before the build by {@code Builds}), a memory limit, and a
 * deadline after which its connection is closed, which makes the engine stop it. Intermediate containers are removed
 * even when a step fails ({@code forcerm}).
 */
public final class SwarmImageBuilder implements ImageBuilder {
    private static final int TAIL_LINES = 40;

    private final DockerApi api;
    private final DockerRest docker;
    private final String registry;
    private final Duration timeout;
    private final long memory;
    private final Duration pushTimeout;
    private final String builtFor;

    /** The label every built image carries: the functions network of the stack whose gateway built it. */
    public static final String BUILT_FOR = "dev.faas.built-for";

    /**
     * @param registry where built images are pushed ({@code host:port}), or "" to keep them on this engine only
     *                 (one node)
     * @param builtFor the stack's functions network, as {@link #BUILT_FOR}: scripts/down.sh --purge removes those
     */
    public SwarmImageBuilder(DockerApi api, String registry, Duration timeout, long memory, Duration pushTimeout,
                             String builtFor) {
        this.builtFor = builtFor;
        this.api = api;
        this.docker = new DockerRest(api);
        this.registry = registry;
        this.timeout = timeout;
        this.memory = memory;
        this.pushTimeout = pushTimeout;
    }

    private static final java.util.regex.Pattern REFERENCE = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}");

    @Override
    public String imageId(String reference) throws BuildException {
        if (!REFERENCE.matcher(reference).matches()) {
            return ""; // not a name the engine could have an image under
        }
        DockerRest.Reply reply;
        try {
            reply = docker.get("/images/" + reference + "/json");
        } catch (ManagementException e) {
            throw new BuildException(503, e.getMessage(), "");
        }
        return reply.ok() ? reply.body().path("Id").asText("") : "";
    }

    @Override
    public int reapStale() throws BuildException {
        ObjectNode filters = DockerRest.JSON.createObjectNode();
        filters.putArray("dangling").add("true");
        filters.putArray("label").add(BUILT_FOR + "=" + builtFor);
        int removed = 0;
        try {
            DockerRest.Reply list = docker.get("/images/json?filters=" + DockerRest.path(filters.toString()));
            if (!list.ok()) {
                throw new BuildException(503, "cannot list this stack's built images: " + list.message(), "");
            }
            for (JsonNode image : list.body()) {
                // Not forced: an image a container (even a stopped one) still uses answers 409 and stays.
                if (docker.delete("/images/" + image.path("Id").asText()).ok()) {
                    removed++;
                }
            }
        } catch (ManagementException e) {
            throw new BuildException(503, e.getMessage(), "");
        }
        return removed;
    }

    @Override
    public void build(Path contextTar, String tag, Map<String, String> buildArgs, Consumer<String> log)
            throws BuildException {
        String path = "/build?t=" + DockerRest.path(tag) + "&rm=1&forcerm=1&pull=0&networkmode=none"
                + "&memory=" + memory + "&memswap=" + memory
                + "&buildargs=" + DockerRest.path(DockerRest.JSON.valueToTree(buildArgs).toString())
                + "&labels=" + DockerRest.path(DockerRest.JSON.valueToTree(Map.of(BUILT_FOR, builtFor)).toString());
        Deque<String> tail = new ArrayDeque<>();
        // Filled on the Docker call's thread, read on this one (also after a deadline, while late lines may come).
        Consumer<String> kept = line -> {
            synchronized (tail) {
                if (tail.size() == TAIL_LINES) {
                    tail.removeFirst();
                }
                tail.addLast(line);
            }
            log.accept(line);
        };
        java.util.function.Supplier<String> tailText = () -> {
            synchronized (tail) {
                return String.join("\n", tail);
            }
        };
        AtomicReference<DockerHttpClient.Response> open = new AtomicReference<>();
        String error;
        try {
            error = api.call(() -> {
                try (InputStream body = Files.newInputStream(contextTar);
                     DockerHttpClient.Response response = api.streams().execute(DockerHttpClient.Request.builder()
                             .method(DockerHttpClient.Request.Method.POST).path(path)
                             .putHeader("Content-Type", "application/x-tar").body(body).build())) {
                    open.set(response);
                    return read(response, kept);
                }
            }, timeout);
        } catch (DockerApi.DeadlinePassed e) {
            DockerHttpClient.Response response = open.getAndSet(null);
            if (response != null) {
                response.close();
            }
            throw new BuildException(504, "the build took longer than build_timeout (" + timeout.toSeconds()
                    + " s) and was stopped", tailText.get());
        } catch (IOException e) {
            throw new BuildException(503, DockerRest.unreachable(e).getMessage(), tailText.get());
        }
        if (!error.isEmpty()) {
            throw new BuildException(422, "the build failed: " + error, tailText.get());
        }
    }

    /** Docker's answer to a build: each {@code stream} line to {@code log}; the error it ended with, or "". */
    private static String read(DockerHttpClient.Response response, Consumer<String> log) throws IOException {
        InputStream in = response.getBody();
        if (response.getStatusCode() / 100 != 2) {
            String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            try {
                return DockerRest.JSON.readTree(text).path("message").asText(text).strip();
            } catch (IOException e) {
                return text.isBlank() ? "docker answered " + response.getStatusCode() : text.strip();
            }
        }
        String error = "";
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode json;
            try {
                json = DockerRest.JSON.readTree(line);
            } catch (IOException e) {
                continue;
            }
            String stream = json.path("stream").asText("");
            for (String part : stream.split("\n")) {
                if (!part.isBlank()) {
                    log.accept(part.stripTrailing());
                }
            }
            if (json.has("error") && error.isEmpty()) {
                error = json.path("error").asText("").strip();
                log.accept(error);
            }
        }
        return error;
    }

    @Override
    public String distribute(String tag, Consumer<String> log) throws BuildException {
        if (registry.isEmpty()) {
            return tag;
        }
        int colon = tag.lastIndexOf(':');
        String repo = registry + "/" + tag.substring(0, colon);
        String version = tag.substring(colon + 1);
        String target = repo + ":" + version;
        try {
            DockerRest.Reply tagged = docker.post("/images/" + tag + "/tag?repo=" + DockerRest.path(repo) + "&tag="
                    + DockerRest.path(version), null);
            if (!tagged.ok()) {
                throw new BuildException(500, "tagging " + tag + " as " + target + " failed: " + tagged.message(), "");
            }
            // The engine wants credentials on every push; the stack's registry needs none.
            String none = Base64.getEncoder().encodeToString("{}".getBytes(StandardCharsets.UTF_8));
            DockerRest.Progress pushed = docker.stream("POST", "/images/" + repo + "/push?tag=" + DockerRest.path(version),
                    Map.of("X-Registry-Auth", none), pushTimeout);
            if (!pushed.ok()) {
                throw new BuildException(503, "pushing " + target + " to the stack's registry failed: " + pushed.error()
                        + " (is the registry up? docker service ps <stack>_registry)", "");
            }
        } catch (ManagementException e) {
            throw new BuildException(503, e.getMessage(), "");
        } catch (DockerApi.DeadlinePassed e) {
            throw new BuildException(503, "pushing " + target + " to the stack's registry took longer than "
                    + pushTimeout.toSeconds() + " s", "");
        } catch (IOException e) {
            throw new BuildException(503, DockerRest.unreachable(e).getMessage(), "");
        }
        log.accept("pushed " + target + " to the stack's registry");
        return target;
    }
}

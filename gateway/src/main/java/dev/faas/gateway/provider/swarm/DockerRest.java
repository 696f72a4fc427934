package dev.faas.gateway.provider.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ManagementException.Reason;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Raw Docker Engine API calls for management, JSON in and out. Raw rather than docker-java's models because an
 * inspect → update round trip through those models silently drops every field they do not know; here a service
 * spec is changed in place and sent back whole. Every call has the gateway's Docker deadline; an engine that cannot
 * be reached becomes UNAVAILABLE with a message that says what to check. Request headers (registry credentials)
 * are sent, never logged or quoted in a message.
 */
final class DockerRest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Docker's answer: its status, and its JSON body (a missing node when empty); {@link #message} for errors. */
    record Reply(int status, JsonNode body) {
        boolean ok() {
            return status / 100 == 2;
        }

        String message() {
            String m = body.path("message").asText("");
            return m.isEmpty() ? "docker answered " + status : m;
        }
    }

    private final DockerApi docker;

    DockerRest(DockerApi docker) {
        this.docker = docker;
    }

    Reply get(String path) throws ManagementException {
        return send("GET", path, null, Map.of());
    }

    Reply post(String path, JsonNode body) throws ManagementException {
        return send("POST", path, body, Map.of());
    }

    /** A POST with request headers: {@code X-Registry-Auth} on service create and update. */
    Reply post(String path, JsonNode body, Map<String, String> headers) throws ManagementException {
        return send("POST", path, body, headers);
    }

    Reply delete(String path) throws ManagementException {
        return send("DELETE", path, null, Map.of());
    }

    Reply send(String method, String path, JsonNode body) throws ManagementException {
        return send(method, path, body, Map.of());
    }

    Reply send(String method, String path, JsonNode body, Map<String, String> headers) throws ManagementException {
        try {
            return exchange(method, path, body, headers);
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /**
     * The call itself, its failure left to the caller: a registry lookup through the engine ({@link ImageResolver})
     * that runs out of time says something about the registry, not about the engine, which had just answered.
     */
    Reply exchange(String method, String path, JsonNode body, Map<String, String> headers) throws IOException {
        return docker.call(() -> {
            try (DockerHttpClient.Response response = docker.http().execute(request(method, path, body, headers));
                 InputStream in = response.getBody()) {
                byte[] bytes = in == null ? new byte[0] : in.readAllBytes();
                JsonNode json = bytes.length == 0 ? MissingNode.getInstance() : parse(bytes);
                return new Reply(response.getStatusCode(), json);
            }
        });
    }

    /**
     * A streamed answer of JSON lines ({@code POST /images/create}'s progress), read to its end within {@code
     * deadline} rather than the Docker deadline: a pull takes as long as its layers take. Past the deadline the
     * answer is aborted (its connection closed, so the engine stops the work and a blocked read ends) and {@link
     * DockerApi.DeadlinePassed} is thrown; other IOExceptions are left to the caller, as with {@link #exchange}.
     */
    Progress stream(String method, String path, Map<String, String> headers, Duration deadline) throws IOException {
        AtomicReference<DockerHttpClient.Response> open = new AtomicReference<>();
        try {
            return docker.call(() -> {
                try (DockerHttpClient.Response response = docker.streams().execute(request(method, path, null,
                        headers))) {
                    open.set(response);
                    try (InputStream in = response.getBody()) {
                        return progress(response.getStatusCode(), in);
                    }
                }
            }, deadline);
        } catch (DockerApi.DeadlinePassed e) {
            // The interrupt alone does not end a read blocked on a TCP socket; the abort does.
            DockerHttpClient.Response response = open.getAndSet(null);
            if (response != null) {
                response.close();
            }
            throw e;
        }
    }

    /**
     * A streamed answer read to its end: Docker's status and the first error it reported, {@code ""} for none.
     * Docker reports a failure before anything was streamed as an error status with a JSON message, and one after
     * (a pull that broke off) as a line {@code {"errorDetail":{...},"error":"..."}} of a 200.
     */
    record Progress(int status, String error) {
        boolean ok() {
            return status / 100 == 2 && error.isEmpty();
        }
    }

    /** Reads a JSON-lines answer to its end (its progress lines are not kept); see {@link Progress}. */
    static Progress progress(int status, InputStream in) throws IOException {
        if (in == null) {
            return new Progress(status, status / 100 == 2 ? "" : "docker answered " + status);
        }
        if (status / 100 != 2) {
            byte[] bytes = in.readAllBytes();
            return new Progress(status, new Reply(status, bytes.length == 0 ? MissingNode.getInstance()
                    : parse(bytes)).message());
        }
        String error = "";
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (!error.isEmpty() || line.isBlank()) {
                continue; // read on to the end: the engine finishes the answer itself
            }
            JsonNode json;
            try {
                json = JSON.readTree(line);
            } catch (IOException e) {
                continue; // not a line of progress: nothing to learn from it
            }
            if (json.has("error") || json.has("errorDetail")) {
                String words = json.path("error").asText("");
                error = words.isBlank() ? json.path("errorDetail").path("message").asText("") : words;
                error = error.isBlank() ? "docker reported an error without words" : error.strip();
            }
        }
        return new Progress(status, error);
    }

    /** Opens a streamed answer (logs): the deadline covers the status line, not the body, which the caller closes. */
    DockerHttpClient.Response open(String path) throws ManagementException {
        try {
            return docker.call(() -> docker.http().execute(request("GET", path, null, Map.of())));
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /** An answer that was not expected here: the engine's own message, as a 500. */
    static ManagementException failed(String what, Reply reply) {
        return new ManagementException(Reason.FAILED, what + ": " + reply.message());
    }

    static ManagementException unreachable(IOException e) {
        return new ManagementException(Reason.UNAVAILABLE, "the Docker engine cannot be reached ("
                + DockerApi.describe(e) + "): check that dockerd runs and /var/run/docker.sock is mounted into the "
                + "gateway (or DOCKER_HOST is right)");
    }

    static String filters(String json) {
        return "filters=" + URLEncoder.encode(json, StandardCharsets.UTF_8);
    }

    static String path(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            // Docker answers some errors in plain text.
            return JSON.createObjectNode().put("message", new String(bytes, StandardCharsets.UTF_8).strip());
        }
    }

    private static DockerHttpClient.Request request(String method, String path, JsonNode body,
                                                    Map<String, String> headers) throws IOException {
        DockerHttpClient.Request.Builder b = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.valueOf(method)).path(path);
        headers.forEach(b::putHeader);
        if (body != null) {
            b.putHeader("Content-Type", "application/json").bodyBytes(JSON.writeValueAsBytes(body));
        }
        return b.build();
    }
}

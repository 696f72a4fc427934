package dev.faas.gateway.provider.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ManagementException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

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

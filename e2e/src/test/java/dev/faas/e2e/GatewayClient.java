package dev.faas.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/** Calls a faas gateway published on 127.0.0.1 (or a test node's address), by each of its routes. */
final class GatewayClient {

    /** An Alexa skill request whose intent names the function to call. */
    static String alexaRequest(String intent) {
        return "{\"session\":{\"sessionId\":\"s1\",\"application\":{\"applicationId\":\"a1\"}},"
                + "\"request\":{\"type\":\"IntentRequest\",\"intent\":{\"name\":\"" + intent + "\"}}}";
    }

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    GatewayClient(int port) {
        this("127.0.0.1", port);
    }

    GatewayClient(String host, int port) {
        this.base = URI.create("http://" + host + ":" + port);
    }

    HttpResponse<String> byPath(String function, String body) {
        return send(post("/function/" + function, body));
    }

    HttpResponse<String> byHeader(String function, String body) {
        return send(post("/", body).header("X-Function", function));
    }

    HttpResponse<String> byAlexa(String intent) {
        return send(post("/", alexaRequest(intent)).header("Content-Type", "application/json"));
    }

    HttpResponse<String> get(String path, String user, String password) {
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return send(request(path).header("Authorization", "Basic " + token).GET());
    }

    /** A management call with basic auth and an optional JSON body. */
    HttpResponse<String> api(String method, String path, String json, String user, String password) {
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return send(request(path).header("Authorization", "Basic " + token).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A call that is not waited for: for load, where only the count of answers by status matters. */
    CompletableFuture<Integer> fire(String function, String body) {
        return http.sendAsync(post("/function/" + function, body).build(), HttpResponse.BodyHandlers.discarding())
                .thenApply(HttpResponse::statusCode);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(15));
    }

    private HttpRequest.Builder post(String path, String body) {
        return request(path).POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        HttpRequest r = request.build();
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(r.method() + " " + r.uri() + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}

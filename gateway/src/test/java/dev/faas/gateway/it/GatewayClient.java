package dev.faas.gateway.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** Calls a gateway published on 127.0.0.1: /system/* with its basic-auth credentials, anything else as given. */
final class GatewayClient {
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final int port;
    private final String authorization;

    GatewayClient(int port, String user, String password) {
        this.port = port;
        this.authorization = basic(user, password);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** A management call with the right credentials. */
    HttpResponse<String> api(String method, String path, String body) throws IOException, InterruptedException {
        return call(method, path, body, authorization);
    }

    /** Any call; {@code authorization} null sends none, {@code body} null sends no body. */
    HttpResponse<String> call(String method, String path, String body, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String authorization() {
        return authorization;
    }

    /** The function's answer to an empty POST, or "" when it did not answer 200. */
    String invoke(String function) {
        try {
            HttpResponse<String> r = call("POST", "/function/" + function, "", null);
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static int status(HttpResponse<?> r) {
        return r.statusCode();
    }

    interface Check {
        boolean holds() throws Exception;
    }

    /** Polls every 200 ms until the check holds; an IOException counts as "not yet". */
    static void waitFor(String what, Duration limit, Check check) throws Exception {
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

package dev.faas.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.cli.CliFailure;
import dev.faas.cli.Exit;
import dev.faas.cli.output.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Plain HTTP to one gateway (the JDK's client, HTTP/1.1): /system/* with the credentials, /function/* without.
 * Every transport failure becomes a {@link CliFailure} that says what to do; statuses are the caller's to judge,
 * with {@link #refusal} to turn an unwanted one into a message.
 */
public final class GatewayClient {
    private final URI base;
    private final Optional<Credentials> credentials;
    private HttpClient http;

    public GatewayClient(URI base, Optional<Credentials> credentials) {
        this.base = base;
        this.credentials = credentials;
    }

    public URI base() {
        return base;
    }

    /** A request to the management API, with basic auth when there are credentials. */
    public HttpRequest.Builder system(String pathAndQuery) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery));
        credentials.ifPresent(c -> b.header("Authorization", c.basicAuthorization()));
        return b;
    }

    /** A request to a function's route: no credentials (they are the gateway's, not the function's). */
    public HttpRequest.Builder open(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery));
    }

    public URI uri(String pathAndQuery) {
        try {
            return URI.create(base + pathAndQuery);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("not a valid address: " + base + pathAndQuery + " (" + e.getMessage() + ")");
        }
    }

    public HttpResponse<byte[]> send(HttpRequest request) {
        return send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return client().send(request, body);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw unreachable();
        } catch (HttpTimeoutException e) {
            throw CliFailure.callFailed(request.method() + " " + request.uri() + " got no answer in time");
        } catch (IOException e) {
            throw CliFailure.callFailed(request.method() + " " + request.uri() + " failed: " + e.getMessage()
                    + " (is " + base + " a faas or OpenFaaS gateway?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliFailure.callFailed("interrupted");
        }
    }

    /** A call of the management API that must answer 2xx: its body as JSON (null when empty). */
    public JsonNode systemJson(HttpRequest request, String what) {
        return json(send(request), what);
    }

    /** The JSON of an answer that must be 2xx (null when empty); any other status is a {@link #refusal}. */
    public JsonNode json(HttpResponse<byte[]> r, String what) {
        if (r.statusCode() / 100 != 2) {
            throw refusal(what, r.statusCode(), r.body());
        }
        try {
            return r.body().length == 0 ? null : Json.parse(r.body());
        } catch (IOException e) {
            throw CliFailure.callFailed(what + ": " + base + " answered " + r.statusCode() + " but not JSON");
        }
    }

    /** The failure for an answer that was not wanted, with the gateway's own words and what to do. */
    public CliFailure refusal(String what, int status, byte[] body) {
        if (status == 401 || status == 403) {
            String login = "run faas login -g " + base + " --password-stdin, or set FAAS_PASSWORD";
            return new CliFailure(Exit.AUTH_REFUSED, credentials.isPresent()
                    ? what + ": the gateway at " + base + " refused the credentials (" + status + "): " + login
                    : what + ": the gateway at " + base + " wants credentials (" + status + "): " + login);
        }
        String words = errorText(body);
        return new CliFailure(Exit.forSystemStatus(status), what + ": " + base + " answered " + status
                + (words.isEmpty() ? "" : ": " + words));
    }

    public CliFailure unreachable() {
        return new CliFailure(Exit.UNREACHABLE, "cannot reach " + base
                + ": is the stack up? run scripts/up.sh or pass --gateway (or set OPENFAAS_URL)");
    }

    /** The gateway's words in an error body: {"error": ...} or {"message": ...} as JSON, else the text itself. */
    public static String errorText(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (text.startsWith("{")) {
            try {
                JsonNode node = Json.parse(text);
                String words = Json.text(node, "error");
                if (words == null) {
                    words = Json.text(node, "message");
                }
                if (words != null) {
                    return words;
                }
            } catch (IOException e) {
                return abbreviated(text);
            }
        }
        return abbreviated(text);
    }

    private static String abbreviated(String text) {
        return text.length() <= 500 ? text : text.substring(0, 500) + "...";
    }

    private HttpClient client() {
        if (http == null) {
            HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5));
            if (base.getScheme().equals("http")) {
                // Else the client sets up TLS at each start (0.4 s) for a connection that never uses it.
                b.sslContext(PlainHttp.noTls()).sslParameters(PlainHttp.noTlsParameters());
            }
            http = b.build();
        }
        return http;
    }
}

package dev.faas.gateway.async;

import dev.faas.gateway.api.GatewayError;
import dev.faas.gateway.queue.Answer;
import dev.faas.gateway.queue.Header;
import dev.faas.gateway.queue.Invoker;
import dev.faas.gateway.queue.QueuedCall;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Runs a queued call as a synchronous call to this gateway's own /function route, on a listener only this process
 * can reach (127.0.0.1 of its container). So a queued call takes exactly the path a caller's call takes: routing,
 * cold starts from zero, balancing, timeouts, limits and metrics.
 */
public final class LoopbackInvoker implements Invoker {
    /** Headers Java's client sets itself (and refuses to be given). */
    private static final Set<String> CLIENT_OWN = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "http2-settings", "te", "trailer", "transfer-encoding", "keep-alive");

    private final HttpClient client;
    private final String base;
    private final Duration timeout;
    private final long maxAnswer;
    private final Executor reader;

    /**
     * @param port      the loopback listener's port
     * @param timeout   longest a call may take in all (the gateway's own timeouts end it first)
     * @param maxAnswer the longest answer kept for the callback; the rest is cut off
     * @param reader    where answers are read (blocking)
     */
    public LoopbackInvoker(int port, Duration timeout, long maxAnswer, Executor reader) {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(reader)
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        this.base = "http://127.0.0.1:" + port + "/function/";
        this.timeout = timeout;
        this.maxAnswer = maxAnswer;
        this.reader = reader;
    }

    @Override
    public CompletableFuture<Answer> invoke(QueuedCall call) {
        long started = System.nanoTime();
        String uri = base + call.function() + call.path() + (call.query() == null || call.query().isEmpty()
                ? "" : "?" + call.query());
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(uri)).timeout(timeout)
                    .method(call.method(), HttpRequest.BodyPublishers.ofByteArray(call.body()));
        } catch (IllegalArgumentException e) {
            // Undertow accepts a few characters in a path that Java's URI does not ('[', a stray '%'): final, not retried.
            return CompletableFuture.completedFuture(new Answer(400, List.of(new Header("Content-Type", "text/plain"),
                    new Header(GatewayError.HEADER_NAME, GatewayError.BAD_REQUEST.token())),
                    ("the call's path or query cannot be sent on: " + e.getMessage() + "\n").getBytes(), 0));
        }
        for (Header h : call.headers()) {
            if (!CLIENT_OWN.contains(h.name().toLowerCase(Locale.ROOT))) {
                try {
                    request.header(h.name(), h.value());
                } catch (IllegalArgumentException e) {
                    // a header Java's client will not send (it names it restricted): the function goes without it
                }
            }
        }
        request.setHeader("X-Call-Id", call.id());
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
                .thenApplyAsync(r -> answer(r, started), reader)
                .orTimeout(timeout.toMillis() + 5_000, java.util.concurrent.TimeUnit.MILLISECONDS); // a body that never ends
    }

    private Answer answer(HttpResponse<InputStream> response, long started) {
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, maxAnswer));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the answer broke off: no answer
        }
        return new Answer(response.statusCode(), headers(response.headers().map()), body,
                (System.nanoTime() - started) / 1e9);
    }

    static List<Header> headers(Map<String, List<String>> map) {
        List<Header> headers = new ArrayList<>();
        map.forEach((name, values) -> {
            if (!CLIENT_OWN.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                values.forEach(v -> headers.add(new Header(name, v)));
            }
        });
        return headers;
    }
}

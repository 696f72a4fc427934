package dev.faas.gateway.async;

import dev.faas.gateway.queue.Answer;
import dev.faas.gateway.queue.CallbackPoster;
import dev.faas.gateway.queue.CallbackRequest;
import dev.faas.gateway.queue.CallbackUrls;
import dev.faas.gateway.queue.Header;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Posts a function's answer to its callback URL with OpenFaaS's headers: {@code X-Call-Id}, {@code X-Function-Name},
 * {@code X-Function-Status}, {@code X-Duration-Seconds}, and the answer's {@code Content-Type}. The URL is checked by
 * address just before (a name may point elsewhere by now); redirects are not followed (they could lead anywhere).
 */
public final class HttpCallbackPoster implements CallbackPoster {
    /** Within the default async_ack_wait (30s) with the connect time: a slow receiver is not sent it twice at once. */
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final HttpClient client;
    private final CallbackUrls urls;
    private final Executor executor;

    public HttpCallbackPoster(CallbackUrls urls, Executor executor) {
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER).build();
        this.urls = urls;
        this.executor = executor;
    }

    @Override
    public CompletableFuture<Integer> post(CallbackRequest callback) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                urls.checkBeforePosting(callback.url());
            } catch (CallbackUrls.Refused e) {
                throw new CompletionException(e);
            }
            Answer a = callback.answer();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(callback.url())).timeout(TIMEOUT)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(a.body()))
                    .header("X-Call-Id", callback.callId())
                    .header("X-Function-Name", callback.function())
                    .header("X-Function-Status", Integer.toString(a.status()))
                    .header("X-Duration-Seconds", String.format(Locale.ROOT, "%.6f", a.seconds()));
            for (Header h : a.headers()) {
                if (h.name().equalsIgnoreCase("Content-Type")) {
                    request.header("Content-Type", h.value());
                }
            }
            return request.build();
        }, executor).thenCompose(r -> client.sendAsync(r, HttpResponse.BodyHandlers.discarding()))
                .thenApply(HttpResponse::statusCode)
                // The request timeout covers the answer's head only: a receiver that never ends its body would hold
                // the callback for ever.
                .orTimeout(TIMEOUT.toSeconds() + 5, java.util.concurrent.TimeUnit.SECONDS);
    }
}

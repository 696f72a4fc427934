package dev.faas.gateway.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.faas.gateway.metrics.AsyncMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class CallbackSenderTest {
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<CompletableFuture<Integer>> posts = new ArrayList<>();
    private final List<CallbackRequest> posted = new ArrayList<>();
    private final CallbackPoster poster = callback -> {
        posted.add(callback);
        CompletableFuture<Integer> f = new CompletableFuture<>();
        posts.add(f);
        return f;
    };
    /** Four tries, 1 s then 2 s then 4 s apart (no spread), within an hour of being stored. */
    private final CallbackSender sender = new CallbackSender(poster, new RetryPolicy(4, Duration.ofSeconds(1),
            Duration.ofSeconds(30), Duration.ofHours(1), () -> 0.5), new AsyncMetrics(registry),
            Clock.fixed(NOW, ZoneOffset.UTC));

    private static final CallbackRequest CALLBACK = new CallbackRequest("call-1", "echo",
            "https://hooks.example.com/cb", new Answer(200, List.of(), "ok".getBytes(), 0.1), 1);

    /** Posts the callback as try number {@code attempt}, stored {@code age} ago; the test then settles the post. */
    private FakeDelivery<CallbackRequest> send(int attempt, Duration age) {
        FakeDelivery<CallbackRequest> d = new FakeDelivery<>(CALLBACK, attempt, NOW.minus(age));
        sender.accept(d);
        return d;
    }

    private FakeDelivery<CallbackRequest> answered(int attempt, int status) {
        FakeDelivery<CallbackRequest> d = send(attempt, Duration.ofSeconds(3));
        posts.get(posts.size() - 1).complete(status);
        return d;
    }

    private double count(String outcome) {
        Counter c = registry.find("gateway_async_callbacks_total").tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aReceiverThatAnswersSuccessfullyEndsTheCallback() {
        FakeDelivery<CallbackRequest> d = answered(1, 200);
        assertSame(CALLBACK, posted.get(0));
        assertEquals(List.of("done"), d.said());
        assertEquals(1, count("delivered"));
    }

    @Test
    void anyOtherSuccessEndsTheCallbackAsDelivered() {
        for (int status : new int[] {202, 204, 301}) {
            assertEquals(List.of("done"), answered(1, status).said(), Integer.toString(status));
        }
        assertEquals(3, count("delivered"));
        assertEquals(0, count("retried"));
    }

    @Test
    void aReceiverRefusingItWith4xxEndsTheCallbackAsRejected() {
        for (int status : new int[] {400, 404, 410, 413}) {
            assertEquals(List.of("done"), answered(1, status).said(), Integer.toString(status));
        }
        assertEquals(4, count("rejected"));
        assertEquals(0, count("delivered"));
        assertEquals(0, count("retried"));
    }

    @Test
    void aReceiverAnswering5xxOr429GetsTheCallbackAgainAfterTheWait() {
        assertEquals(List.of("retryAfter PT1S"), answered(1, 500).said());
        assertEquals(List.of("retryAfter PT2S"), answered(2, 503).said());
        assertEquals(List.of("retryAfter PT4S"), answered(3, 429).said());
        assertEquals(3, count("retried"));
        assertEquals(0, count("delivered"));
    }

    @Test
    void aReceiverThatDoesNotAnswerGetsTheCallbackAgain() {
        FakeDelivery<CallbackRequest> d = send(1, Duration.ZERO);
        posts.get(0).completeExceptionally(new CompletionException(new HttpConnectTimeoutException("timed out")));
        assertEquals(List.of("retryAfter PT1S"), d.said());
        assertEquals(1, count("retried"));
    }

    @Test
    void aRefusedUrlIsGivenUpAtOnce() {
        FakeDelivery<CallbackRequest> d = send(1, Duration.ZERO);
        posts.get(0).completeExceptionally(new CallbackUrls.Refused("resolves to a loopback address"));
        assertEquals(List.of("giveUp"), d.said());
        assertEquals(1, count("refused"));
        assertEquals(0, count("retried"));
    }

    @Test
    void aRefusalWrappedInACompletionExceptionIsStillARefusal() {
        FakeDelivery<CallbackRequest> d = send(1, Duration.ZERO);
        posts.get(0).completeExceptionally(new CompletionException(new CallbackUrls.Refused("no")));
        assertEquals(List.of("giveUp"), d.said());
        assertEquals(1, count("refused"));
    }

    @Test
    void theLastTryFailingGivesTheCallbackUp() {
        assertEquals(List.of("giveUp"), answered(4, 502).said());
        FakeDelivery<CallbackRequest> d = send(4, Duration.ZERO);
        posts.get(1).completeExceptionally(new IOException("connection refused"));
        assertEquals(List.of("giveUp"), d.said());
        assertEquals(2, count("failed"));
        assertEquals(0, count("retried"));
    }

    @Test
    void aCallbackStoredLongerThanMaxAgeIsNotTriedAgain() {
        FakeDelivery<CallbackRequest> d = send(1, Duration.ofHours(2));
        posts.get(0).complete(503);
        assertEquals(List.of("giveUp"), d.said());
        assertEquals(1, count("failed"));
    }

    @Test
    void theWaitIsCutToTheAgeTheCallbackHasLeft() {
        FakeDelivery<CallbackRequest> d = send(3, Duration.ofHours(1).minusMillis(700));
        posts.get(0).complete(500);
        assertEquals(List.of("retryAfter PT0.7S"), d.said());
    }

    @Test
    void nothingIsSaidBeforeThePostEnds() {
        FakeDelivery<CallbackRequest> d = send(1, Duration.ZERO);
        assertEquals(List.of(), d.said());
        posts.get(0).complete(200);
        assertEquals(List.of("done"), d.said());
    }
}

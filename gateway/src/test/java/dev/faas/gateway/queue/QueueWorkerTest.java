package dev.faas.gateway.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.gateway.metrics.AsyncMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QueueWorkerTest {
    private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final FakeInvoker invoker = new FakeInvoker();
    private final FakeCallQueue queue = new FakeCallQueue();
    private final AsyncMetrics metrics = new AsyncMetrics(registry);
    /** Three tries, 1 s then 2 s apart (no spread), within an hour. */
    private final RetryPolicy policy = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofHours(1), () -> 0.5);

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private QueueWorker worker(Duration ackWait) {
        return new QueueWorker(invoker, queue, policy, metrics, timer, ackWait, CLOCK);
    }

    private static QueuedCall call(String callbackUrl) {
        return new QueuedCall("call-1", "echo", "POST", "", "", List.of(new Header("Content-Type", "text/plain")),
                callbackUrl, NOW.minusSeconds(10), "hi".getBytes(StandardCharsets.UTF_8));
    }

    private static Answer answer(int status) {
        return new Answer(status, List.of(new Header("X-Answer", "yes")), ("status " + status).getBytes(), 0.25);
    }

    /** Runs {@code call} as try number {@code attempt} and answers it with {@code status}. */
    private FakeDelivery<QueuedCall> run(QueuedCall call, int attempt, int status) {
        FakeDelivery<QueuedCall> d = new FakeDelivery<>(call, attempt, NOW.minusSeconds(10));
        worker(Duration.ofSeconds(30)).accept(d);
        invoker.last().complete(answer(status));
        return d;
    }

    private double count(String name, String... tags) {
        Counter c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aFinalAnswerWithoutCallbackFinishesTheCallAndStoresNothing() {
        FakeDelivery<QueuedCall> d = run(call(null), 1, 200);
        assertEquals(List.of("done"), d.said());
        assertEquals(List.of(), queue.stored);
        assertEquals(1, count("gateway_async_finished_total", "function_name", "echo", "code", "200",
                "outcome", "completed"));
        assertEquals(0, count("gateway_async_retries_total"));
    }

    @Test
    void anAnswerThatIsNotRetryableIsFinalEvenWhenItIsAnError() {
        FakeDelivery<QueuedCall> d = run(call(null), 1, 500);
        assertEquals(List.of("done"), d.said());
        assertEquals(1, count("gateway_async_finished_total", "code", "500", "outcome", "completed"));
    }

    @Test
    void aFinalAnswerIsStoredAsACallbackBeforeTheCallIsDone() {
        QueueWorker w = worker(Duration.ofSeconds(30));
        FakeDelivery<QueuedCall> d = new FakeDelivery<>(call("https://hooks.example.com/cb"), 2, NOW);
        w.accept(d);
        invoker.last().complete(answer(201));
        assertEquals(List.of(), d.said(), "not done until the callback is stored");
        CallbackRequest cb = queue.stored.get(0);
        assertEquals("call-1", cb.callId());
        assertEquals("echo", cb.function());
        assertEquals("https://hooks.example.com/cb", cb.url());
        assertEquals(201, cb.answer().status());
        assertArrayEquals("status 201".getBytes(), cb.answer().body());
        assertEquals(2, cb.attempts());
        queue.results.get(0).complete(null);
        assertEquals(List.of("done"), d.said());
    }

    @Test
    void aRetryableAnswerWithTriesLeftComesAgainAfterTheWait() {
        FakeDelivery<QueuedCall> first = run(call("https://hooks.example.com/cb"), 1, 503);
        assertEquals(List.of("retryAfter PT1S"), first.said());
        FakeDelivery<QueuedCall> second = run(call("https://hooks.example.com/cb"), 2, 429);
        assertEquals(List.of("retryAfter PT2S"), second.said());
        assertEquals(2, count("gateway_async_retries_total", "function_name", "echo"));
        assertEquals(List.of(), queue.stored, "no callback before the call is finished");
        assertEquals(0, count("gateway_async_finished_total"));
    }

    @Test
    void aRetryableAnswerAtTheLastTryFinishesTheCallAsFailedAndStoresItsCallback() {
        FakeDelivery<QueuedCall> d = run(call("https://hooks.example.com/cb"), 3, 503);
        assertEquals(List.of(), d.said());
        assertEquals(503, queue.stored.get(0).answer().status());
        assertEquals(3, queue.stored.get(0).attempts());
        queue.results.get(0).complete(null);
        assertEquals(List.of("done"), d.said());
        assertEquals(1, count("gateway_async_finished_total", "function_name", "echo", "code", "503",
                "outcome", "failed"));
        assertEquals(0, count("gateway_async_retries_total"));
    }

    @Test
    void aCallPastItsMaxAgeIsNotTriedAgain() {
        QueuedCall old = new QueuedCall("call-1", "echo", "GET", "", "", List.of(), null, NOW.minusSeconds(7200),
                new byte[0]);
        FakeDelivery<QueuedCall> d = run(old, 1, 504);
        assertEquals(List.of("done"), d.said());
        assertEquals(1, count("gateway_async_finished_total", "code", "504", "outcome", "failed"));
    }

    @Test
    void aCallbackThatCannotBeStoredLeavesTheCallToComeAgain() {
        FakeDelivery<QueuedCall> d = run(call("https://hooks.example.com/cb"), 1, 200);
        queue.results.get(0).completeExceptionally(new QueueUnavailableException("NATS is down"));
        assertEquals(List.of("retryAfter PT5S"), d.said());
        assertEquals(QueueWorker.CALLBACK_NOT_STORED_WAIT, Duration.ofSeconds(5));
    }

    @Test
    void noAnswerAtAllIsTreatedAsA502AndTriedAgain() {
        QueueWorker w = worker(Duration.ofSeconds(30));
        FakeDelivery<QueuedCall> d = new FakeDelivery<>(call(null), 1, NOW);
        w.accept(d);
        invoker.last().completeExceptionally(new IOException("connection reset"));
        assertEquals(List.of("retryAfter PT1S"), d.said());
        assertEquals(1, count("gateway_async_retries_total", "function_name", "echo"));
    }

    @Test
    void noAnswerAtTheLastTryIsPostedAsA502SayingWhy() {
        QueueWorker w = worker(Duration.ofSeconds(30));
        FakeDelivery<QueuedCall> d = new FakeDelivery<>(call("https://hooks.example.com/cb"), 3, NOW);
        w.accept(d);
        invoker.last().completeExceptionally(new java.util.concurrent.CompletionException(
                new IOException("the \"gateway\" is gone")));
        Answer a = queue.stored.get(0).answer();
        assertEquals(502, a.status());
        assertEquals("no answer: the 'gateway' is gone\n", new String(a.body(), StandardCharsets.UTF_8));
        queue.results.get(0).complete(null);
        assertEquals(List.of("done"), d.said());
    }

    @Test
    void theWaitBeforeTheFirstTryIsMeasuredOnlyOnTheFirstTry() {
        run(call(null), 1, 200);
        run(call(null), 2, 200);
        Timer t = registry.find("gateway_async_wait_seconds").tag("function_name", "echo").timer();
        assertEquals(1, t.count());
        assertEquals(10, t.totalTime(java.util.concurrent.TimeUnit.SECONDS), 1e-9);
    }

    @Test
    void aRunningCallIsCountedUntilItsAnswerComes() {
        QueueWorker w = worker(Duration.ofSeconds(30));
        w.accept(new FakeDelivery<>(call(null), 1, NOW));
        Gauge running = registry.find("gateway_async_running").tag("function_name", "echo").gauge();
        assertEquals(1, w.running());
        assertEquals(1, running.value());
        invoker.last().complete(answer(200));
        assertEquals(0, w.running());
        assertEquals(0, running.value());
    }

    @Test
    void aRunningCallTellsTheStoreItIsStillWorkingUntilItsAnswerComes() throws InterruptedException {
        QueueWorker w = worker(Duration.ofMillis(60)); // a beat every 20 ms
        FakeDelivery<QueuedCall> d = new FakeDelivery<>(call(null), 1, NOW);
        w.accept(d);
        d.awaitStillWorking(3);
        assertEquals(List.of(), d.said());
        invoker.last().complete(answer(200));
        Thread.sleep(50); // a beat already under way may still land
        int after = d.stillWorkingCount();
        Thread.sleep(150);
        assertEquals(after, d.stillWorkingCount(), "no beat after the call finished");
        assertEquals(List.of("done"), d.said());
    }

    /** Hands out futures the test completes. */
    private static final class FakeInvoker implements Invoker {
        final List<CompletableFuture<Answer>> calls = new ArrayList<>();

        @Override
        public CompletableFuture<Answer> invoke(QueuedCall call) {
            CompletableFuture<Answer> f = new CompletableFuture<>();
            calls.add(f);
            return f;
        }

        CompletableFuture<Answer> last() {
            return calls.get(calls.size() - 1);
        }
    }
}

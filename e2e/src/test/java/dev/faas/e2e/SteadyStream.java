package dev.faas.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Calls a function at a fixed rate, whatever the answers take (open loop: a slow answer does not slow the stream,
 * as with real callers), and keeps every call's start, end, status and body.
 */
final class SteadyStream implements AutoCloseable {
    /** One call; status 0 when it got no answer at all. Times are System.nanoTime(). */
    record Call(long started, long ended, int status, String body) {
        double seconds() {
            return (ended - started) / 1e9;
        }

        /** Started before {@code to} and not ended before {@code from}. */
        boolean inFlightDuring(long from, long to) {
            return started <= to && ended >= from;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
    private final ConcurrentLinkedQueue<CompletableFuture<Call>> calls = new ConcurrentLinkedQueue<>();
    private final HttpRequest request;

    SteadyStream(URI url, int perSecond) {
        this.request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(70))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build();
        ticks.scheduleAtFixedRate(this::call, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
    }

    private void call() {
        long started = System.nanoTime();
        calls.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle((r, e) -> new Call(started, System.nanoTime(), r == null ? 0 : r.statusCode(),
                        r == null ? String.valueOf(e) : r.body())));
    }

    /** Stops calling and waits for every call made to end. */
    List<Call> stop() {
        ticks.shutdownNow();
        List<Call> done = new ArrayList<>();
        for (CompletableFuture<Call> c : calls) {
            done.add(c.join());
        }
        return done;
    }

    @Override
    public void close() {
        ticks.shutdownNow();
    }
}

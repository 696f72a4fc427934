package dev.faas.gateway.replica;

import dev.faas.common.DaemonThreads;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a just-started replica routable the moment its watchdog answers {@code GET /_/health} with 200, instead of
 * waiting for Docker's next health check (Swarm runs them every 2 s, so a cold start would otherwise wait up to that
 * long after the function is ready).
 *
 * <p>Each watched key has at most one attempt in flight: the next one is scheduled only once the previous one has
 * answered, failed or timed out, so a replica that is slow to accept connections is not flooded.
 */
public final class HealthProbe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthProbe.class);

    private final Duration interval;
    private final Duration attemptTimeout;
    private final Duration giveUpAfter;
    private final LongSupplier nanoClock;
    private final ExecutorService answers;
    private final ScheduledExecutorService retries;
    private final HttpClient client;
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param interval       the pause between the end of one attempt and the start of the next
     * @param attemptTimeout how long one attempt may take to connect; the answer may take ten times that, since a
     *                       just-started JVM answers its first requests slowly (measured: over 100 ms) and an
     *                       attempt cut short only starts that wait again
     * @param giveUpAfter    how long a key is probed before the probe stops on its own
     */
    public HealthProbe(Duration interval, Duration attemptTimeout, Duration giveUpAfter) {
        this(interval, attemptTimeout, giveUpAfter, System::nanoTime);
    }

    /**
     * @param nanoClock a {@link System#nanoTime()}-like clock, read when a watch starts and after each failed
     *                  attempt; tests pass a fake one to reach {@code giveUpAfter} without waiting for it
     */
    HealthProbe(Duration interval, Duration attemptTimeout, Duration giveUpAfter, LongSupplier nanoClock) {
        this.interval = requireNotNegative(interval, "interval");
        this.attemptTimeout = requirePositive(attemptTimeout, "attemptTimeout");
        this.giveUpAfter = requireNotNegative(giveUpAfter, "giveUpAfter");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        // Daemon threads throughout: a gateway shutting down must not wait for a replica that never answers.
        this.answers = Executors.newFixedThreadPool(2, DaemonThreads.named("replica-probe-http-"));
        this.retries = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("replica-probe-"));
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(attemptTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(answers)
                .build();
    }

    /**
     * Starts probing {@code address + "_/health"} until it answers 200, then calls {@code onReady} once, from a probe
     * thread. Watching a key that is already watched is a no-op. Refused connections, timeouts and other statuses
     * are retried after the interval; once {@code giveUpAfter} has passed the probe stops without calling anything
     * (Docker's own health check still makes the replica routable then).
     *
     * @param key     the task the replica runs; it names this watch for {@link #forget} and {@link #isWatching}
     * @param address the replica's base address, such as {@code http://10.231.1.7:8080/}
     * @throws IllegalArgumentException when {@code address} is not an http(s) URI with a host
     */
    public void watch(String key, URI address, Runnable onReady) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(onReady, "onReady");
        HttpRequest request = HttpRequest.newBuilder(healthOf(address))
                .timeout(attemptTimeout.multipliedBy(10))
                .GET()
                .build();
        if (closed) {
            return;
        }
        Watch fresh = new Watch(key, request, onReady, nanoClock.getAsLong() + giveUpAfter.toNanos());
        if (watches.putIfAbsent(key, fresh) == null) {
            fresh.attempt();
        }
    }

    /** Stops probing a key: its task went away, or became ready another way. Its {@code onReady} is not called. */
    public void forget(String key) {
        Watch gone = watches.remove(key);
        if (gone != null) {
            gone.cancel();
        }
    }

    public boolean isWatching(String key) {
        return watches.containsKey(key);
    }

    /** Stops every probe without calling its {@code onReady}; {@link #watch} is a no-op afterwards. */
    @Override
    public void close() {
        closed = true;
        watches.keySet().forEach(this::forget);
        retries.shutdownNow();
        answers.shutdownNow();
    }

    /** The health endpoint under a replica's base address. */
    static URI healthOf(URI address) {
        Objects.requireNonNull(address, "address");
        if (address.getHost() == null) {
            throw new IllegalArgumentException("a replica address needs a host: " + address);
        }
        return address.resolve("_/health");
    }

    /** One key being probed. It acts only while it is still the key's entry, so a forgotten watch stops itself. */
    private final class Watch {
        private final String key;
        private final HttpRequest request;
        private final Runnable onReady;
        private final long deadlineNanos;
        private final AtomicInteger attempts = new AtomicInteger();
        /** The attempt in flight or the scheduled retry, so that forget can stop whichever there is. */
        private volatile Future<?> pending;

        Watch(String key, HttpRequest request, Runnable onReady, long deadlineNanos) {
            this.key = key;
            this.request = request;
            this.onReady = onReady;
            this.deadlineNanos = deadlineNanos;
        }

        private boolean current() {
            return watches.get(key) == this;
        }

        void attempt() {
            if (!current()) {
                return;
            }
            attempts.incrementAndGet();
            try {
                CompletableFuture<HttpResponse<Void>> answer =
                        client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
                pending = answer;
                if (!current()) {
                    // Forgotten while sending: end this exchange now, so a key watched again at once does not have
                    // its new attempt overlap this stale one.
                    answer.cancel(true);
                }
                answer.whenComplete((response, failure) -> answered(response));
            } catch (RejectedExecutionException closing) {
                watches.remove(key, this);
            }
        }

        private void answered(HttpResponse<Void> response) {
            if (response != null && response.statusCode() == 200) {
                // remove, not get: exactly one of forget, close and this answer wins the entry.
                if (watches.remove(key, this)) {
                    LOG.debug("event=replica_answering key={} address={} attempts={}",
                            key, request.uri(), attempts.get());
                    ready();
                }
                return;
            }
            if (!current()) {
                return;
            }
            if (nanoClock.getAsLong() - deadlineNanos >= 0) {
                if (watches.remove(key, this)) {
                    LOG.debug("event=replica_probe_gave_up key={} address={} attempts={} after={}",
                            key, request.uri(), attempts.get(), giveUpAfter);
                }
                return;
            }
            try {
                pending = retries.schedule(this::attempt, interval.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException closing) {
                watches.remove(key, this);
            }
        }

        private void ready() {
            try {
                onReady.run();
            } catch (RuntimeException e) {
                // A caller's bug, not a replica's condition: worth its stack trace, and it must not kill the thread.
                LOG.warn("event=replica_ready_callback_failed key={}", key, e);
            }
        }

        void cancel() {
            Future<?> p = pending;
            if (p != null) {
                // Interrupting only an exchange (which closes its connection), never the shared retry thread.
                p.cancel(p instanceof CompletableFuture);
            }
        }
    }

    private static Duration requireNotNegative(Duration d, String name) {
        if (Objects.requireNonNull(d, name).isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + d);
        }
        return d;
    }

    private static Duration requirePositive(Duration d, String name) {
        if (Objects.requireNonNull(d, name).isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }
}

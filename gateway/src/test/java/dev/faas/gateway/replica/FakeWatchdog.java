package dev.faas.gateway.replica;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A replica's watchdog on loopback: {@code /_/health} answers 503 until {@link #becomeHealthy()}, and
 * {@code /metrics} serves whatever the test set. Requests are served concurrently, so a test can see whether two
 * probes of one replica ever overlap.
 */
final class FakeWatchdog implements AutoCloseable {
    private static final InetAddress LOOPBACK = loopback();

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake watchdog");
        t.setDaemon(true); // a test failing before teardown must not keep the JVM alive
        return t;
    });
    private volatile boolean healthy;
    private volatile int metricsStatus = 200;
    private volatile String metrics = "";
    /** When set, the next health probe waits on it before answering, as a watchdog too busy to answer would. */
    private final AtomicReference<CountDownLatch> holdNextProbe = new AtomicReference<>();
    private final Set<CountDownLatch> holds = ConcurrentHashMap.newKeySet();
    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicInteger probesNow = new AtomicInteger();
    private final AtomicInteger mostProbesAtOnce = new AtomicInteger();
    private final Object arrivals = new Object();

    FakeWatchdog() throws IOException {
        this(0);
    }

    FakeWatchdog(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(LOOPBACK, port), 50);
        server.createContext("/_/health", this::health);
        server.createContext("/metrics", this::metrics);
        server.setExecutor(threads);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The address the gateway would route to; the port is this server's, whichever path is asked for. */
    URI address() {
        return URI.create("http://127.0.0.1:" + port() + "/");
    }

    void becomeHealthy() {
        healthy = true;
    }

    void serveMetrics(int status, String exposition) {
        metricsStatus = status;
        metrics = exposition;
    }

    /** The next health probe waits for {@code release} (at most 10 s) before answering; later ones do not. */
    void holdNextProbeUntil(CountDownLatch release) {
        holds.add(release);
        holdNextProbe.set(release);
    }

    int probes() {
        return probes.get();
    }

    int mostProbesAtOnce() {
        return mostProbesAtOnce.get();
    }

    /** Waits until at least {@code n} health probes have arrived in all. */
    void awaitProbes(int n) throws InterruptedException {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (arrivals) {
            while (probes.get() < n) {
                long left = giveUp - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("only " + probes.get() + " of " + n + " health probes arrived in 10 s");
                }
                TimeUnit.NANOSECONDS.timedWait(arrivals, left);
            }
        }
    }

    private void health(HttpExchange exchange) throws IOException {
        int now = probesNow.incrementAndGet();
        mostProbesAtOnce.accumulateAndGet(now, Math::max);
        synchronized (arrivals) {
            probes.incrementAndGet();
            arrivals.notifyAll();
        }
        try {
            CountDownLatch hold = holdNextProbe.getAndSet(null);
            if (hold != null) {
                hold.await(10, TimeUnit.SECONDS);
            }
            answer(exchange, healthy ? 200 : 503, healthy ? "OK" : "starting");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            probesNow.decrementAndGet();
            exchange.close();
        }
    }

    private void metrics(HttpExchange exchange) throws IOException {
        try (exchange) {
            answer(exchange, metricsStatus, metrics);
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A loopback port nothing listens on: bound, then closed, so connecting to it is refused. */
    static int refusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName("127.0.0.1");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        holds.forEach(CountDownLatch::countDown);
        server.stop(0);
        threads.shutdownNow();
    }
}

package dev.faas.watchdog.proxy;

import dev.faas.watchdog.Log;
import dev.faas.watchdog.config.WatchdogConfig;
import dev.faas.watchdog.exec.UpstreamProcess;
import dev.faas.watchdog.http.Readiness;
import dev.faas.watchdog.metrics.HttpMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;

/** mode=http: one warm process, a proxy in front of it, readiness that follows the process. */
public final class HttpMode {
    private static final Duration UPSTREAM_STOP_GRACE = Duration.ofSeconds(5);

    private final WatchdogConfig config;
    private final UpstreamProcess upstream;
    private final ProxyServer server;
    private int port;

    private HttpMode(WatchdogConfig config, UpstreamProcess upstream, ProxyServer server) {
        this.config = config;
        this.upstream = upstream;
        this.server = server;
    }

    /** Listens at once (answering 503 until the process listens) and starts the process. */
    public static HttpMode start(WatchdogConfig config, ExecutorService threads, HttpMetrics metrics)
            throws IOException {
        URI url = config.upstreamUrl();
        UpstreamPool pool = new UpstreamPool(new InetSocketAddress(url.getHost(), url.getPort()));
        Readiness readiness = new Readiness(config.lockFile(), config.suppressLock(), true);
        UpstreamProcess process = new UpstreamProcess(config.command(), url.toString(), pool::accepts, up -> {
            pool.reset(); // connections to an exited process are worthless
            readiness.upstream(up);
        });
        Deadlines deadlines = new Deadlines();
        Forwarder forwarder = new Forwarder(pool, process::isUp, config.processLimit(), config.maxInflight(), deadlines);
        ProxyServer server = new ProxyServer(config, forwarder, readiness, threads, deadlines, metrics);
        HttpMode mode = new HttpMode(config, process, server);
        mode.port = server.start();
        process.start();
        return mode;
    }

    public int port() {
        return port;
    }

    /** SIGTERM: not ready, no new connections, in-flight requests finished (up to the bound), then the process. */
    public void drain(long waitSeconds) {
        Log.info("draining", "in_flight_wait", waitSeconds + "s");
        boolean drained;
        try {
            drained = server.drain(waitSeconds * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        if (!drained) {
            Log.warn("requests still running after the drain period; cutting them");
        }
        upstream.stop(UPSTREAM_STOP_GRACE);
        Log.info("stopped", "drained", drained, "mode", config.mode().name().toLowerCase(Locale.ROOT));
    }
}

package dev.faas.watchdog.http;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.faas.watchdog.Log;
import dev.faas.watchdog.config.WatchdogConfig;
import dev.faas.watchdog.exec.FunctionRunner;
import dev.faas.watchdog.metrics.HttpMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;

/**
 * Fork, streaming and lambda modes on the JDK server: start, then mark ready; on SIGTERM drain and stop. (Lambda
 * mode's callers come in here; its runtimes talk to lambda.RuntimeApiServer, which is not the JDK's server.)
 */
public final class WatchdogServer {
    private static final int BACKLOG = 1024;

    private final WatchdogConfig config;
    private final HttpHandler function;
    private final Runnable stopWork;
    private final ExecutorService requests;
    private final Readiness readiness;
    private final HttpMetrics metrics;
    private final InFlight inFlight = new InFlight();
    private HttpServer server;

    /** Fork and streaming modes: a process per request, killed if still running after the drain. */
    public WatchdogServer(WatchdogConfig config, FunctionRunner runner, ExecutorService requests,
                          HttpMetrics metrics) {
        this(config, forkOrStreaming(config, runner), new Runnable() {
            @Override
            public void run() {
                runner.killAll();
            }
        }, new Readiness(config.lockFile(), config.suppressLock(), false), requests, metrics);
    }

    /**
     * @param function  serves the function's route (behind max_inflight and the metrics)
     * @param stopWork  runs once in-flight requests are done or the drain period is over
     * @param readiness what /_/health answers from
     */
    public WatchdogServer(WatchdogConfig config, HttpHandler function, Runnable stopWork, Readiness readiness,
                          ExecutorService requests, HttpMetrics metrics) {
        this.metrics = metrics;
        this.config = config;
        this.function = function;
        this.stopWork = stopWork;
        this.requests = requests;
        this.readiness = readiness;
    }

    private static HttpHandler forkOrStreaming(WatchdogConfig config, FunctionRunner runner) {
        FunctionHandler fork = new FunctionHandler(config, runner);
        return config.mode() == WatchdogConfig.Mode.STREAMING ? new StreamingHandler(config, runner, fork) : fork;
    }

    /** Sets the JDK server's knobs; they are read once, when its classes load, so this runs before {@link #start}. */
    public static void tune(WatchdogConfig config) {
        // Without it every keep-alive response waits ~40 ms for Nagle and the client's delayed ACK.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        System.setProperty("sun.net.httpserver.maxReqTime", wholeSecondsOrOff(config.readTimeout(), 0));
        // From the end of the request body to the end of the response: the process limit plus time to write.
        System.setProperty("sun.net.httpserver.maxRspTime", wholeSecondsOrOff(config.writeTimeout(), 2));
        // An answer given before the body was read (413, 504, a failed run) is followed by reading the rest of the
        // body, up to max_body_size: closing with data still arriving makes the kernel reset the connection, which
        // throws away the answer on the caller's side. The JDK drains only 64 KB by default.
        long drain = config.maxBodySize() > 0 ? config.maxBodySize() : 64L * 1024 * 1024;
        System.setProperty("sun.net.httpserver.drainAmount", Long.toString(Math.max(64 * 1024, drain)));
    }

    /** @return the port actually bound (differs from the setting when it is 0) */
    public int start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), BACKLOG);
        server.setExecutor(requests);
        Admission admitted = new Admission(config.maxInflight(), metrics, function);
        server.createContext("/", new Routes(readiness, inFlight, admitted, admitted::hasRoom));
        server.start();
        readiness.markListening();
        return server.getAddress().getPort();
    }

    /**
     * Unhealthy and lock removed first, then the listener closes (new connections are refused) and in-flight
     * requests get up to write_timeout to finish; whatever still runs after that is killed.
     */
    public void drain() {
        readiness.startDraining();
        long waitSeconds = drainSeconds(config);
        Log.info("draining", "in_flight_wait", waitSeconds + "s");
        // stop() closes the listener at once but then sleeps out its whole delay, so it runs beside the wait below.
        Thread stopper = new Thread(() -> server.stop((int) Math.min(Integer.MAX_VALUE, waitSeconds)), "watchdog-stop");
        stopper.setDaemon(true);
        stopper.start();
        boolean drained;
        try {
            drained = inFlight.awaitNone(waitSeconds * 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        if (!drained) {
            Log.warn("requests still running after the drain period; killing them");
        }
        stopWork.run();
        Log.info("stopped", "drained", drained, "mode", config.mode().name().toLowerCase(Locale.ROOT));
    }

    /** write_timeout bounds every request; without it, exec_timeout; with neither, a bound still keeps stop finite. */
    public static long drainSeconds(WatchdogConfig config) {
        Duration bound = !config.writeTimeout().isZero() ? config.writeTimeout() : config.execTimeout();
        return bound.isZero() ? 30 : ceilSeconds(bound) + 1;
    }

    private static String wholeSecondsOrOff(Duration d, long grace) {
        return d.isZero() ? "-1" : Long.toString(ceilSeconds(d) + grace);
    }

    private static long ceilSeconds(Duration d) {
        return (d.toMillis() + 999) / 1000;
    }
}

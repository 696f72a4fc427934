package dev.faas.watchdog;

import dev.faas.common.DaemonThreads;
import dev.faas.watchdog.config.ConfigException;
import dev.faas.watchdog.config.WatchdogConfig;
import dev.faas.watchdog.exec.FunctionRunner;
import dev.faas.watchdog.exec.JdkSpawner;
import dev.faas.watchdog.exec.PosixSpawner;
import dev.faas.watchdog.exec.Spawner;
import dev.faas.watchdog.exec.Programs;
import dev.faas.watchdog.http.Readiness;
import dev.faas.watchdog.http.WatchdogServer;
import dev.faas.watchdog.lambda.LambdaMode;
import dev.faas.watchdog.metrics.HttpMetrics;
import dev.faas.watchdog.metrics.MetricsServer;
import dev.faas.watchdog.proxy.HttpMode;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** The watchdog: reads its settings, starts the listener, drains on SIGTERM. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        WatchdogConfig config;
        try {
            config = WatchdogConfig.fromEnvironment(System.getenv());
        } catch (ConfigException e) {
            Log.error(e.getMessage());
            System.exit(2);
            return;
        }
        if (config.mode() == WatchdogConfig.Mode.HTTP) {
            startHttpMode(config);
        } else if (config.mode() == WatchdogConfig.Mode.LAMBDA) {
            startLambdaMode(config);
        } else {
            startForkOrStreaming(config);
        }
    }

    private static void startForkOrStreaming(WatchdogConfig config) {
        WatchdogServer.tune(config);
        FunctionRunner runner = runner(config);
        HttpMetrics metrics = new HttpMetrics();
        WatchdogServer server = new WatchdogServer(config, runner, pool("watchdog-request-"), metrics);
        int port;
        int metricsPort;
        try {
            metricsPort = new MetricsServer(metrics).start(config.bindAddress(), config.metricsPort());
            port = server.start();
        } catch (IOException e) {
            cannotStart(config, e);
            return;
        }
        onSigterm(server::drain);
        Log.info("listening", "port", port, "metrics_port", metricsPort, "mode", mode(config),
                "spawn", runner.spawner(), "fprocess", String.join(" ", config.command()));
    }

    private static void startHttpMode(WatchdogConfig config) {
        HttpMetrics metrics = new HttpMetrics();
        HttpMode mode;
        int metricsPort;
        try {
            metricsPort = new MetricsServer(metrics).start(config.bindAddress(), config.metricsPort());
            mode = HttpMode.start(config, pool("watchdog-conn-"), metrics);
        } catch (IOException e) {
            cannotStart(config, e);
            return;
        }
        onSigterm(() -> mode.drain(WatchdogServer.drainSeconds(config)));
        Log.info("listening", "port", mode.port(), "metrics_port", metricsPort, "mode", mode(config),
                "upstream", config.upstreamUrl(),
                "fprocess", String.join(" ", config.command()));
    }

    private static void startLambdaMode(WatchdogConfig config) {
        WatchdogServer.tune(config); // the callers' server; the Runtime API is served apart (lambda.RuntimeApiServer)
        HttpMetrics metrics = new HttpMetrics();
        LambdaMode mode;
        int metricsPort;
        try {
            metricsPort = new MetricsServer(metrics).start(config.bindAddress(), config.metricsPort());
            mode = LambdaMode.start(config, pool("watchdog-request-"), metrics);
        } catch (IOException e) {
            cannotStart(config, e);
            return;
        }
        onSigterm(mode::drain);
        Log.info("listening", "port", mode.port(), "metrics_port", metricsPort, "mode", mode(config),
                "runtime_api", mode.runtimeApi(), "runtimes", config.lambda().runtimes(),
                "fprocess", String.join(" ", config.command()));
    }

    private static void cannotStart(WatchdogConfig config, IOException e) {
        if (e instanceof Readiness.LockFileException || e instanceof LambdaMode.RuntimeApiUnavailable) {
            Log.error(e.getMessage());
        } else {
            Log.error("cannot listen; are the ports free and the address local?", "address", config.bindAddress(),
                    "port", config.port(), "metrics_port", config.metricsPort(), "error", e.getMessage());
        }
        System.exit(1);
    }

    private static void onSigterm(Runnable drain) {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(new Runnable() {
                @Override
                public void run() {
                    drain.run();
                    System.err.flush();
                    Runtime.getRuntime().halt(0); // a drained stop is a clean exit, not the 143 of an unhandled SIGTERM
                }
            }, "watchdog-drain"));
        } catch (IllegalStateException e) {
            // "Shutdown in progress": SIGTERM came while starting, so nothing is in flight and there is nothing to drain.
            Log.info("stopped", "during", "start");
            Runtime.getRuntime().halt(0);
        }
    }

    private static String mode(WatchdogConfig config) {
        return config.mode().name().toLowerCase(Locale.ROOT);
    }

    private static FunctionRunner runner(WatchdogConfig config) {
        String path = System.getenv("PATH");
        String program = Programs.find(config.command().get(0), path);
        if (program == null) {
            Log.warn("fprocess program not found on PATH or not executable; requests will fail with 500 until it exists",
                    "program", config.command().get(0), "PATH", path);
        }
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("watchdog-timer-"));
        timer.setRemoveOnCancelPolicy(true);
        return new FunctionRunner(config.command(), program, config.combineOutput(), config.processLimit(),
                timer, pool("watchdog-stdin-"), spawner(config));
    }

    private static Spawner spawner(WatchdogConfig config) {
        if (config.spawn() == WatchdogConfig.Spawn.JDK) {
            return new JdkSpawner();
        }
        try {
            return PosixSpawner.load();
        } catch (UnsupportedOperationException | LinkageError e) { // LinkageError: JNA is not on the class path
            Log.info("starting processes the JDK's way (slower): " + e, "spawn", "jdk");
            return new JdkSpawner();
        }
    }

    private static ExecutorService pool(String prefix) {
        return new ElasticPool(DaemonThreads.named(prefix));
    }
}

package dev.faas.watchdog.lambda;

import dev.faas.common.DaemonThreads;
import dev.faas.watchdog.config.WatchdogConfig;
import dev.faas.watchdog.http.Readiness;
import dev.faas.watchdog.http.WatchdogServer;
import dev.faas.watchdog.metrics.HttpMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * mode=lambda: lambda_runtimes warm runtime processes (fprocess: a custom runtime's bootstrap, or a runtime interface
 * client), each served the AWS Lambda Runtime API on its own 127.0.0.1 port, all taking invocations from one queue
 * fed by the callers on the watchdog's port. Ready once a runtime has asked for its first invocation.
 */
public final class LambdaMode {
    /** With neither exec_timeout nor write_timeout: Lambda's longest timeout, so no invocation waits forever. */
    private static final Duration NO_LIMIT = Duration.ofMinutes(15);
    /** SIGTERM to the runtimes at the end of a drain, then their trees are killed. */
    private static final Duration RUNTIME_STOP_GRACE = Duration.ofSeconds(2);

    /** A Runtime API port cannot be bound: its message names the address and the setting. */
    public static final class RuntimeApiUnavailable extends IOException {
        RuntimeApiUnavailable(String message, IOException cause) {
            super(message, cause);
        }
    }

    private final WatchdogServer server;
    private final List<RuntimeSlot> slots;
    private final int port;

    private LambdaMode(WatchdogServer server, List<RuntimeSlot> slots, int port) {
        this.server = server;
        this.slots = slots;
        this.port = port;
    }

    /** Binds the Runtime API ports and the callers' port, then starts the runtimes. */
    public static LambdaMode start(WatchdogConfig config, ExecutorService requests, HttpMetrics metrics)
            throws IOException {
        WatchdogConfig.Lambda settings = config.lambda();
        int memoryMb = settings.memoryMb() > 0 ? settings.memoryMb() : MemorySize.limitMb(Path.of("/sys/fs/cgroup"));
        Readiness readiness = new Readiness(config.lockFile(), config.suppressLock(), true,
                "no Lambda runtime is ready (none has asked for an invocation yet)");
        FunctionLog log = new FunctionLog();
        Runtimes runtimes = new Runtimes(readiness, new InvocationLog(log, memoryMb), settings.initTimeout());
        Dispatcher dispatcher = new Dispatcher(runtimes);
        RuntimeEnvironment environment = new RuntimeEnvironment(settings, memoryMb);
        // At most RuntimeApiServer.MAX_CONNECTIONS of them busy per runtime.
        ExecutorService apiThreads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), DaemonThreads.named("lambda-api-"));
        List<RuntimeSlot> slots = new ArrayList<>();
        List<RuntimeApiServer> apis = new ArrayList<>();
        for (int i = 0; i < settings.runtimes(); i++) {
            RuntimeSlot slot = new RuntimeSlot(i, config.command(), environment, settings.taskRoot(), runtimes, log);
            int apiPort = settings.runtimePort() == 0 ? 0 : settings.runtimePort() + i;
            try {
                apis.add(RuntimeApiServer.bind(apiPort, slot, dispatcher, runtimes, apiThreads,
                        config.maxBodySize(), environment.functionArn()));
            } catch (IOException e) {
                throw new RuntimeApiUnavailable("cannot serve the Lambda Runtime API on 127.0.0.1:" + apiPort
                        + " (lambda_runtime_port + " + i + "): " + e.getMessage() + "; is the port taken?", e);
            }
            runtimes.add(slot);
            slots.add(slot);
        }
        WatchdogConfig.Limit limit = config.processLimit();
        long limitNanos = (limit == null ? NO_LIMIT : limit.duration()).toNanos();
        WatchdogServer server = new WatchdogServer(config, new LambdaHandler(config, dispatcher, limitNanos),
                new Runnable() {
                    @Override
                    public void run() {
                        runtimes.stop(RUNTIME_STOP_GRACE);
                    }
                }, readiness, requests, metrics);
        int port = server.start();
        for (RuntimeApiServer api : apis) {
            api.start();
        }
        for (RuntimeSlot slot : slots) {
            slot.start();
        }
        return new LambdaMode(server, slots, port);
    }

    public int port() {
        return port;
    }

    /** Where the runtimes are served the Runtime API, for the start's log line. */
    public String runtimeApi() {
        StringBuilder out = new StringBuilder();
        for (RuntimeSlot slot : slots) {
            out.append(out.length() == 0 ? "" : ",").append("127.0.0.1:").append(slot.port);
        }
        return out.toString();
    }

    /** SIGTERM: unhealthy, no new calls, in-flight ones finished (up to the bound), then the runtimes stopped. */
    public void drain() {
        server.drain();
    }
}

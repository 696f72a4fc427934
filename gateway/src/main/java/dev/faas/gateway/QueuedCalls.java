package dev.faas.gateway;

import dev.faas.gateway.async.HttpCallbackPoster;
import dev.faas.gateway.async.LoopbackInvoker;
import dev.faas.gateway.config.GatewayConfig;
import dev.faas.gateway.config.QueueConfig;
import dev.faas.gateway.metrics.AsyncMetrics;
import dev.faas.gateway.provider.Function;
import dev.faas.gateway.provider.FunctionRegistry;
import dev.faas.gateway.provider.nats.JetStreamQueue;
import dev.faas.gateway.queue.CallQueue;
import dev.faas.gateway.queue.CallbackSender;
import dev.faas.gateway.queue.CallbackUrls;
import dev.faas.gateway.queue.QueueWorker;
import dev.faas.gateway.queue.RetryPolicy;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How the queue's worker is wired into the gateway's process, and how it stops with it. */
final class QueuedCalls {
    private static final Logger LOG = LoggerFactory.getLogger(QueuedCalls.class);

    private QueuedCalls() {}

    /**
     * The gateway's own function route, on its 127.0.0.1 listener: the invoke path of queued calls and of the
     * Blueprint door, so they run exactly as sync calls do.
     */
    static LoopbackInvoker loopback(GatewayConfig config, Undertow server, long maxAnswer, ExecutorService work) {
        int port = ((InetSocketAddress) server.getListenerInfo().stream()
                .filter(l -> ((InetSocketAddress) l.getAddress()).getAddress().isLoopbackAddress()
                        && ((InetSocketAddress) l.getAddress()).getPort() != config.port())
                .findFirst().orElseThrow().getAddress()).getPort();
        Duration callTimeout = config.upstreamTimeout().plus(config.scaleFromZeroTimeout()).plusSeconds(10);
        return new LoopbackInvoker(port, callTimeout, maxAnswer, work);
    }

    /** Connects to NATS and starts the worker (null when queued calls are off). */
    static QueueWorker start(GatewayConfig config, CallQueue queue, Undertow server,
                                          FunctionRegistry registry, AsyncMetrics metrics, CallbackUrls urls,
                                          ExecutorService work, ScheduledExecutorService timer) {
        QueueConfig q = config.queue();
        if (!(queue instanceof JetStreamQueue nats)) {
            return null;
        }
        Clock clock = Clock.systemUTC();
        QueueWorker worker = new QueueWorker(loopback(config, server, q.maxBody(), work), queue,
                new RetryPolicy(q.maxAttempts(), q.retryFirst(), q.retryMax(), q.maxAge(), Math::random), metrics,
                timer, q.ackWait(), clock);
        CallbackSender callbacks = new CallbackSender(new HttpCallbackPoster(urls, work),
                new RetryPolicy(q.callbackAttempts(), q.retryFirst(), q.retryMax(), q.maxAge(), Math::random),
                metrics, clock);
        try {
            nats.connect();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        queue.start(worker, callbacks, function -> maxInflight(registry.find(function), q.maxInflight()));
        timer.scheduleWithFixedDelay(() -> metrics.queue(queue.status()), 5, 5, TimeUnit.SECONDS);
        LOG.info("event=queue_started server={} max_inflight={} max_attempts={}", q.natsUrl(), q.maxInflight(),
                q.maxAttempts());
        return worker;
    }

    /** A function's com.openfaas.queue.max_inflight label, else the setting. */
    static int maxInflight(Function function, int fallback) {
        String label = function == null ? null : function.labels().get("com.openfaas.queue.max_inflight");
        try {
            int n = label == null ? fallback : Integer.parseInt(label.trim());
            return n > 0 ? Math.min(n, 10_000) : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Stops taking queued calls and waits a little for those running to finish; the rest come again later. */
    static void drain(CallQueue queue, QueueWorker worker) {
        queue.stopDelivering();
        long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        while (worker != null && worker.running() > 0 && System.nanoTime() < until) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
        if (worker != null && worker.running() > 0) {
            LOG.info("event=queue_left_running calls={}", worker.running());
        }
        try {
            Thread.sleep(500); // the acknowledgements of the calls that just finished are on their way to NATS
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

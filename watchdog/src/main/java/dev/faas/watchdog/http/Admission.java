package dev.faas.watchdog.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.faas.watchdog.metrics.HttpMetrics;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.Semaphore;

/** What fork and streaming modes let through to a process: the methods that carry a call, up to max_inflight. */
final class Admission implements HttpHandler {
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

    private final int maxInflight;
    private final Semaphore inflight;
    private final HttpHandler next;
    private final HttpMetrics metrics;

    /** @param maxInflight 0 for no limit */
    Admission(int maxInflight, HttpMetrics metrics, HttpHandler next) {
        this.metrics = metrics;
        this.maxInflight = maxInflight;
        this.inflight = maxInflight > 0 ? new Semaphore(maxInflight) : null;
        this.next = next;
    }

    boolean hasRoom() {
        return inflight == null || inflight.availablePermits() > 0;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long start = System.nanoTime();
        metrics.started();
        try {
            admit(exchange);
        } finally {
            metrics.finished(exchange.getRequestMethod(), exchange.getResponseCode(), System.nanoTime() - start);
        }
    }

    private void admit(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (!METHODS.contains(method)) {
            exchange.getResponseHeaders().set("Allow", "GET, POST, PUT, PATCH, DELETE");
            Responses.text(exchange, 405, "method " + method + " is not allowed; use GET, POST, PUT, PATCH or DELETE\n");
            return;
        }
        if (inflight != null && !inflight.tryAcquire()) {
            Responses.text(exchange, 429, "too many requests in flight (max_inflight=" + maxInflight
                    + "); retry later\n");
            return;
        }
        try {
            next.handle(exchange);
        } finally {
            if (inflight != null) {
                inflight.release();
            }
        }
    }
}

package dev.faas.watchdog.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;

/**
 * Every route of the watchdog:
 * <pre>
 *   GET|HEAD /_/health   200 "OK" while ready, 503 while draining
 *   any other path       the function (GET, POST, PUT, PATCH, DELETE; other methods 405)
 * </pre>
 * The JDK server matches contexts by raw prefix ("/_/healthz" would match "/_/health"), so the match is done here.
 */
public final class Routes implements HttpHandler {
    static final String HEALTH = "/_/health";

    private final Readiness readiness;
    private final InFlight inFlight;
    private final HttpHandler function;

    Routes(Readiness readiness, InFlight inFlight, HttpHandler function) {
        this.readiness = readiness;
        this.inFlight = inFlight;
        this.function = function;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        inFlight.enter();
        try (exchange) {
            if (HEALTH.equals(exchange.getRequestURI().getPath())) {
                health(exchange);
            } else {
                function.handle(exchange);
            }
        } finally {
            inFlight.exit();
        }
    }

    private void health(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            Responses.text(exchange, 405, "use GET or HEAD for " + HEALTH + "\n");
        } else if (readiness.isHealthy()) {
            Responses.text(exchange, 200, "OK\n");
        } else {
            Responses.text(exchange, 503, "draining\n");
        }
    }
}

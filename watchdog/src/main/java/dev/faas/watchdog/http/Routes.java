package dev.faas.watchdog.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * Every route of the watchdog, in every mode:
 * <pre>
 *   GET|HEAD /_/health   200 "OK" while ready, 503 while starting (http mode: until the process listens),
 *                        while its process restarts, and while draining
 *   GET|HEAD /_/ready    the same, and 429 while max_inflight requests are in flight
 *   any other path       the function: fork and streaming modes run fprocess (GET, POST, PUT, PATCH, DELETE;
 *                        other methods 405); http mode proxies any method to upstream_url
 * </pre>
 * Fork and streaming modes serve through this handler on the JDK server; http mode's own server
 * (proxy.ClientConnection) asks {@link #of} and answers {@link #probe} the same way. The JDK server matches contexts
 * by raw prefix ("/_/healthz" would match "/_/health"), so the match is done here.
 */
public final class Routes implements HttpHandler {
    public enum Route { HEALTH, READY, FUNCTION }

    /** A probe's answer: status and body. */
    public record Answer(int status, String body) {}

    private final Readiness readiness;
    private final InFlight inFlight;
    private final HttpHandler function;
    private final BooleanSupplier hasRoom;

    Routes(Readiness readiness, InFlight inFlight, HttpHandler function, BooleanSupplier hasRoom) {
        this.readiness = readiness;
        this.inFlight = inFlight;
        this.function = function;
        this.hasRoom = hasRoom;
    }

    public static Route of(String path) {
        if (path.startsWith("/_/")) {
            if (path.equals("/_/health")) {
                return Route.HEALTH;
            }
            if (path.equals("/_/ready")) {
                return Route.READY;
            }
        }
        return Route.FUNCTION;
    }

    /** The answer to a GET or HEAD of /_/health or /_/ready. */
    public static Answer probe(Route route, Readiness readiness, boolean hasRoom) {
        if (!readiness.isHealthy()) {
            return new Answer(503, readiness.state() + "\n");
        }
        if (route == Route.READY && !hasRoom) {
            return new Answer(429, "at max_inflight\n");
        }
        return new Answer(200, "OK\n");
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        inFlight.enter();
        boolean close = true;
        try {
            String problem = RequestCheck.problem(exchange);
            if (problem != null) {
                Responses.refuse(exchange, 400, problem + "\n");
                return;
            }
            if ("chunked".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Transfer-Encoding"))) {
                exchange.setStreams(new ChunkedBody(exchange.getRequestBody(), exchange), null);
            }
            Route route = of(exchange.getRequestURI().getPath());
            if (route == Route.FUNCTION) {
                function.handle(exchange);
            } else {
                probe(exchange, route);
            }
        } catch (StreamingHandler.Aborted e) {
            close = false; // closing would end the chunked body cleanly; the server drops the connection instead
            throw e;
        } finally {
            if (close) {
                exchange.close();
            }
            inFlight.exit();
        }
    }

    private void probe(HttpExchange exchange, Route route) throws IOException {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            Responses.text(exchange, 405, "use GET or HEAD for " + exchange.getRequestURI().getPath() + "\n");
            return;
        }
        Answer answer = probe(route, readiness, hasRoom.getAsBoolean());
        Responses.text(exchange, answer.status(), answer.body());
    }
}

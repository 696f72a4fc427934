package dev.faas.gateway.api;

import dev.faas.gateway.provider.LogSource;
import dev.faas.gateway.provider.LogSource.Line;
import dev.faas.gateway.provider.ManagementException;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * {@code GET /system/logs?name=&tail=&follow=&since=&instance=}: the function's log lines as NDJSON
 * ({@code {"name","namespace","instance","timestamp","text"}} per line), written as they come. A followed stream
 * ends when the caller goes away; it holds one worker thread meanwhile (and no Docker connection: see
 * {@link dev.faas.gateway.provider.swarm.SwarmLogs}).
 */
public final class LogsHandler {
    static final int MAX_STREAMS = 100;
    private final LogSource logs;
    private final Namespace namespace;
    private final Semaphore streams = new Semaphore(MAX_STREAMS);
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "logs");
        t.setDaemon(true);
        return t;
    });

    public LogsHandler(LogSource logs, Namespace namespace) {
        this.logs = logs;
        this.namespace = namespace;
    }

    public HttpHandler logs() {
        HttpHandler stream = Api.blocking(this::stream, threads);
        return exchange -> {
            // Counted before a thread is taken, so a refused call costs none.
            if (!streams.tryAcquire()) {
                PlainText.send(exchange, 429, MAX_STREAMS + " log streams are open already; close one or try again later");
                return;
            }
            exchange.addExchangeCompleteListener((done, next) -> {
                streams.release();
                next.proceed();
            });
            stream.handleRequest(exchange);
        };
    }

    private void stream(HttpServerExchange exchange)
            throws ManagementException, IOException {
        namespace.checkQuery(exchange);
        LogSource.Query q = query(Api.query(exchange, "name"), Api.query(exchange, "tail"),
                Api.query(exchange, "follow"), Api.query(exchange, "since"), Api.query(exchange, "instance"));
        try (LogSource.Stream stream = logs.open(q)) {
            exchange.getConnection().addCloseListener(connection -> stream.close());
            exchange.setStatusCode(200);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/x-ndjson");
            OutputStream out = exchange.getOutputStream();
            try {
                if (q.follow()) {
                    out.flush(); // the caller sees 200 now, not at the first new line
                }
                for (Line line = stream.next(); line != null; line = stream.next()) {
                    if (line != LogSource.IDLE) {
                        out.write(Api.JSON.writeValueAsBytes(new Line(line.name(), namespace.name(),
                                line.instance(), line.timestamp(), line.text())));
                    }
                    // An empty line while idle is the keep-alive: JSON stream readers skip it, and writing it
                    // is how a departed caller is noticed.
                    out.write('\n');
                    if (q.follow()) {
                        out.flush();
                    }
                }
                out.close();
            } catch (IOException e) {
                // The caller went away, or Docker ended the stream: nothing left to tell anyone.
            }
        }
    }

    /** The query parameters checked and parsed; each problem names its parameter. */
    static LogSource.Query query(String name, String tail, String follow, String since, String instance)
            throws ManagementException {
        DeploymentRequests.requireName("name", name);
        int lines = -1;
        if (!tail.isEmpty()) {
            try {
                lines = Integer.parseInt(tail);
            } catch (NumberFormatException e) {
                throw Api.invalid("tail must be a whole number of lines (or -1 for all), not \""
                        + DeploymentRequests.printable(tail) + "\"");
            }
            if (lines < -1) {
                throw Api.invalid("tail must be -1 (all) or more, not " + lines);
            }
        }
        boolean follows = switch (follow) {
            case "", "false", "0" -> false;
            case "true", "1" -> true;
            default -> throw Api.invalid("follow must be true or false");
        };
        Instant from = null;
        if (!since.isEmpty()) {
            try {
                from = Instant.parse(since);
            } catch (DateTimeParseException e) {
                throw Api.invalid("since must be an RFC 3339 time such as 2024-01-31T12:00:00Z, not \""
                        + DeploymentRequests.printable(since) + "\"");
            }
        }
        return new LogSource.Query(name, lines, follows, from, instance);
    }
}

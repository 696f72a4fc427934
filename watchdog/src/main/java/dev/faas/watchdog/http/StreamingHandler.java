package dev.faas.watchdog.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.faas.watchdog.Log;
import dev.faas.watchdog.config.WatchdogConfig;
import dev.faas.watchdog.exec.FunctionRunner;
import dev.faas.watchdog.exec.Outcome;
import dev.faas.watchdog.exec.OutputBuffer;
import dev.faas.watchdog.exec.Stdin;
import dev.faas.watchdog.exec.Stdout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * Streaming mode: one process per request, the body streamed to stdin and stdout streamed to the caller as it
 * comes, so neither has to fit in memory. The status line waits for the first output byte or the process's end:
 * a process that fails or times out before any output gets the fork mode's 500 or 504. Once 200 went out, a failure
 * ends the chunked body without its last chunk, so the caller sees an incomplete response, never a clean one.
 */
final class StreamingHandler implements HttpHandler {
    private static final int BUFFER = 64 * 1024;

    private final WatchdogConfig config;
    private final FunctionRunner runner;
    private final FunctionHandler answers;

    StreamingHandler(WatchdogConfig config, FunctionRunner runner, FunctionHandler answers) {
        this.config = config;
        this.runner = runner;
        this.answers = answers;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Headers headers = exchange.getRequestHeaders();
        long length = FunctionHandler.contentLength(headers);
        long max = config.maxBodySize();
        if (max > 0 && length > max) {
            FunctionHandler.tooLarge(exchange, max);
            return;
        }
        Map<String, String> env = config.cgiHeaders()
                ? CgiEnvironment.of(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestURI().getRawQuery(), headers, length)
                : Map.of();
        Relay relay = new Relay(exchange);
        Outcome outcome = runner.run(env, new Stdin.Streamed(exchange.getRequestBody(), max), relay);
        if (!relay.committed) {
            answers.respond(exchange, outcome, new OutputBuffer());
        } else if (!(outcome instanceof Outcome.Exited exited && exited.status() == 0)) {
            Log.warn("streamed response cut short: the function failed after its output began", "outcome", outcome,
                    "bytes_sent", relay.sent);
            throw new Aborted(outcome.toString());
        }
        // else: Routes closes the exchange, which writes the last chunk
    }

    /** Passes stdout on; the first byte commits the 200. */
    private final class Relay implements Stdout {
        private final HttpExchange exchange;
        private boolean committed;
        private long sent;

        Relay(HttpExchange exchange) {
            this.exchange = exchange;
        }

        @Override
        public void readFrom(InputStream in) throws IOException {
            byte[] buf = new byte[BUFFER];
            int n = in.read(buf);
            if (n < 0) {
                return; // no output at all: the exit status decides the answer
            }
            FunctionHandler.setContentType(exchange, config);
            if (exchange.getRequestBody() instanceof ChunkedBody body && !body.ended()) {
                // A trailer may still come, and then must not be read as the next request (ChunkedBody).
                exchange.getResponseHeaders().set("Connection", "close");
            }
            exchange.sendResponseHeaders(200, 0);
            committed = true;
            OutputStream body = exchange.getResponseBody();
            while (n >= 0) {
                body.write(buf, 0, n);
                sent += n;
                if (in.available() == 0) {
                    body.flush(); // about to wait for the process: what it wrote reaches the caller now
                }
                n = in.read(buf);
            }
        }
    }

    /** The response was cut on purpose: the server must drop the connection without ending the body. */
    static final class Aborted extends IOException {
        Aborted(String why) {
            super(why, null);
        }
    }
}

package dev.faas.watchdog.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.faas.watchdog.Log;
import dev.faas.watchdog.config.Durations;
import dev.faas.watchdog.config.WatchdogConfig;
import dev.faas.watchdog.exec.FunctionRunner;
import dev.faas.watchdog.exec.Outcome;
import dev.faas.watchdog.exec.OutputBuffer;
import dev.faas.watchdog.exec.Stdin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Fork mode: one request, one process: the body to stdin, stdout held and sent once the process exited, so the
 * status code can tell the exit status.
 */
public final class FunctionHandler implements HttpHandler {
    /** A body this small fits the pipe buffer, so it is written at once instead of from a pump thread. */
    private static final int SMALL_BODY = 64 * 1024;
    private static final int DEBUG_PREVIEW = 16 * 1024;

    private final WatchdogConfig config;
    private final FunctionRunner runner;

    public FunctionHandler(WatchdogConfig config, FunctionRunner runner) {
        this.config = config;
        this.runner = runner;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        invoke(exchange, exchange.getRequestMethod());
    }

    private void invoke(HttpExchange exchange, String method) throws IOException {
        Headers headers = exchange.getRequestHeaders();
        long length = contentLength(headers);
        long max = config.maxBodySize();
        if (max > 0 && length > max) {
            tooLarge(exchange, max);
            return;
        }
        Stdin stdin;
        if (config.marshalRequest() || (length >= 0 && length <= SMALL_BODY)) {
            byte[] body = readBody(exchange.getRequestBody(), length, max);
            if (body == null) {
                tooLarge(exchange, max);
                return;
            }
            stdin = new Stdin.Bytes(config.marshalRequest() ? MarshalledRequest.json(headers, body) : body);
        } else {
            stdin = new Stdin.Streamed(exchange.getRequestBody(), max);
        }
        if (config.writeDebug()) {
            Log.info("request", "method", method, "path", exchange.getRequestURI().getRawPath(), "length", length);
        }
        Map<String, String> env = config.cgiHeaders()
                ? CgiEnvironment.of(method, exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(),
                        headers, length)
                : Map.of();
        OutputBuffer output = new OutputBuffer();
        if (config.logCalls()) {
            Log.forking();
        }
        Outcome outcome;
        try {
            outcome = runner.run(env, stdin, output);
        } catch (OutOfMemoryError e) {
            // The output is held until the process ends (its exit status decides the code). The run's tree is gone
            // (FunctionRunner kills it) and the output let go of (OutputBuffer): the caller is told why.
            long held = output.size();
            Log.error("function output did not fit in memory; use mode=streaming for large outputs, or give the"
                    + " container more memory", "bytes_held", held);
            Responses.text(exchange, 500, "the function's output did not fit in the watchdog's memory (" + held
                    + " bytes held); use mode=streaming for large outputs\n");
            return;
        }
        respond(exchange, outcome, output);
        if (config.logCalls() && outcome instanceof Outcome.Exited exited && exited.status() == 0) {
            Log.wrote(output.size(), Responses.seconds(exited.nanos()));
        }
    }

    /** The answer once the process ended; streaming mode uses it too while nothing was sent. */
    void respond(HttpExchange exchange, Outcome outcome, OutputBuffer output) throws IOException {
        if (outcome instanceof Outcome.Exited exited) {
            respondExited(exchange, exited, output);
        } else if (outcome instanceof Outcome.TimedOut timedOut) {
            Log.warn("function killed at its time limit; raise " + timedOut.limit().setting() + " if it needs longer",
                    "limit", Durations.format(timedOut.limit().duration()));
            Responses.text(exchange, 504, timedOut.limit().describe() + " reached: process killed\n");
        } else if (outcome instanceof Outcome.BodyTooLarge tooLarge) {
            tooLarge(exchange, tooLarge.maxBytes());
        } else if (outcome instanceof Outcome.BodyUnreadable unreadable) {
            Responses.refuse(exchange, 400, "the request body could not be read: " + unreadable.reason() + "\n");
        } else if (outcome instanceof Outcome.OutputFailed failed) {
            Responses.text(exchange, 500, "the function's output could not be read: " + failed.reason() + "\n");
        } else {
            String reason = ((Outcome.StartFailed) outcome).reason();
            Log.error("cannot start the function", "fprocess", String.join(" ", config.command()), "error", reason);
            Responses.text(exchange, 500, "cannot start the function: " + reason + "\n");
        }
    }

    private void respondExited(HttpExchange exchange, Outcome.Exited exited, OutputBuffer output) throws IOException {
        if (config.writeDebug()) {
            Log.info("function output", "status", exited.status(), "bytes", output.size(),
                    "output", output.preview(DEBUG_PREVIEW));
        }
        Headers response = exchange.getResponseHeaders();
        byte[] prefix = new byte[0];
        int code = 200;
        if (exited.status() == 0) {
            response.set("X-Duration-Seconds", Responses.seconds(exited.nanos()));
        } else {
            code = 500;
            prefix = ("exit status " + exited.status() + "\n").getBytes(StandardCharsets.UTF_8);
            Log.warn("function exited with an error", "status", exited.status(), "bytes", output.size());
        }
        setContentType(exchange, config);
        long size = prefix.length + output.size();
        exchange.sendResponseHeaders(code, size == 0 ? -1 : size);
        if (size > 0) {
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(prefix);
                output.writeTo(body);
            }
        }
    }

    /** content_type, else the request's own Content-Type echoed. */
    static void setContentType(HttpExchange exchange, WatchdogConfig config) {
        String contentType = config.contentType().isEmpty()
                ? exchange.getRequestHeaders().getFirst("Content-Type") : config.contentType();
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
    }

    static void tooLarge(HttpExchange exchange, long max) throws IOException {
        exchange.getResponseHeaders().set("Connection", "close");
        Responses.text(exchange, 413, "request body is larger than max_body_size (" + max + " bytes)\n");
    }

    /** The declared length, 0 when there is no body, -1 when it is chunked. */
    static long contentLength(Headers headers) {
        String chunked = headers.getFirst("Transfer-Encoding");
        if (chunked != null && chunked.equalsIgnoreCase("chunked")) {
            return -1;
        }
        String length = headers.getFirst("Content-Length");
        return length == null ? 0 : Long.parseLong(length.trim());
    }

    /** Reads a whole body, or returns null when it is longer than {@code max} (0 = no limit). */
    private static byte[] readBody(InputStream in, long length, long max) throws IOException {
        if (length > Integer.MAX_VALUE - 8) {
            return null; // marshal_request holds the body in one array
        }
        if (length >= 0) {
            return in.readNBytes((int) length);
        }
        byte[] body = in.readNBytes(max > 0 ? (int) Math.min(Integer.MAX_VALUE - 8, max + 1) : Integer.MAX_VALUE - 8);
        return max > 0 && body.length > max ? null : body;
    }
}

package dev.faas.watchdog.lambda;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.faas.watchdog.config.WatchdogConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The callers' side of lambda mode: each call on the function's route becomes one invocation. POST
 * /2015-03-31/functions/{name}/invocations (Lambda's Invoke, what the gateway's Lambda door sends) takes the body
 * as the event, verbatim; any other path per lambda_event. Every answer carries X-Amz-Executed-Version and
 * X-Amzn-RequestId; a function error adds X-Amz-Function-Error: Unhandled.
 */
final class LambdaHandler implements HttpHandler {
    private static final Pattern INVOKE = Pattern.compile("/2015-03-31/functions/[^/]+/invocations/?");
    private static final int WRITE_SLICE = 16 * 1024;

    private final WatchdogConfig config;
    private final Dispatcher dispatcher;
    private final long limitNanos;

    LambdaHandler(WatchdogConfig config, Dispatcher dispatcher, long limitNanos) {
        this.config = config;
        this.dispatcher = dispatcher;
        this.limitNanos = limitNanos;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long receivedNanos = System.nanoTime();
        long receivedMillis = System.currentTimeMillis();
        Headers h = exchange.getRequestHeaders();
        String rawPath = exchange.getRequestURI().getRawPath();
        boolean direct = exchange.getRequestMethod().equals("POST") && INVOKE.matcher(rawPath).matches();
        String id = Ids.requestId(h.getFirst("X-Call-Id"));
        byte[] body = readBody(exchange);
        if (body == null) {
            // Fork mode's words, so the gateway reads this 413 alike in every mode (its Lambda door makes it
            // RequestTooLargeException); the rest of the body is drained by the server before it closes.
            Headers out = exchange.getResponseHeaders();
            out.set("Connection", "close");
            out.set("X-Amz-Executed-Version", "$LATEST");
            out.set("X-Amzn-RequestId", id);
            out.set("Content-Type", "text/plain; charset=utf-8");
            send(exchange, 413, ("request body is larger than max_body_size (" + config.maxBodySize() + " bytes)\n")
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        String clientContext = null;
        String rawContext = h.getFirst("X-Amz-Client-Context");
        if (rawContext != null && !rawContext.isBlank()) {
            clientContext = clientContext(rawContext.trim());
            if (clientContext == null) {
                refuse(exchange, id, 400, "InvalidRequestContentException",
                        "Client context must be a valid Base64-encoded JSON object.");
                return;
            }
        }
        byte[] event = direct || config.lambda().event() == WatchdogConfig.Event.BODY ? body
                : ApiGatewayEvent.of(exchange.getRequestMethod(), rawPath, exchange.getRequestURI().getRawQuery(), h,
                        body, id, sourceIp(exchange), exchange.getProtocol(), receivedMillis);
        Invocation inv = new Invocation(id, event, clientContext, h.getFirst("X-Amz-Cognito-Identity"),
                "Tail".equalsIgnoreCase(h.getFirst("X-Amz-Log-Type")), limitNanos, receivedMillis, receivedNanos);
        Reply reply;
        try {
            reply = dispatcher.invoke(inv);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the function");
        }
        answer(exchange, inv, reply, !direct && config.lambda().event() == WatchdogConfig.Event.HTTP);
    }

    private void answer(HttpExchange exchange, Invocation inv, Reply reply, boolean unwrap) throws IOException {
        Headers out = exchange.getResponseHeaders();
        out.set("X-Amz-Executed-Version", "$LATEST");
        out.set("X-Amzn-RequestId", inv.id);
        if (reply.logTail() != null) {
            out.set("X-Amz-Log-Result", Base64.getEncoder().encodeToString(reply.logTail()));
        }
        int status = reply.status();
        byte[] body = reply.body();
        if (reply.unhandled()) {
            out.set("X-Amz-Function-Error", "Unhandled");
            out.set("Content-Type", reply.contentType());
        } else if (unwrap) {
            ApiGatewayEvent.Answer proxied = ApiGatewayEvent.answer(body);
            status = proxied.status();
            body = proxied.body();
            for (String[] header : proxied.headers()) {
                out.add(header[0], header[1]);
            }
        } else {
            out.set("Content-Type", reply.contentType());
        }
        send(exchange, status, body);
    }

    /** An answer of the Lambda service itself, in its error shape: {"Type":"User","message":...}. */
    private static void refuse(HttpExchange exchange, String id, int status, String type, String message)
            throws IOException {
        Headers out = exchange.getResponseHeaders();
        out.set("X-Amz-Executed-Version", "$LATEST");
        out.set("X-Amzn-RequestId", id);
        out.set("X-Amzn-ErrorType", type);
        out.set("Content-Type", "application/json");
        send(exchange, status, Json.object("Type", "User", "message", message));
    }

    /**
     * The body goes out in slices: the JDK's server copies each write into a buffer of twice its size that its
     * connection then keeps (and through a direct buffer as large, that its thread keeps), so one 6 MB write would
     * hold 12 MB of heap for as long as the gateway keeps that connection open.
     */
    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream o = exchange.getResponseBody()) {
                for (int at = 0; at < body.length; at += WRITE_SLICE) {
                    o.write(body, at, Math.min(WRITE_SLICE, body.length - at));
                }
            }
        }
    }

    /** The client's address: the first of X-Forwarded-For (the gateway's proxy sets it), else the peer's. */
    private static String sourceIp(HttpExchange exchange) {
        String forwarded = exchange.getRequestHeaders().getFirst("X-Forwarded-For");
        if (forwarded != null && !forwarded.isBlank()) {
            int comma = forwarded.indexOf(',');
            return (comma < 0 ? forwarded : forwarded.substring(0, comma)).trim();
        }
        return exchange.getRemoteAddress().getAddress().getHostAddress();
    }

    /** X-Amz-Client-Context: base64 of a JSON object; its JSON on one line (it becomes a header), or null. */
    static String clientContext(String base64) {
        byte[] json;
        try {
            json = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return null;
        }
        String text = new String(json, StandardCharsets.UTF_8);
        if (Json.objectOrNull(text) == null) {
            return null;
        }
        // Line breaks in valid JSON are whitespace between tokens (never inside a string): safe to flatten.
        return text.replace('\r', ' ').replace('\n', ' ');
    }

    /** The whole body, or null when it is over max_body_size; read into one array of its size when it has one. */
    private byte[] readBody(HttpExchange exchange) throws IOException {
        long max = config.maxBodySize();
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        InputStream in = exchange.getRequestBody();
        if (length != null && !"chunked".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Transfer-Encoding"))) {
            long n = Long.parseLong(length.trim()); // RequestCheck has made sure it is digits
            if ((max > 0 && n > max) || n > Integer.MAX_VALUE - 8) {
                return null;
            }
            byte[] body = new byte[(int) n];
            for (int at = 0; at < body.length; ) {
                int read = in.read(body, at, body.length - at);
                if (read < 0) {
                    throw new IOException("the request body ended after " + at + " of " + n + " bytes");
                }
                at += read;
            }
            return body;
        }
        long cap = max > 0 ? Math.min(Integer.MAX_VALUE - 8, max + 1) : Integer.MAX_VALUE - 8;
        byte[] body = new byte[(int) Math.min(cap, 16 * 1024)];
        int at = 0;
        while (true) {
            if (at == body.length) {
                if (at == cap) {
                    break;
                }
                body = Arrays.copyOf(body, (int) Math.min(cap, 2L * body.length));
            }
            int read = in.read(body, at, body.length - at);
            if (read < 0) {
                break;
            }
            at += read;
        }
        return max > 0 && at > max ? null : at == body.length ? body : Arrays.copyOf(body, at);
    }
}

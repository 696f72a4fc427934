package dev.faas.gateway.async;

import dev.faas.gateway.api.PlainText;
import dev.faas.gateway.metrics.AsyncMetrics;
import dev.faas.gateway.provider.Function;
import dev.faas.gateway.proxy.CallIds;
import dev.faas.gateway.queue.CallQueue;
import dev.faas.gateway.queue.CallbackUrls;
import dev.faas.gateway.queue.Header;
import dev.faas.gateway.queue.QueueUnavailableException;
import dev.faas.gateway.queue.QueuedCall;
import dev.faas.gateway.routing.FunctionNames;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenFaaS's queued calls: {@code <any method> /async-function/<name>[/sub/path][?query]}, or {@code /async-function}
 * with {@code X-Function: <name>}, answers 202 with {@code X-Call-Id} once the call is stored, never before.
 * A caller's own {@code X-Call-Id} (letters, digits, '-', '_', at most 64) is kept, and a call sent again with it
 * within 2 minutes is stored once. {@code X-Callback-Url} names where the answer is posted.
 * <p>
 * Errors, each before anything is stored: an unknown function 404, a bad callback URL 400, a body over
 * async_max_body 413, the queue unavailable 503 (the caller sends it again: nothing of it was kept).
 */
public final class AsyncCallHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(AsyncCallHandler.class);
    public static final String PREFIX = "/async-function";
    static final HttpString X_CALL_ID = new HttpString("X-Call-Id");
    static final HttpString X_CALLBACK_URL = new HttpString("X-Callback-Url");
    private static final HttpString X_FUNCTION = new HttpString("X-Function");
    private static final Pattern CALLER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** Not stored: they describe the caller's connection to the gateway, or are the call's own. */
    private static final Set<String> NOT_KEPT = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "content-length", "host", "expect", "proxy-authorization",
            "proxy-authenticate", "x-call-id", "x-callback-url", "x-function");

    private final java.util.function.Function<String, Function> functions;
    private final CallQueue queue;
    private final CallbackUrls callbacks;
    private final AsyncMetrics metrics;
    private final Clock clock;
    private final long maxBody;
    private final java.util.function.BooleanSupplier functionsKnown;

    /**
     * @param functionsKnown whether the functions were read at least once: before that an unknown name is a 503,
     *                       not a 404 (a gateway just started does not know them yet, and the caller would give up)
     */
    public AsyncCallHandler(java.util.function.Function<String, Function> functions,
                            java.util.function.BooleanSupplier functionsKnown, CallQueue queue,
                            CallbackUrls callbacks, AsyncMetrics metrics, Clock clock, long maxBody) {
        this.maxBody = maxBody;
        this.functionsKnown = functionsKnown;
        this.functions = functions;
        this.queue = queue;
        this.callbacks = callbacks;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this); // storing waits for NATS: a worker thread
            return;
        }
        String path = exchange.getRequestURI();
        if (exchange.isHostIncludedInRequestURI()) {
            int slash = path.indexOf('/', path.indexOf("//") + 2);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        String name;
        String subPath;
        if (path.equals(PREFIX) || path.equals(PREFIX + "/")) {
            String header = exchange.getRequestHeaders().getFirst(X_FUNCTION);
            if (header == null) {
                PlainText.send(exchange, 400, "missing function name: call /async-function/<name>, or send X-Function");
                return;
            }
            name = header.trim();
            subPath = "";
        } else if (path.startsWith(PREFIX + "/")) {
            int start = PREFIX.length() + 1;
            int end = path.indexOf('/', start);
            name = end < 0 ? path.substring(start) : path.substring(start, end);
            subPath = end < 0 ? "" : path.substring(end);
        } else {
            PlainText.send(exchange, 404, "no route for this path: queued calls are sent to /async-function/<name>");
            return;
        }
        if (!FunctionNames.isValid(name)) {
            PlainText.send(exchange, 400, "invalid function name: use " + FunctionNames.RULE);
            return;
        }
        Function function = functions.apply(name);
        if (function == null) {
            if (functionsKnown.getAsBoolean()) {
                PlainText.send(exchange, 404, "function \"" + name + "\" not found");
            } else {
                PlainText.send(exchange, 503, "the gateway is starting and has not read the functions yet: send it again shortly");
            }
            return;
        }
        String callback = exchange.getRequestHeaders().getFirst(X_CALLBACK_URL);
        if (callback != null) {
            callback = callback.trim();
            String problem = callbacks.problem(callback);
            if (problem != null) {
                PlainText.send(exchange, 400, problem);
                return;
            }
        }
        if (!queue.available()) {
            PlainText.send(exchange, 503, queue.status().detail() + ": the call was not accepted, send it again");
            return;
        }
        String id = callId(exchange.getRequestHeaders().getFirst(X_CALL_ID));
        QueuedCall call = new QueuedCall(id, function.name(), exchange.getRequestMethod().toString(), subPath,
                exchange.getQueryString(), headers(exchange), callback, clock.instant(), null);
        exchange.startBlocking();
        try {
            queue.enqueue(call, exchange.getInputStream());
        } catch (RequestTooBigException e) {
            PlainText.tooLarge(exchange, "async_max_body", maxBody); // a body without Content-Length, counted
            return;
        } catch (IOException e) {
            exchange.setPersistent(false);
            PlainText.send(exchange, 400, "could not read the request body (" + e.getMessage() + "): nothing was stored");
            return;
        } catch (IllegalStateException e) {
            PlainText.send(exchange, 431, e.getMessage() + ": nothing was stored");
            return;
        } catch (QueueUnavailableException e) {
            LOG.warn("event=async_refused function={} problem=\"{}\"", function.name(), e.getMessage());
            PlainText.send(exchange, 503, e.getMessage());
            return;
        }
        metrics.accepted(function.name());
        exchange.setStatusCode(202);
        exchange.getResponseHeaders().put(X_CALL_ID, id);
        exchange.endExchange();
    }

    private static String callId(String sent) {
        if (sent != null && CALLER_ID.matcher(sent).matches()) {
            return sent;
        }
        return CallIds.random();
    }

    private static List<Header> headers(HttpServerExchange exchange) {
        List<Header> kept = new ArrayList<>();
        for (HeaderValues values : exchange.getRequestHeaders()) {
            String name = values.getHeaderName().toString();
            if (NOT_KEPT.contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            for (String v : values) {
                kept.add(new Header(name, v));
            }
        }
        return kept;
    }
}

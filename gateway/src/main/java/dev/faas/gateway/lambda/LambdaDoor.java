package dev.faas.gateway.lambda;

import dev.faas.gateway.api.BodyLimit;
import dev.faas.gateway.auth.Credentials;
import dev.faas.gateway.auth.SigV4;
import dev.faas.gateway.metrics.AsyncMetrics;
import dev.faas.gateway.provider.Function;
import dev.faas.gateway.provider.FunctionManager;
import dev.faas.gateway.proxy.BodyDeadline;
import dev.faas.gateway.proxy.CallIds;
import dev.faas.gateway.queue.CallQueue;
import dev.faas.gateway.queue.Invoker;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AWS Lambda's Invoke API (2015-03-31) as a front door over the core: Invoke (RequestResponse, Event, DryRun),
 * ListFunctions, GetFunction and GetFunctionConfiguration, for AWS's own clients (awscli, boto3, the SDKs) pointed at
 * the gateway with {@code --endpoint-url}. {@link dev.faas.gateway.Routes} puts its handlers on their paths.
 * <p>
 * Every call is authenticated by {@link LambdaAuth} (SigV4, or the gateway's basic auth), which needs the body: it is
 * read whole first (at most max_body, or async_max_body for an Event call: {@link #bodyLimit}; within body_timeout,
 * else 408 RequestTimeoutException), off the IO thread only once it has arrived. A call then runs through the gateway's own function route ({@link Invoker}), so routing,
 * cold starts from zero, limits, timeouts and metrics are the sync path's; an Event call is stored on the queue of
 * /async-function and run by its worker the same way. Every answer is JSON or the function's own body, never plain
 * text, and carries {@code x-amzn-RequestId} (the call's X-Call-Id).
 */
public final class LambdaDoor {
    private static final Logger LOG = LoggerFactory.getLogger(LambdaDoor.class);
    static final HttpString INVOCATION_TYPE = new HttpString("X-Amz-Invocation-Type");

    /**
     * @param maxBody         largest RequestResponse (and DryRun, ListFunctions...) body: max_body; also the
     *                        largest answer passed on
     * @param asyncMaxBody    largest Event body: async_max_body
     * @param upstreamTimeout the gateway's upstream_timeout (named in the error of a call it cut off)
     * @param bodyTimeout     the gateway's body_timeout: how long a body may take to arrive whole
     */
    public record Settings(String region, String account, boolean allowUnsigned, long maxBody, long asyncMaxBody,
                           Duration upstreamTimeout, Duration bodyTimeout) {}

    /** The parts of the core the door uses. */
    public record Core(java.util.function.Function<String, Function> find, BooleanSupplier functionsKnown,
                       Supplier<List<Function>> all, Invoker invoker, CallQueue queue, AsyncMetrics asyncMetrics,
                       FunctionManager manager) {}

    /** One call once its body is in and its signature checked, on a worker thread. */
    interface Call {
        void handle(HttpServerExchange exchange, String requestId, byte[] body) throws LambdaError, IOException;
    }

    private final LambdaAuth auth;
    private final Invocations invocations;
    private final Listings listings;
    private final long maxBody;
    private final long asyncMaxBody;
    private final BodyDeadline deadline;

    /**
     * @param sigV4 checks signatures with the access keys, for service "lambda" and the door's region
     * @param admin the gateway's basic-auth credentials, or null when basic_auth is off
     */
    public LambdaDoor(Settings settings, SigV4 sigV4, Credentials admin, Core core, Clock clock) {
        FunctionRef.Place place = new FunctionRef.Place(settings.region(), settings.account());
        this.auth = new LambdaAuth(sigV4, admin, settings.allowUnsigned());
        this.invocations = new Invocations(place, core, settings.maxBody(), settings.upstreamTimeout(), clock);
        this.listings = new Listings(place, core);
        this.maxBody = settings.maxBody();
        this.asyncMaxBody = settings.asyncMaxBody();
        this.deadline = new BodyDeadline(settings.bodyTimeout());
    }

    /** {@code POST /2015-03-31/functions/{FunctionName}/invocations}. */
    public HttpHandler invoke() {
        return authorized(invocations::invoke);
    }

    /** {@code GET /2015-03-31/functions/}. */
    public HttpHandler listFunctions() {
        return authorized(listings::list);
    }

    /** {@code GET /2015-03-31/functions/{FunctionName}}. */
    public HttpHandler getFunction() {
        return authorized(listings::get);
    }

    /** {@code GET /2015-03-31/functions/{FunctionName}/configuration}. */
    public HttpHandler getFunctionConfiguration() {
        return authorized(listings::getConfiguration);
    }

    /** Any other path under /2015-03-31/, or another method on one of these: 404 UnknownOperationException. */
    public static HttpHandler unknownOperation() {
        return exchange -> Replies.error(exchange, CallIds.random(), LambdaError.unknownOperation(
                exchange.getRequestMethod().toString(), Replies.printable(exchange.getRequestPath())));
    }

    /**
     * The body limit of the door's paths, in Lambda's shape: async_max_body for an Event call, max_body for the
     * rest. A declared Content-Length over it is answered at once, a streamed body is counted as it is read
     * ({@link BodyLimit}); the connection is kept when the rest of the body is small enough to read and drop.
     */
    public static HttpHandler bodyLimit(long maxBody, long asyncMaxBody, HttpHandler next) {
        HttpHandler sync = BodyLimit.guard(maxBody, tooLarge(maxBody), next);
        HttpHandler event = BodyLimit.guard(asyncMaxBody, tooLarge(asyncMaxBody), next);
        return exchange -> (isEvent(exchange) ? event : sync).handleRequest(exchange);
    }

    private static HttpHandler tooLarge(long max) {
        return exchange -> Replies.error(exchange, CallIds.random(), LambdaError.tooLarge(max));
    }

    static boolean isEvent(HttpServerExchange exchange) {
        return "Event".equals(exchange.getRequestHeaders().getFirst(INVOCATION_TYPE));
    }

    /**
     * Checks what it can of the authentication at once, reads the body (without blocking a thread while it
     * arrives, within body_timeout as a function call's body: {@link BodyDeadline}), then on a worker thread checks
     * the signature and runs {@code call}.
     */
    private HttpHandler authorized(Call call) {
        return exchange -> {
            String requestId = CallIds.random();
            LambdaAuth.Check check;
            try {
                check = auth.head(exchange);
            } catch (LambdaError e) {
                Replies.error(exchange, requestId, e);
                return;
            }
            exchange.getRequestReceiver().receiveFullBytes((ex, body) -> {
                BodyDeadline.arrived(ex, true);
                ex.dispatch(worker -> {
                    try {
                        check.body(body);
                        call.handle(worker, requestId, body);
                    } catch (LambdaError e) {
                        Replies.error(worker, requestId, e);
                    } catch (IOException | RuntimeException e) {
                        LOG.error("event=lambda_error request={} path=\"{}\" error=\"{}\"", requestId,
                                Replies.printable(worker.getRequestPath()), e.toString());
                        Replies.error(worker, requestId, LambdaError.service("internal error; the gateway's log has"
                                + " the details (request " + requestId + ")"));
                    }
                });
            }, (ex, error) -> unreadable(ex, requestId));
            if (!BodyDeadline.arrived(exchange) && !exchange.isResponseStarted()) { // still reading: it waits for more
                deadline.arm(exchange);
                BodyDeadline.onExpiry(exchange, () -> deadline.refuse(exchange, ex -> Replies.error(ex, requestId,
                        LambdaError.bodyTimeout(deadline.millis()))));
            }
        };
    }

    private void unreadable(HttpServerExchange exchange, String requestId) {
        BodyDeadline.arrived(exchange, false);
        if (BodyLimit.exceeded(exchange)) {
            Replies.error(exchange, requestId, LambdaError.tooLarge(isEvent(exchange) ? asyncMaxBody : maxBody));
            return;
        }
        exchange.setPersistent(false);
        Replies.error(exchange, requestId, LambdaError.invalidContent("the request body could not be read whole"));
    }
}

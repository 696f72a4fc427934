package dev.faas.gateway.proxy;

import dev.faas.gateway.api.GatewayError;
import dev.faas.gateway.api.PlainText;
import dev.faas.gateway.config.GatewayConfig;
import dev.faas.gateway.metrics.FunctionMetrics;
import dev.faas.gateway.provider.Function;
import dev.faas.gateway.provider.FunctionRegistry;
import dev.faas.gateway.routing.FunctionCall;
import dev.faas.gateway.scaling.ColdStarts;
import io.undertow.server.Connectors;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.predicate.Predicates;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyHandler;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;

/**
 * Forwards a routed request to one ready replica of its function and streams the answer back. Adds
 * {@code X-Call-Id} (kept when the caller sent one) and {@code X-Start-Time} (Unix ns), both on the response too,
 * {@code X-Forwarded-For} / {@code -Host}; drops hop-by-hop headers both ways; records the call's metrics.
 * <p>
 * A small body is read whole before the call takes an upstream connection ({@link RequestBuffer}); every body runs
 * against body_timeout ({@link BodyDeadline}).
 * <p>
 * A call to a function without a ready replica is held by {@link ColdStarts} (which starts one at zero replicas)
 * and forwarded once one is ready; held, it reads nothing of its body, which waits in the socket until then.
 * <p>
 * Errors: unknown function 404; held too long 504, start failed or too many held 503; failures after that are mapped by {@link UpstreamErrors}
 * (502 unreachable, 504 timeout, 413/408/400 for a streamed body over max_body, late or malformed). A connect failure is retried
 * on up to two other replicas (a lost node can hold several); a request that may have reached a function is never sent again (no idempotent-method
 * retries). Each error of the gateway's own carries {@code X-Faas-Error} ({@link GatewayError}); the function's
 * answers never do (the header is dropped from them).
 */
public final class FunctionProxy implements FunctionCall {
    static final HttpString X_CALL_ID = new HttpString("X-Call-Id");
    static final HttpString X_START_TIME = new HttpString("X-Start-Time");

    private final FunctionRegistry registry;
    private final Balancers balancers;
    private final FunctionMetrics metrics;
    private final GatewayConfig config;
    private final HttpHandler proxy;
    private final String namespaceSuffix;
    private final BodyDeadline deadline;
    private final RequestBuffer buffer;
    private final ColdStarts coldStarts;

    public FunctionProxy(FunctionRegistry registry, Balancers balancers, FunctionMetrics metrics, GatewayConfig config,
                         ColdStarts coldStarts) {
        this.registry = registry;
        this.coldStarts = coldStarts;
        this.balancers = balancers;
        this.metrics = metrics;
        this.config = config;
        this.namespaceSuffix = "." + config.functionNamespace();
        this.deadline = new BodyDeadline(config.bodyTimeout());
        this.buffer = new RequestBuffer(config.requestBuffer(), deadline, config.maxBody());
        this.proxy = ProxyHandler.builder()
                .setProxyClient(new FunctionProxyClient())
                .setMaxRequestTime((int) Math.min(Integer.MAX_VALUE, config.upstreamTimeout().toMillis()))
                .setRewriteHostHeader(false)
                .setReuseXForwarded(true)
                .setMaxConnectionRetries(2)
                .setIdempotentRequestPredicate(Predicates.falsePredicate())
                .setNext(NO_REPLICA)
                .build();
    }

    private static final HttpHandler NO_REPLICA = exchange -> PlainText.error(exchange, 503, GatewayError.NOT_READY,
            "no ready replica of this function; try again shortly");

    /** The function called {@code name}, also as {@code faas-cli invoke -n} calls it: {@code <name>.<namespace>}. */
    public Function find(String name) {
        Function f = registry.find(name);
        if (f == null && name.endsWith(namespaceSuffix)) {
            f = registry.find(name.substring(0, name.length() - namespaceSuffix.length()));
        }
        return f;
    }

    @Override
    public void forward(HttpServerExchange exchange, String name) throws Exception {
        Function function = find(name);
        if (function == null) {
            PlainText.error(exchange, 404, GatewayError.NOT_FOUND, "function \"" + name + "\" not found");
            return;
        }
        long started = System.nanoTime();
        String label = function.name();
        metrics.started(label);
        exchange.addExchangeCompleteListener((ex, next) -> {
            metrics.record(label, ex.getStatusCode(), System.nanoTime() - started);
            next.proceed();
        });
        String callId = exchange.getRequestHeaders().getFirst(X_CALL_ID);
        if (callId == null || callId.isBlank()) {
            callId = CallIds.random();
            exchange.getRequestHeaders().put(X_CALL_ID, callId);
        }
        exchange.getResponseHeaders().put(X_CALL_ID, callId);
        // OpenFaaS's clients read both from the answer too, whatever it is (an error of the gateway's own as well).
        long startTime = System.currentTimeMillis() * 1_000_000L;
        exchange.getResponseHeaders().put(X_START_TIME, startTime);
        if (coldStarts.enter(function)) {
            exchange.addExchangeCompleteListener(exitOf(function));
            send(exchange, function);
        } else {
            exchange.dispatch(SameThreadExecutor.INSTANCE, () -> coldStarts.hold(function, new Held(exchange)));
        }
    }

    private ExchangeCompletionListener exitOf(Function function) {
        return (ex, next) -> {
            coldStarts.exit(function);
            next.proceed();
        };
    }

    private void send(HttpServerExchange exchange, Function function) throws Exception {
        LoadBalancingProxyClient balancer = balancers.forFunction(function.id());
        if (balancer == null) {
            NO_REPLICA.handleRequest(exchange);
            return;
        }
        exchange.getRequestHeaders().put(X_START_TIME, exchange.getResponseHeaders().getFirst(X_START_TIME));
        HopByHop.strip(exchange.getRequestHeaders());
        exchange.addResponseCommitListener(ex -> {
            HopByHop.strip(ex.getResponseHeaders());
            GatewayError.dropForged(ex); // a function's own X-Faas-Error
        });
        exchange.addDefaultResponseListener(new UpstreamErrors(function.name(), config, deadline));
        exchange.putAttachment(FunctionProxyClient.BALANCER, balancer);
        buffer.thenForward(exchange, proxy);
    }

    /** A call held for a cold start, resumed or answered on its own IO thread. */
    private final class Held implements ColdStarts.Call {
        private final HttpServerExchange exchange;

        Held(HttpServerExchange exchange) {
            this.exchange = exchange;
        }

        @Override
        public void proceed(Function function) {
            resume(ex -> {
                ex.addExchangeCompleteListener(exitOf(function));
                if (!ex.getConnection().isOpen()) {
                    ex.endExchange(); // the caller left while it waited: nothing is sent to the function
                    return;
                }
                send(ex, function);
            });
        }

        @Override
        public void refuse(ColdStarts.Refusal why, String message) {
            int status = switch (why) {
                case TIMED_OUT -> 504;
                case GONE -> 404;
                case QUEUE_FULL, START_FAILED, OFF -> 503;
            };
            GatewayError reason = switch (why) {
                case TIMED_OUT, OFF -> GatewayError.NOT_READY;
                case GONE -> GatewayError.NOT_FOUND;
                case QUEUE_FULL -> GatewayError.BUSY;
                case START_FAILED -> GatewayError.CANNOT_START;
            };
            resume(ex -> PlainText.error(ex, status, reason, message));
        }

        /** Runs {@code next} for the held exchange on its own IO thread, as a handler. */
        private void resume(HttpHandler next) {
            exchange.getIoThread().execute(() -> Connectors.executeRootHandler(next, exchange));
        }
    }
}

package dev.faas.gateway.proxy;

import dev.faas.gateway.api.BodyLimit;
import io.undertow.client.ClientConnection;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyClient;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.util.AttachmentKey;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.Options;
import org.xnio.StreamConnection;

/**
 * Lets one Undertow ProxyHandler serve every function: the exchange carries its function's balancer (put there by
 * {@link FunctionProxy}) and connections come from that balancer.
 */
final class FunctionProxyClient implements ProxyClient {
    static final AttachmentKey<LoadBalancingProxyClient> BALANCER = AttachmentKey.create(LoadBalancingProxyClient.class);
    /** Set when every upstream connection was busy and the wait queue full: a busy function, not an unreachable one. */
    static final AttachmentKey<Boolean> QUEUE_FULL = AttachmentKey.create(Boolean.class);

    @Override
    public ProxyTarget findTarget(HttpServerExchange exchange) {
        LoadBalancingProxyClient balancer = exchange.getAttachment(BALANCER);
        return balancer == null ? null : balancer.findTarget(exchange);
    }

    @Override
    public void getConnection(ProxyTarget target, HttpServerExchange exchange, ProxyCallback<ProxyConnection> callback,
                              long timeout, TimeUnit timeUnit) {
        Watched next = new Watched(callback, stillArriving(exchange));
        next.asking = true;
        try {
            exchange.getAttachment(BALANCER).getConnection(target, exchange, next, timeout, timeUnit);
        } finally {
            next.asking = false;
        }
    }

    /**
     * Whether the call's upstream request may have to be cut off while its body streams: a body without a declared
     * length that has not arrived (BodyLimit counts it, StrictChunks checks it) or one that runs against
     * body_timeout. Not for a body that came with the head or was buffered whole: that one is forwarded at once.
     */
    private static boolean stillArriving(HttpServerExchange exchange) {
        return !BodyDeadline.arrived(exchange) && (BodyLimit.isStreamed(exchange) || BodyDeadline.armed(exchange)
                || BodyDeadline.expired(exchange));
    }

    @Override
    public List<ProxyTarget> getAllTargets() {
        return List.of();
    }

    /**
     * Notes a full upstream queue (a busy function, answered 503, not an unreachable one) and, for a body still
     * arriving, registers how to reset the upstream connection should the body go bad ({@link UpstreamAbort}):
     * taking the raw connection over (the client's upgrade call) skips ending a chunked body cleanly, and
     * CLOSE_ABORT resets it. A body whose deadline passed while the call waited for a connection is reset at once.
     */
    private static final class Watched implements ProxyCallback<ProxyConnection> {
        private final ProxyCallback<ProxyConnection> next;
        private final boolean streamed;
        /**
         * True while the balancer is being asked: a full queue refuses at once. Later the same callback also hears
         * of waiting calls given up because a replica failed or went away: those are not a busy function.
         */
        private boolean asking;

        Watched(ProxyCallback<ProxyConnection> next, boolean streamed) {
            this.next = next;
            this.streamed = streamed;
        }

        @Override
        public void completed(HttpServerExchange exchange, ProxyConnection connection) {
            exchange.removeAttachment(QUEUE_FULL); // a retry on another replica got a connection after all
            if (streamed) {
                UpstreamAbort.register(exchange, () -> reset(connection.getConnection()));
                if (BodyDeadline.expired(exchange)) {
                    UpstreamAbort.trigger(exchange);
                }
            }
            next.completed(exchange, connection);
        }

        @Override
        public void failed(HttpServerExchange exchange) {
            next.failed(exchange);
        }

        @Override
        public void couldNotResolveBackend(HttpServerExchange exchange) {
            next.couldNotResolveBackend(exchange);
        }

        @Override
        public void queuedRequestFailed(HttpServerExchange exchange) {
            if (asking) {
                exchange.putAttachment(QUEUE_FULL, Boolean.TRUE);
            }
            next.queuedRequestFailed(exchange);
        }

        private static void reset(ClientConnection connection) {
            try {
                StreamConnection raw = connection.performUpgrade();
                raw.setOption(Options.CLOSE_ABORT, true);
                IoUtils.safeClose(raw);
            } catch (IOException e) {
                IoUtils.safeClose(connection);
            }
        }
    }
}

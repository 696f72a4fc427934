package dev.faas.gateway.proxy;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyCallback;
import io.undertow.server.handlers.proxy.ProxyClient;
import io.undertow.server.handlers.proxy.ProxyConnection;
import io.undertow.util.AttachmentKey;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Lets one Undertow ProxyHandler serve every function: the exchange carries its function's balancer (put there by
 * {@link FunctionProxy}) and connections come from that balancer.
 */
final class FunctionProxyClient implements ProxyClient {
    static final AttachmentKey<LoadBalancingProxyClient> BALANCER = AttachmentKey.create(LoadBalancingProxyClient.class);

    @Override
    public ProxyTarget findTarget(HttpServerExchange exchange) {
        LoadBalancingProxyClient balancer = exchange.getAttachment(BALANCER);
        return balancer == null ? null : balancer.findTarget(exchange);
    }

    @Override
    public void getConnection(ProxyTarget target, HttpServerExchange exchange, ProxyCallback<ProxyConnection> callback,
                              long timeout, TimeUnit timeUnit) {
        exchange.getAttachment(BALANCER).getConnection(target, exchange, callback, timeout, timeUnit);
    }

    @Override
    public List<ProxyTarget> getAllTargets() {
        return List.of();
    }
}

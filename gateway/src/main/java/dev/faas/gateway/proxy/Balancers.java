package dev.faas.gateway.proxy;

import dev.faas.gateway.config.GatewayConfig;
import dev.faas.gateway.provider.Function;
import dev.faas.gateway.provider.FunctionRegistry;
import dev.faas.gateway.provider.Replica;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import java.net.URI;
import org.xnio.OptionMap;
import org.xnio.Options;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Undertow load balancer per function (round-robin over its ready replicas, keep-alive pools per replica),
 * kept in step with the registry: replicas that appear are added, replicas that go away are removed and their
 * pooled connections closed.
 */
public final class Balancers implements FunctionRegistry.Listener {
    private final GatewayConfig config;
    private final OptionMap options;
    private final Map<String, Balancer> byFunctionId = new ConcurrentHashMap<>();

    /** A function's balancer and the replica addresses it currently holds. */
    record Balancer(LoadBalancingProxyClient client, Set<URI> hosts) {}

    public Balancers(GatewayConfig config) {
        this.config = config;
        // Nagle's algorithm would hold small requests back waiting for ACKs (tens of ms per call).
        this.options = OptionMap.builder()
                .set(Options.TCP_NODELAY, true)
                .set(DeadlineConnector.CONNECT_TIMEOUT,
                        (int) Math.min(Integer.MAX_VALUE, config.upstreamConnectTimeout().toMillis()))
                .getMap();
    }

    LoadBalancingProxyClient forFunction(String functionId) {
        Balancer b = byFunctionId.get(functionId);
        return b == null ? null : b.client;
    }

    @Override
    public synchronized void changed(Function before, Function after) {
        if (after == null) {
            Balancer gone = byFunctionId.remove(before.id());
            if (gone != null) {
                gone.hosts.forEach(h -> gone.client.removeHost(DeadlineConnector.upstream(h)));
            }
            return;
        }
        Balancer b = byFunctionId.computeIfAbsent(after.id(), id -> new Balancer(newClient(), new HashSet<>()));
        Set<URI> wanted = new HashSet<>();
        for (Replica r : after.replicas()) {
            wanted.add(r.address());
        }
        for (URI old : Set.copyOf(b.hosts)) {
            if (!wanted.contains(old)) {
                b.client.removeHost(DeadlineConnector.upstream(old));
                b.hosts.remove(old);
            }
        }
        for (URI now : wanted) {
            if (b.hosts.add(now)) {
                b.client.addHost(DeadlineConnector.upstream(now), null, null, options);
            }
        }
    }

    private LoadBalancingProxyClient newClient() {
        return new LoadBalancingProxyClient()
                // No sticky sessions: a function's own JSESSIONID cookie must not pin callers to one replica (and
                // looking for it parsed every request's cookies).
                .removeSessionCookieName("JSESSIONID")
                .setConnectionsPerThread(config.upstreamConnections())
                .setSoftMaxConnectionsPerThread(Math.max(1, config.upstreamConnections() / 4))
                // 0 would answer 503 at once whenever every pooled connection is busy.
                .setMaxQueueSize(config.upstreamQueue())
                .setTtl(60_000)
                // A replica that refused a connection or did not accept one within upstream_connect_timeout is
                // skipped until a background reconnect, tried every this many seconds, succeeds.
                .setProblemServerRetry(2);
    }
}

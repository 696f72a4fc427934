package dev.faas.gateway.provider.statics;

import dev.faas.gateway.provider.Function;
import dev.faas.gateway.provider.FunctionProvider;
import dev.faas.gateway.provider.FunctionRegistry;
import dev.faas.gateway.provider.ProviderHealth;
import dev.faas.gateway.provider.ProviderInfo;
import dev.faas.gateway.provider.Replica;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Functions from a fixed list instead of an orchestrator, for local runs and benchmarks:
 * {@code static_functions="echo=http://127.0.0.1:9001,http://127.0.0.1:9002;slow=http://10.0.0.5:8080"}.
 */
public final class StaticProvider implements FunctionProvider {
    private final List<Function> functions;
    private final Instant loaded = Instant.now();

    public StaticProvider(String spec) {
        this.functions = parse(spec);
    }

    /** Parses the list; a malformed entry fails with a message that shows the expected form. */
    public static List<Function> parse(String spec) {
        List<Function> result = new ArrayList<>();
        for (String entry : spec.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("static_functions entry \"" + entry.trim()
                        + "\" is not name=http://host:port[,http://host:port...]");
            }
            String name = entry.substring(0, eq).trim();
            List<Replica> replicas = new ArrayList<>();
            for (String url : entry.substring(eq + 1).split(",")) {
                URI uri = URI.create(url.trim());
                if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new IllegalArgumentException("static_functions: \"" + url.trim() + "\" is not http://host:port");
                }
                URI address = URI.create("http://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 80 : uri.getPort()) + "/");
                replicas.add(new Replica(name + "." + replicas.size(), "", address));
            }
            result.add(new Function("static-" + name, name, name, replicas.size(), replicas));
        }
        return List.copyOf(result);
    }

    @Override
    public ProviderInfo info() {
        return new ProviderInfo("faas-static", "static", "1");
    }

    @Override
    public void start(FunctionRegistry registry) {
        registry.replaceAll(functions);
    }

    @Override
    public ProviderHealth health() {
        return ProviderHealth.ok(loaded);
    }

    @Override
    public void close() {
        // Nothing runs in the background.
    }
}

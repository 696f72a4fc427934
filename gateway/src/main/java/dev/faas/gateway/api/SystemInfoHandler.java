package dev.faas.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.gateway.BuildInfo;
import dev.faas.gateway.provider.FunctionProvider;
import dev.faas.gateway.provider.ProviderHealth;
import dev.faas.gateway.provider.ProviderInfo;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * /system/info in OpenFaaS's shape: {"provider":{"provider","orchestration","version":{...}},"version":{...},"arch"},
 * plus a "health" object of our own (connected, detail, lastSync) that OpenFaaS clients ignore.
 */
public final class SystemInfoHandler implements HttpHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FunctionProvider provider;
    private final BuildInfo build;

    public SystemInfoHandler(FunctionProvider provider, BuildInfo build) {
        this.provider = provider;
        this.build = build;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        ProviderInfo info = provider.info();
        ProviderHealth health = provider.health();
        ObjectNode root = JSON.createObjectNode();
        ObjectNode p = root.putObject("provider");
        p.put("provider", info.provider());
        p.put("orchestration", info.orchestration());
        // The provider is built into the gateway: the same commit.
        p.putObject("version").put("release", info.version()).put("sha", build.sha());
        root.putObject("version").put("release", build.version()).put("sha", build.sha())
                .put("commit_message", build.commitMessage());
        root.put("arch", System.getProperty("os.arch"));
        ObjectNode h = root.putObject("health");
        h.put("connected", health.connected());
        h.put("detail", health.detail());
        h.put("lastSync", health.lastSync() == null ? null : health.lastSync().toString());
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(JSON.writeValueAsString(root));
    }
}

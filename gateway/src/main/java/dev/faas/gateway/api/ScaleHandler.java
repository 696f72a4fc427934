package dev.faas.gateway.api;

import dev.faas.gateway.provider.FunctionManager;
import dev.faas.gateway.provider.FunctionStatus;
import dev.faas.gateway.scaling.ReplicaBounds;
import dev.faas.gateway.scaling.Scaling;
import io.undertow.server.HttpHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /system/scale-function/{name}} with {@code {"serviceName":"x","replicas":N}}. The count is kept
 * within the function's labels (at most com.openfaas.scale.max, at least com.openfaas.scale.min when set); when it
 * had to be moved, the answer says so. The answer is JSON: {@code {"name","requested","replicas","clamped","message"}}.
 */
public final class ScaleHandler {
    /** OpenFaaS's body; the path names the function, so serviceName is not needed. */
    public record ScaleRequest(String serviceName, Integer replicas, String namespace) {}

    private final FunctionManager manager;
    private final Namespace namespace;
    private final int maxReplicas;

    public ScaleHandler(FunctionManager manager, Namespace namespace, int maxReplicas) {
        this.manager = manager;
        this.namespace = namespace;
        this.maxReplicas = maxReplicas;
    }

    public HttpHandler scale() {
        return Api.blocking(exchange -> {
            String name = Api.pathParameter(exchange, "name");
            DeploymentRequests.requireName("function name", name);
            ScaleRequest r = Api.read(exchange, ScaleRequest.class);
            namespace.checkQuery(exchange);
            namespace.check(r.namespace());
            if (r.replicas() == null) {
                throw Api.invalid("replicas is required, e.g. {\"replicas\": 2}");
            }
            if (r.replicas() < 0) {
                throw Api.invalid("replicas must be 0 or more, not " + r.replicas());
            }
            FunctionStatus function = manager.get(name);
            Scaling.Clamped c = Scaling.request(r.replicas(), ReplicaBounds.fromLabels(function.labels(), maxReplicas));
            manager.scale(name, c.replicas());
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("name", function.name());
            answer.put("requested", c.requested());
            answer.put("replicas", c.replicas());
            answer.put("clamped", c.clamped());
            answer.put("message", c.clamped() ? c.note() : "scaled to " + c.replicas());
            Api.json(exchange, 200, answer);
        });
    }
}

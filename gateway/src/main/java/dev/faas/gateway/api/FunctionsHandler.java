package dev.faas.gateway.api;

import dev.faas.gateway.metrics.FunctionMetrics;
import dev.faas.gateway.provider.FunctionDeployment;
import dev.faas.gateway.provider.FunctionManager;
import dev.faas.gateway.provider.FunctionStatus;
import io.undertow.server.HttpHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * /system/functions and /system/function/{name}: list, inspect, deploy (202: Swarm starts the replicas after the
 * answer), update (200), delete (200). invocationCount comes from the gateway's own counters, not Prometheus.
 */
public final class FunctionsHandler {
    /** {@code DELETE /system/functions} body. */
    public record DeleteRequest(String functionName, String namespace) {}

    private final FunctionManager manager;
    private final FunctionMetrics metrics;
    private final Namespace namespace;
    private final int maxReplicas;

    public FunctionsHandler(FunctionManager manager, FunctionMetrics metrics, Namespace namespace, int maxReplicas) {
        this.manager = manager;
        this.metrics = metrics;
        this.namespace = namespace;
        this.maxReplicas = maxReplicas;
    }

    public HttpHandler list() {
        return Api.blocking(exchange -> {
            namespace.checkQuery(exchange);
            List<FunctionStatus> counted = new ArrayList<>();
            for (FunctionStatus s : manager.list()) {
                counted.add(reported(s));
            }
            Api.json(exchange, 200, counted);
        });
    }

    public HttpHandler get() {
        return Api.blocking(exchange -> {
            String name = Api.pathParameter(exchange, "name");
            DeploymentRequests.requireName("function name", name);
            namespace.checkQuery(exchange);
            Api.json(exchange, 200, reported(manager.get(name)));
        });
    }

    private FunctionStatus reported(FunctionStatus s) {
        return s.reported(metrics.invocationCount(s.name()), namespace.name());
    }

    public HttpHandler deploy() {
        return Api.blocking(exchange -> {
            FunctionDeployment d = DeploymentRequests.validate(Api.read(exchange, FunctionDeployment.class), maxReplicas);
            namespace.check(d.namespace());
            manager.deploy(d);
            PlainText.send(exchange, 202, "function " + d.service() + " deployed");
        });
    }

    public HttpHandler update() {
        return Api.blocking(exchange -> {
            FunctionDeployment d = DeploymentRequests.validate(Api.read(exchange, FunctionDeployment.class), maxReplicas);
            namespace.check(d.namespace());
            manager.update(d);
            PlainText.send(exchange, 200, "function " + d.service() + " updated");
        });
    }

    public HttpHandler delete() {
        return Api.blocking(exchange -> {
            DeleteRequest r = Api.read(exchange, DeleteRequest.class);
            DeploymentRequests.requireName("functionName", r.functionName());
            namespace.check(r.namespace());
            manager.delete(r.functionName());
            PlainText.send(exchange, 200, "function " + r.functionName() + " deleted");
        });
    }
}

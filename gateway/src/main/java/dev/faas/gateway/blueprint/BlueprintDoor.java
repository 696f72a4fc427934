package dev.faas.gateway.blueprint;

import dev.faas.gateway.api.Uploads;
import dev.faas.gateway.build.Builds;
import dev.faas.gateway.metrics.FunctionMetrics;
import dev.faas.gateway.provider.Function;
import dev.faas.gateway.provider.FunctionManager;
import dev.faas.gateway.queue.Invoker;
import io.undertow.server.HttpHandler;
import java.util.concurrent.Executor;

/**
 * Blueprint SDK's Custom FaaS Platform Spec v1.0 as a front door over the core (docs/blueprint.md): its handlers,
 * which {@link dev.faas.gateway.Routes} puts on their paths.
 */
public final class BlueprintDoor {
    private final BlueprintFunctions functions;
    private final BlueprintInvokes invokes;

    /**
     * @param find    the function a name means (the gateway's registry, with its namespace suffix)
     * @param invoker the gateway's own function route, as the queue worker calls it
     */
    public BlueprintDoor(Builds builds, Uploads uploads, FunctionManager manager,
                         java.util.function.Function<String, Function> find, Invoker invoker, FunctionMetrics metrics,
                         Executor buildThreads) {
        this.functions = new BlueprintFunctions(builds, uploads, manager, find, buildThreads);
        this.invokes = new BlueprintInvokes(find, invoker, metrics);
    }

    public HttpHandler deploy() {
        return functions.deploy();
    }

    public HttpHandler info() {
        return functions.info();
    }

    public HttpHandler undeploy() {
        return functions.undeploy();
    }

    public HttpHandler warm() {
        return functions.warm();
    }

    public HttpHandler invoke() {
        return invokes.invoke();
    }

    public HttpHandler health() {
        return invokes.health();
    }

    /** POST and HEAD {@code /job/{job_id}}: the SDK's HttpFaasExecutor's default endpoint. */
    public HttpHandler job() {
        return invokes.job();
    }
}

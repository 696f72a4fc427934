package dev.faas.gateway;

import dev.faas.gateway.api.AlertHandler;
import dev.faas.gateway.blueprint.BlueprintDoor;
import dev.faas.gateway.api.FunctionsHandler;
import dev.faas.gateway.api.LogsHandler;
import dev.faas.gateway.api.PlainText;
import dev.faas.gateway.api.ScaleHandler;
import dev.faas.gateway.api.SecretsHandler;
import dev.faas.gateway.lambda.LambdaDoor;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Methods;
import java.util.function.UnaryOperator;

/**
 * Every route of the gateway, in one place. /system routes are matched by method and exact template; anything else
 * falls through to the function router (/function/&lt;name&gt;[/...], and / with X-Function or an Alexa body),
 * which answers 404 for the rest; /async-function[/...] goes to the queued calls' handler. Every /system route sits
 * behind {@code protect}; /function/*, /async-function/*, /healthz and /metrics stay open (as in OpenFaaS).
 * The Blueprint spec's /api/functions/* sit behind {@code protectBlueprint} (basic auth or a Bearer key); its SDK
 * executor's /job/{job_id} stays open like /function/* (the executor sends no credentials).
 * AWS Lambda's /2015-03-31/* authenticate each call themselves (SigV4 or basic auth: {@link LambdaDoor}); any
 * other path or method under that prefix is Lambda's UnknownOperationException, never a plain-text 404 or 405.
 */
public final class Routes {
    /** Queued calls: /async-function/&lt;name&gt;[/...], or /async-function with X-Function (their own body limit). */
    public static final String ASYNC = "/async-function";
    /** AWS Lambda's Invoke API (its own auth, body limits and error shapes). */
    public static final String LAMBDA = "/2015-03-31/";

    private Routes() {}

    /** The handlers behind the routes; new /system handlers are added here and wired in {@link Main}. */
    public record Handlers(
            HttpHandler functions,
            HttpHandler async,
            HttpHandler health,
            HttpHandler metrics,
            HttpHandler systemInfo,
            Management management,
            BlueprintDoor blueprint,
            LambdaDoor lambda,
            UnaryOperator<HttpHandler> protect,
            UnaryOperator<HttpHandler> protectBlueprint) {}

    /** The management API (/system/*), every handler of it behind {@code protect} (basic auth when enabled). */
    public record Management(
            FunctionsHandler functions,
            ScaleHandler scale,
            SecretsHandler secrets,
            LogsHandler logs,
            AlertHandler alert,
            HttpHandler namespaces,
            HttpHandler queue,
            HttpHandler builds) {}

    public static HttpHandler of(Handlers h) {
        RoutingHandler routes = new RoutingHandler(false)
                .get("/healthz", h.health())
                .add(Methods.HEAD, "/healthz", h.health())
                .get("/metrics", h.metrics())
                .get("/system/info", h.protect().apply(h.systemInfo()));
        Management m = h.management();
        UnaryOperator<HttpHandler> p = h.protect();
        routes.get("/system/functions", p.apply(m.functions().list()))
                .post("/system/functions", p.apply(m.functions().deploy()))
                .put("/system/functions", p.apply(m.functions().update()))
                .delete("/system/functions", p.apply(m.functions().delete()))
                .get("/system/function/{name}", p.apply(m.functions().get()))
                .post("/system/scale-function/{name}", p.apply(m.scale().scale()))
                .get("/system/secrets", p.apply(m.secrets().list()))
                .post("/system/secrets", p.apply(m.secrets().create()))
                .put("/system/secrets", p.apply(m.secrets().update()))
                .delete("/system/secrets", p.apply(m.secrets().delete()))
                .get("/system/logs", p.apply(m.logs().logs()))
                .get("/system/namespaces", p.apply(m.namespaces()))
                .get("/system/queue", p.apply(m.queue()))
                .post("/system/alert", p.apply(m.alert().alert()))
                .post("/system/builds", p.apply(m.builds()));
        BlueprintDoor b = h.blueprint();
        UnaryOperator<HttpHandler> bp = h.protectBlueprint();
        routes.put("/api/functions/{id}", bp.apply(b.deploy()))
                .get("/api/functions/{id}", bp.apply(b.info()))
                .delete("/api/functions/{id}", bp.apply(b.undeploy()))
                .post("/api/functions/{id}/invoke", bp.apply(b.invoke()))
                .get("/api/functions/{id}/health", bp.apply(b.health()))
                .post("/api/functions/{id}/warm", bp.apply(b.warm()))
                .post("/job/{job_id}", b.job())
                .add(Methods.HEAD, "/job/{job_id}", b.job());
        routes.setInvalidMethodHandler(PlainText.status(405, "method not allowed on this path"));
        HttpHandler functions = h.functions();
        HttpHandler async = h.async();
        HttpHandler lambda = lambda(h.lambda());
        routes.setFallbackHandler(functions);
        // Function calls skip the template matching they would fail anyway (no /system route starts so): it cost
        // about 6 % of the gateway's own CPU per call.
        return exchange -> {
            String path = exchange.getRequestPath();
            (path.startsWith("/function/") ? functions : path.startsWith(ASYNC) ? async
                    : path.startsWith(LAMBDA) ? lambda : routes).handleRequest(exchange);
        };
    }

    /**
     * Lambda's routes (API version 2015-03-31): Invoke, ListFunctions (with and without its '/'), GetFunction,
     * GetFunctionConfiguration.
     */
    public static HttpHandler lambda(LambdaDoor l) {
        RoutingHandler routes = new RoutingHandler(false)
                .post("/2015-03-31/functions/{FunctionName}/invocations", l.invoke())
                .get("/2015-03-31/functions/", l.listFunctions())
                .get("/2015-03-31/functions", l.listFunctions())
                .get("/2015-03-31/functions/{FunctionName}", l.getFunction())
                .get("/2015-03-31/functions/{FunctionName}/configuration", l.getFunctionConfiguration());
        routes.setFallbackHandler(LambdaDoor.unknownOperation());
        routes.setInvalidMethodHandler(LambdaDoor.unknownOperation());
        return routes;
    }
}

package dev.faas.gateway;

import dev.faas.gateway.api.PlainText;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Methods;

/**
 * Every route of the gateway, in one place. /system routes are matched by method and exact template; anything else
 * falls through to the function router (/function/&lt;name&gt;[/...], and / with X-Function or an Alexa body),
 * which answers 404 for the rest.
 */
public final class Routes {
    private Routes() {}

    /** The handlers behind the routes; new /system handlers are added here and wired in {@link Main}. */
    public record Handlers(
            HttpHandler functions,
            HttpHandler health,
            HttpHandler metrics,
            HttpHandler systemInfo) {}

    public static HttpHandler of(Handlers h) {
        RoutingHandler routes = new RoutingHandler(false)
                .get("/healthz", h.health())
                .add(Methods.HEAD, "/healthz", h.health())
                .get("/metrics", h.metrics())
                .get("/system/info", h.systemInfo());
        routes.setInvalidMethodHandler(PlainText.status(405, "method not allowed on this path"));
        routes.setFallbackHandler(h.functions());
        return routes;
    }
}

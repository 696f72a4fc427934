package dev.faas.gateway.blueprint;

import dev.faas.gateway.api.DeploymentRequests;
import dev.faas.gateway.api.Uploads;
import dev.faas.gateway.build.BuildContexts;
import dev.faas.gateway.build.BuildEvents;
import dev.faas.gateway.build.BuildException;
import dev.faas.gateway.build.BuildRequest;
import dev.faas.gateway.build.BuildResult;
import dev.faas.gateway.build.Builds;
import dev.faas.gateway.provider.Function;
import dev.faas.gateway.provider.FunctionDeployment;
import dev.faas.gateway.provider.FunctionManager;
import dev.faas.gateway.provider.FunctionStatus;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ManagementException.Reason;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spec's function management: deploy ({@code PUT}, a zip with {@code bootstrap} built by the core's builder into
 * an ordinary function: it lists in /system/functions, scales, scales to zero, has metrics and logs), info, undeploy
 * and warm. The config's memory becomes the service's memory limit, its timeout the watchdog's exec_timeout, its
 * concurrency the watchdog's max_inflight; all three are kept as annotations for info. Runs on build threads.
 */
final class BlueprintFunctions {
    private static final Logger LOG = LoggerFactory.getLogger(BlueprintFunctions.class);
    static final String LABEL = "com.faas.blueprint";
    private static final String ANNOTATION = "com.faas.blueprint.";

    private final Builds builds;
    private final Uploads uploads;
    private final FunctionManager manager;
    private final java.util.function.Function<String, Function> functions;
    private final Executor executor;
    /** The cold start each deploy measured (until this gateway restarts; then 0). */
    private final Map<String, Long> coldStartMs = new ConcurrentHashMap<>();

    BlueprintFunctions(Builds builds, Uploads uploads, FunctionManager manager,
                       java.util.function.Function<String, Function> functions, Executor executor) {
        this.builds = builds;
        this.uploads = uploads;
        this.manager = manager;
        this.functions = functions;
        this.executor = executor;
    }

    private interface Call {
        void handle(HttpServerExchange exchange, String id) throws BlueprintError, ManagementException, IOException;
    }

    private HttpHandler blocking(Call call) {
        return new HttpHandler() {
            @Override
            public void handleRequest(HttpServerExchange exchange) {
                if (exchange.isInIoThread()) {
                    exchange.dispatch(executor, this);
                    return;
                }
                exchange.startBlocking();
                String id = Replies.parameter(exchange, "id");
                try {
                    try {
                        DeploymentRequests.requireName("function_id", id);
                    } catch (ManagementException e) {
                        throw BlueprintError.invalid(e.getMessage(), Map.of("function_id", id));
                    }
                    call.handle(exchange, id);
                } catch (BlueprintError e) {
                    Replies.error(exchange, e);
                } catch (ManagementException e) {
                    Replies.error(exchange, translate(e, id));
                } catch (IOException | RuntimeException e) {
                    LOG.error("event=blueprint_error path={} error=\"{}\"", exchange.getRequestPath(), e.toString());
                    if (!exchange.isResponseStarted()) {
                        Replies.error(exchange, new BlueprintError(500, "INTERNAL", "internal error; the gateway's"
                                + " log has the details", Map.of()));
                    }
                }
            }
        };
    }

    HttpHandler deploy() {
        return blocking((exchange, id) -> {
            BlueprintConfig config = BlueprintConfig.parse(exchange.getRequestHeaders().getFirst("X-Blueprint-Config"));
            if (exists(id)) {
                throw new BlueprintError(409, "CONFLICT", "Function already exists", Map.of("function_id", id));
            }
            Path archive;
            try {
                archive = uploads.receive(exchange);
            } catch (BuildException e) {
                throw new BlueprintError(e.status(), e.status() == 413 ? "PAYLOAD_TOO_LARGE" : "INVALID_REQUEST",
                        e.getMessage(), Map.of("function_id", id));
            }
            long size = Files.size(archive);
            BuildResult r;
            try {
                r = builds.run(new BuildRequest(id, BuildContexts.BOOTSTRAP, archive, deployment(id, config, size),
                        Map.of(), true, true), BuildEvents.NONE);
            } catch (BuildException e) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("function_id", id);
                if (!e.logTail().isEmpty()) {
                    details.put("log_tail", e.logTail());
                }
                int status = switch (e.status()) {
                    case 400, 409, 413 -> e.status();
                    case 503, 504 -> 503;
                    default -> 500;
                };
                String code = switch (status) {
                    case 400 -> "INVALID_ZIP";
                    case 409 -> "CONFLICT";
                    case 413 -> "PAYLOAD_TOO_LARGE";
                    case 503 -> "UNAVAILABLE";
                    default -> "BUILD_FAILED";
                };
                throw new BlueprintError(status, code, status == 409 ? "Function already exists" : e.getMessage(),
                        details);
            }
            long coldStart = r.readySeconds() < 0 ? 0 : Math.round(r.readySeconds() * 1000);
            coldStartMs.put(id, coldStart);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("function_id", id);
            m.put("endpoint", endpoint(exchange, id));
            m.put("status", "deployed");
            m.put("cold_start_ms", coldStart);
            m.put("memory_mb", config.memoryMb());
            m.put("timeout_secs", config.timeoutSecs());
            Replies.json(exchange, 200, m);
        });
    }

    /** A Bearer key reaches only the Blueprint door's own functions: to it, the others do not exist. */
    static boolean hidden(HttpServerExchange exchange, Map<String, String> labels) {
        return exchange.getAttachment(dev.faas.gateway.auth.BearerKeys.USED) != null
                && !"true".equals(labels.get(LABEL));
    }

    private FunctionStatus visible(HttpServerExchange exchange, String id) throws ManagementException, BlueprintError {
        FunctionStatus s = manager.get(id);
        if (hidden(exchange, s.labels())) {
            throw BlueprintError.notFound(id);
        }
        return s;
    }

    HttpHandler info() {
        return blocking((exchange, id) -> {
            FunctionStatus s = visible(exchange, id);
            Map<String, String> a = s.annotations();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("function_id", id);
            m.put("endpoint", endpoint(exchange, id));
            Function live = functions.apply(id);
            m.put("status", live != null && live.hasReadyReplica() ? "deployed" : s.replicas() == 0 ? "idle" : "starting");
            m.put("cold_start_ms", coldStartMs.getOrDefault(id, 0L));
            m.put("memory_mb", number(a.get(ANNOTATION + "memory_mb")));
            m.put("timeout_secs", number(a.get(ANNOTATION + "timeout_secs")));
            m.put("max_concurrency", number(a.get(ANNOTATION + "max_concurrency")));
            m.put("deployed_at", s.createdAt());
            m.put("binary_size_bytes", number(a.get(ANNOTATION + "binary_size_bytes")));
            Replies.json(exchange, 200, m);
        });
    }

    HttpHandler undeploy() {
        return blocking((exchange, id) -> {
            visible(exchange, id);
            manager.delete(id);
            coldStartMs.remove(id);
            Replies.json(exchange, 200, Map.of("function_id", id, "status", "deleted"));
        });
    }

    /** Brings a function at zero back to one replica and waits (up to 30 s) until it serves. */
    HttpHandler warm() {
        return blocking((exchange, id) -> {
            Function f = functions.apply(id);
            if (f == null || hidden(exchange, f.labels())) {
                throw BlueprintError.notFound(id);
            }
            if (f.desiredReplicas() == 0) {
                manager.scale(id, 1);
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while ((f = functions.apply(id)) != null && !f.hasReadyReplica() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            int ready = f == null ? 0 : f.replicas().size();
            if (ready == 0) {
                throw new BlueprintError(503, "UNAVAILABLE", "no instance of " + id + " became ready within 30 s",
                        Map.of("function_id", id));
            }
            Replies.json(exchange, 200, Map.of("function_id", id, "status", "warm", "instances_warmed", ready));
        });
    }

    private boolean exists(String id) throws ManagementException {
        try {
            manager.get(id);
            return true;
        } catch (ManagementException e) {
            if (e.reason() == Reason.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    private static FunctionDeployment deployment(String id, BlueprintConfig c, long size) {
        Map<String, String> env = new HashMap<>(c.envVars());
        env.put("exec_timeout", c.timeoutSecs() + "s");
        env.put("write_timeout", (c.timeoutSecs() + 1) + "s");
        env.put("max_inflight", Integer.toString(c.maxConcurrency()));
        Map<String, String> annotations = Map.of(
                ANNOTATION + "memory_mb", Integer.toString(c.memoryMb()),
                ANNOTATION + "timeout_secs", Integer.toString(c.timeoutSecs()),
                ANNOTATION + "max_concurrency", Integer.toString(c.maxConcurrency()),
                ANNOTATION + "binary_size_bytes", Long.toString(size));
        return new FunctionDeployment(id, "built", "", env, Map.of(LABEL, "true"), annotations, null, null,
                new FunctionDeployment.Resources(c.memoryMb() + "m", null), null, false, "", "");
    }

    /** Where this function is invoked, as the caller reached the gateway. */
    private static String endpoint(HttpServerExchange exchange, String id) {
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        return exchange.getRequestScheme() + "://" + (host == null ? exchange.getHostAndPort() : host)
                + "/api/functions/" + id + "/invoke";
    }

    private static Object number(String text) {
        try {
            return text == null ? null : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static BlueprintError translate(ManagementException e, String id) {
        return switch (e.reason()) {
            case NOT_FOUND -> BlueprintError.notFound(id);
            case INVALID -> BlueprintError.invalid(e.getMessage(), Map.of("function_id", id));
            case CONFLICT -> new BlueprintError(409, "CONFLICT", e.getMessage(), Map.of("function_id", id));
            case UNAVAILABLE, TIMED_OUT -> new BlueprintError(503, "UNAVAILABLE", e.getMessage(), Map.of());
            default -> new BlueprintError(500, "INFRASTRUCTURE_ERROR", e.getMessage(), Map.of());
        };
    }
}

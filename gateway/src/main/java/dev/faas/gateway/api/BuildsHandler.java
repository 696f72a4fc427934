package dev.faas.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.faas.gateway.build.BuildEvents;
import dev.faas.gateway.build.BuildException;
import dev.faas.gateway.build.BuildRequest;
import dev.faas.gateway.build.BuildResult;
import dev.faas.gateway.build.Builds;
import dev.faas.gateway.provider.FunctionDeployment;
import dev.faas.gateway.provider.FunctionDeployment.Resources;
import dev.faas.gateway.provider.ManagementException;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * {@code POST /system/builds?name=<function>[&lang=<template>][&deploy=false]}: the build context as the body (zip,
 * tar or tar.gz), the function's settings in {@code X-Function-Config} (base64 of JSON, OpenFaaS's deploy field
 * names plus {@code buildArgs}). With {@code Accept: application/x-ndjson} the answer is 200 and one JSON object per
 * line as the build goes ({@code step}, {@code log}), ending with exactly one {@code done} or {@code failed}
 * (carrying the status the call would have had, and the log's tail); otherwise the same ending alone, with its
 * status. Bad input is answered before anything is built. Runs on build threads, never on the request path's.
 */
public final class BuildsHandler {
    public static final String NDJSON = "application/x-ndjson";
    private static final int MAX_CONFIG_HEADER = 64 * 1024;

    private final Builds builds;
    private final Uploads uploads;
    private final int maxReplicas;
    private final Executor executor;

    public BuildsHandler(Builds builds, Uploads uploads, int maxReplicas, Executor executor) {
        this.builds = builds;
        this.uploads = uploads;
        this.maxReplicas = maxReplicas;
        this.executor = executor;
    }

    /** The settings a build deploys with: OpenFaaS's deploy request without service and image, plus buildArgs. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FunctionConfig(String envProcess, Map<String, String> envVars, Map<String, String> labels,
                                 Map<String, String> annotations, List<String> secrets, List<String> constraints,
                                 Resources limits, Resources requests, Boolean readOnlyRootFilesystem,
                                 Map<String, String> buildArgs) {
        FunctionDeployment deployment(String name) {
            return new FunctionDeployment(name, "built", envProcess, envVars, labels, annotations, constraints,
                    secrets, limits, requests, readOnlyRootFilesystem != null && readOnlyRootFilesystem, "", "");
        }
    }

    public HttpHandler build() {
        return Api.blocking(this::build, executor);
    }

    private void build(HttpServerExchange exchange) throws ManagementException, IOException {
        BuildRequest request;
        try {
            request = request(exchange);
        } catch (ManagementException e) {
            Api.json(exchange, Api.status(e.reason()), Map.of("error", e.getMessage()));
            return;
        } catch (BuildException e) {
            fail(exchange, e, false, null);
            return;
        }
        boolean stream = accepts(exchange, NDJSON);
        if (!stream) {
            try {
                Api.json(exchange, 200, done(builds.run(request, BuildEvents.NONE)));
            } catch (BuildException e) {
                fail(exchange, e, false, null);
            }
            return;
        }
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, NDJSON);
        OutputStream out = exchange.getOutputStream();
        Lines lines = new Lines(out);
        try {
            Map<String, Object> done = done(builds.run(request, lines));
            done.put("event", "done");
            lines.write(done);
        } catch (BuildException e) {
            fail(exchange, e, true, lines);
        }
        lines.close();
    }

    /** Everything checked before the upload is received; then the upload, which the build removes. */
    private BuildRequest request(HttpServerExchange exchange) throws ManagementException, BuildException, IOException {
        String name = Api.query(exchange, "name");
        DeploymentRequests.requireName("name", name);
        String deploy = Api.query(exchange, "deploy");
        if (!deploy.isEmpty() && !deploy.equals("true") && !deploy.equals("false")) {
            throw Api.invalid("deploy is true or false, not \"" + DeploymentRequests.printable(deploy) + "\"");
        }
        FunctionConfig config = config(exchange.getRequestHeaders().getFirst("X-Function-Config"));
        FunctionDeployment deployment = DeploymentRequests.validate(config.deployment(name), maxReplicas);
        if (builds.isRunning(name)) {
            throw new BuildException(409, "a build of " + name + " is running: wait for it to end", "");
        }
        return new BuildRequest(name, Api.query(exchange, "lang"), uploads.receive(exchange), deployment,
                config.buildArgs(), !deploy.equals("false"), false);
    }

    private static FunctionConfig config(String header) throws ManagementException {
        if (header == null || header.isBlank()) {
            return new FunctionConfig(null, null, null, null, null, null, null, null, null, null);
        }
        if (header.length() > MAX_CONFIG_HEADER) {
            throw Api.invalid("X-Function-Config is over 64 KiB");
        }
        byte[] json;
        try {
            json = Base64.getDecoder().decode(header.strip());
        } catch (IllegalArgumentException e) {
            throw Api.invalid("X-Function-Config is not base64: " + e.getMessage());
        }
        try {
            FunctionConfig c = Api.JSON.readValue(json, FunctionConfig.class);
            if (c == null) {
                throw Api.invalid("X-Function-Config is null: send a JSON object");
            }
            noNulls("envVars", c.envVars());
            noNulls("labels", c.labels());
            noNulls("annotations", c.annotations());
            noNulls("buildArgs", c.buildArgs());
            noNulls("secrets", c.secrets() == null ? null : Map.of("", c.secrets()));
            noNulls("constraints", c.constraints() == null ? null : Map.of("", c.constraints()));
            return c;
        } catch (JsonProcessingException e) {
            throw Api.invalid("X-Function-Config: " + Api.describe(e));
        } catch (java.io.IOException e) {
            throw Api.invalid("X-Function-Config cannot be read: " + e.getMessage());
        }
    }

    /** JSON's null in a map or list would fail deep in the build (after the upload): a 400 now. */
    private static void noNulls(String field, Map<String, ?> values) throws ManagementException {
        if (values == null) {
            return;
        }
        for (Object v : values.values()) {
            if (v == null || v instanceof List<?> list && list.contains(null)) {
                throw Api.invalid("X-Function-Config: " + field + " holds a null; give strings");
            }
        }
    }

    private static Map<String, Object> done(BuildResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("function", r.function());
        m.put("image", r.image());
        m.put("built", r.built());
        m.put("action", r.action());
        m.put("ready", r.ready());
        m.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
        if (r.readySeconds() >= 0) {
            m.put("readySeconds", Math.round(r.readySeconds() * 1000) / 1000.0);
        }
        return m;
    }

    private static void fail(HttpServerExchange exchange, BuildException e, boolean streamed, Lines lines)
            throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        if (streamed) {
            m.put("event", "failed");
            m.put("status", e.status());
        }
        m.put("error", e.getMessage());
        if (!e.logTail().isEmpty()) {
            m.put("log_tail", e.logTail());
        }
        if (streamed) {
            lines.write(m);
        } else {
            Api.json(exchange, e.status(), m);
        }
    }

    static boolean accepts(HttpServerExchange exchange, String type) {
        String accept = exchange.getRequestHeaders().getFirst(Headers.ACCEPT);
        return accept != null && accept.contains(type);
    }

    /** NDJSON lines, each flushed at once so a caller sees the build as it goes. */
    private static final class Lines implements BuildEvents {
        private final OutputStream out;
        private boolean broken;

        Lines(OutputStream out) {
            this.out = out;
        }

        @Override
        public void step(String message) {
            write(Map.of("event", "step", "message", message));
        }

        @Override
        public void log(String line) {
            write(Map.of("event", "log", "line", line));
        }

        synchronized void close() throws IOException {
            broken = true; // a log line arriving late is dropped, not written after the end
            out.close();
        }

        synchronized void write(Map<String, Object> event) {
            if (broken) {
                return; // the caller left: the build goes on and deploys; its result is in the log
            }
            try {
                out.write(Api.JSON.writeValueAsString(event).getBytes(StandardCharsets.UTF_8));
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                broken = true;
            }
        }
    }
}

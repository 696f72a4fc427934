package dev.faas.gateway.blueprint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faas.gateway.metrics.FunctionMetrics;
import dev.faas.gateway.provider.Function;
import dev.faas.gateway.proxy.CallIds;
import dev.faas.gateway.queue.Answer;
import dev.faas.gateway.queue.Header;
import dev.faas.gateway.queue.Invoker;
import dev.faas.gateway.queue.QueuedCall;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The spec's invocations: {@code POST /api/functions/{id}/invoke}, the SDK executor's {@code POST /job/{job_id}}
 * (and {@code HEAD} as its health check), and {@code GET /api/functions/{id}/health}. A call runs through the gateway's
 * own function route ({@link Invoker}, as queued calls do), so metrics, limits, timeouts and cold starts from zero are
 * the sync path's. The bootstrap reads the request JSON on stdin and writes its answer JSON on stdout; this door
 * wraps it as the spec answers: {@code {job_id, result, success, execution_ms, memory_used_mb}}, and any failure
 * (a timeout, an exit status, no JSON) as a 500 with {@code success:false} and the error.
 */
final class BlueprintInvokes {
    private static final ObjectMapper JSON = Replies.JSON;

    private final java.util.function.Function<String, Function> functions;
    private final Invoker invoker;
    private final FunctionMetrics metrics;

    BlueprintInvokes(java.util.function.Function<String, Function> functions, Invoker invoker, FunctionMetrics metrics) {
        this.functions = functions;
        this.invoker = invoker;
        this.metrics = metrics;
    }

    /** A job to the function the executor's default endpoint means: {@code http-job-N}, else {@code job-N}. */
    String jobFunction(String jobId) {
        for (String name : List.of("http-job-" + jobId, "job-" + jobId)) {
            if (functions.apply(name) != null) {
                return name;
            }
        }
        return "http-job-" + jobId;
    }

    HttpHandler invoke() {
        return exchange -> invoke(exchange, Replies.parameter(exchange, "id"));
    }

    HttpHandler job() {
        return exchange -> {
            String function = jobFunction(Replies.parameter(exchange, "job_id"));
            if (exchange.getRequestMethod().toString().equals("HEAD")) {
                Function f = functions.apply(function);
                exchange.setStatusCode(f == null ? 404 : healthy(f) ? 200 : 503);
                exchange.endExchange();
                return;
            }
            invoke(exchange, function);
        };
    }

    HttpHandler health() {
        return exchange -> {
            String id = Replies.parameter(exchange, "id");
            Function f = functions.apply(id);
            if (f == null || BlueprintFunctions.hidden(exchange, f.labels())) {
                Replies.error(exchange, BlueprintError.notFound(id));
                return;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("function_id", id);
            if (!healthy(f)) {
                m.put("status", "unhealthy");
                m.put("error", f.lastFailure() != null ? f.lastFailure().reason()
                        : "no replica is ready yet (starting)");
                Replies.json(exchange, 503, m);
                return;
            }
            Instant last = metrics.lastCall(f.name());
            m.put("status", "healthy");
            m.put("last_invocation", last == null ? null : last.toString());
            m.put("total_invocations", (long) metrics.invocationCount(f.name()));
            Replies.json(exchange, 200, m);
        };
    }

    /** Ready now, or at zero replicas by choice (the next call starts one). */
    private static boolean healthy(Function f) {
        return f.hasReadyReplica() || f.desiredReplicas() == 0 && f.lastFailure() == null;
    }

    private void invoke(HttpServerExchange exchange, String function) {
        Function f = functions.apply(function);
        if (f == null || BlueprintFunctions.hidden(exchange, f.labels())) {
            Replies.error(exchange, BlueprintError.notFound(function));
            return;
        }
        exchange.getRequestReceiver().receiveFullBytes((ex, body) -> {
            JsonNode request;
            try {
                request = request(body);
            } catch (BlueprintError e) {
                Replies.error(ex, e);
                return;
            }
            long jobId = request.path("job_id").asLong();
            QueuedCall call = new QueuedCall(CallIds.random(), function, "POST", "", "",
                    List.of(new Header("Content-Type", "application/json")), null, Instant.now(), body);
            ex.dispatch(SameThreadExecutor.INSTANCE, () -> invoker.invoke(call).whenComplete((answer, failure) ->
                    ex.getIoThread().execute(() -> answer(ex, function, jobId, answer, failure))));
        }, (ex, e) -> Replies.error(ex, BlueprintError.invalid("the request body could not be read: "
                + e.getMessage(), Map.of())));
    }

    /** {@code {job_id: number, args: [bytes]}} (args may also be a string, as serde_bytes reads it). */
    static JsonNode request(byte[] body) throws BlueprintError {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            String why = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw BlueprintError.invalid("malformed JSON: " + why, Map.of());
        }
        if (json == null || !json.isObject()) {
            throw BlueprintError.invalid("the body must be a JSON object {job_id, args}", Map.of());
        }
        JsonNode jobId = json.path("job_id");
        if (!jobId.canConvertToLong() || !jobId.isIntegralNumber() || jobId.asLong() < 0 || jobId.asLong() > 0xffffffffL) {
            throw BlueprintError.invalid("job_id must be a number from 0 to 4294967295", Map.of("field", "job_id"));
        }
        JsonNode args = json.path("args");
        if (!args.isMissingNode() && !args.isTextual() && !(args.isArray() && bytes(args))) {
            throw BlueprintError.invalid("args must be an array of bytes (numbers 0-255)", Map.of("field", "args"));
        }
        return json;
    }

    private static boolean bytes(JsonNode array) {
        for (JsonNode b : array) {
            if (!b.isIntegralNumber() || b.asInt() < 0 || b.asInt() > 255) {
                return false;
            }
        }
        return true;
    }

    private static void answer(HttpServerExchange exchange, String function, long jobId, Answer answer,
                               Throwable failure) {
        ObjectNode out = JSON.createObjectNode();
        out.put("job_id", jobId);
        if (failure != null || answer == null) {
            failed(exchange, out, "the function could not be called: " + (failure == null ? "no answer" : failure.getMessage()));
            return;
        }
        out.put("execution_ms", Math.round(answer.seconds() * 1000));
        out.putNull("memory_used_mb");
        String text = new String(answer.body(), StandardCharsets.UTF_8);
        if (answer.status() == 404 && functions404(text)) {
            Replies.error(exchange, BlueprintError.notFound(function));
            return;
        }
        if (answer.status() != 200) {
            failed(exchange, out, "the function answered " + answer.status() + ": " + shorten(text));
            return;
        }
        JsonNode stdout;
        try {
            stdout = JSON.readTree(answer.body());
        } catch (IOException e) {
            stdout = null;
        }
        if (stdout == null || !stdout.isObject()) {
            failed(exchange, out, "bootstrap wrote no JSON object on stdout: " + shorten(text));
            return;
        }
        if (stdout.path("job_id").isIntegralNumber()) {
            out.put("job_id", stdout.path("job_id").asLong());
        }
        out.set("result", result(stdout.path("result")));
        boolean success = !stdout.has("success") || stdout.path("success").asBoolean(true);
        out.put("success", success);
        if (!success) {
            out.put("error", stdout.path("error").asText("the bootstrap reported success:false"));
        }
        Replies.json(exchange, success ? 200 : 500, out);
    }

    private static boolean functions404(String text) {
        return text.contains("not found");
    }

    /** The bootstrap's result as bytes: an array of numbers as it is, a string as its UTF-8 bytes. */
    private static ArrayNode result(JsonNode result) {
        ArrayNode bytes = JSON.createArrayNode();
        if (result.isTextual()) {
            for (byte b : result.asText().getBytes(StandardCharsets.UTF_8)) {
                bytes.add(b & 0xff);
            }
        } else if (result.isArray()) {
            result.forEach(b -> {
                if (b.isIntegralNumber() && b.asInt() >= 0 && b.asInt() <= 255) {
                    bytes.add(b.asInt());
                }
            });
        }
        return bytes;
    }

    private static void failed(HttpServerExchange exchange, ObjectNode out, String error) {
        out.set("result", JSON.createArrayNode());
        out.put("success", false);
        out.put("error", error);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        Replies.json(exchange, 500, out);
    }

    private static String shorten(String text) {
        String t = text.strip();
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }
}

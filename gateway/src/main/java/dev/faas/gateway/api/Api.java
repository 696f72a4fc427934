package dev.faas.gateway.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faas.gateway.provider.ManagementException;
import dev.faas.gateway.provider.ManagementException.Reason;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import io.undertow.util.PathTemplateMatch;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every /system handler shares: it runs on a worker thread (management calls wait on Docker), reads JSON
 * bodies, answers JSON, and turns a {@link ManagementException} into its status with a one-line plain-text body.
 */
public final class Api {
    private static final Logger LOG = LoggerFactory.getLogger(Api.class);
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.ACCEPT_FLOAT_AS_INT, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false);

    private Api() {}

    /** One management call; throws ManagementException for every answer that is not a success. */
    public interface Call {
        void handle(HttpServerExchange exchange) throws ManagementException, IOException;
    }

    public static HttpHandler blocking(Call call) {
        return blocking(call, null);
    }

    /** The same on threads of {@code executor} (null: Undertow's worker pool). */
    public static HttpHandler blocking(Call call, Executor executor) {
        return new HttpHandler() {
            @Override
            public void handleRequest(HttpServerExchange exchange) throws Exception {
                if (exchange.isInIoThread()) {
                    exchange.dispatch(executor, this); // null: Undertow's worker pool, as dispatch(this) would
                    return;
                }
                exchange.startBlocking();
                try {
                    call.handle(exchange);
                } catch (RequestTooBigException e) {
                    PlainText.send(exchange, 413, "the request body is over max_body");
                } catch (ManagementException e) {
                    if (e.reason() == Reason.UNAVAILABLE || e.reason() == Reason.TIMED_OUT
                            || e.reason() == Reason.FAILED) {
                        LOG.warn("event=management_failed path={} reason={} problem=\"{}\"",
                                exchange.getRequestPath(), e.reason(), e.getMessage());
                    }
                    if (!exchange.isResponseStarted()) {
                        PlainText.send(exchange, status(e.reason()), e.getMessage());
                    }
                } catch (RuntimeException e) {
                    // A bug: one log line here, and never a stack trace (nor Undertow's empty 500) to the caller.
                    LOG.error("event=management_error path={} error=\"{}\"", exchange.getRequestPath(), e.toString());
                    if (!exchange.isResponseStarted()) {
                        PlainText.send(exchange, 500, "internal error; the gateway's log has the details");
                    }
                }
            }
        };
    }

    static int status(Reason reason) {
        return switch (reason) {
            case INVALID -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case UNSUPPORTED -> 501;
            case UNAVAILABLE, TIMED_OUT -> 503;
            case FAILED -> 500;
        };
    }

    static ManagementException invalid(String message) {
        return new ManagementException(Reason.INVALID, message);
    }

    /** The request body as {@code type}; any problem is INVALID with a message naming the field, never a trace. */
    static <T> T read(HttpServerExchange exchange, Class<T> type) throws ManagementException, IOException {
        byte[] body;
        try (InputStream in = exchange.getInputStream()) {
            body = in.readAllBytes();
        }
        if (body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            throw invalid("the request body is empty: send a JSON " + type.getSimpleName());
        }
        try {
            T value = JSON.readValue(body, type);
            if (value == null) {
                throw invalid("the request body is null: send a JSON " + type.getSimpleName());
            }
            return value;
        } catch (JsonProcessingException e) {
            throw invalid(describe(e));
        }
    }

    /** Jackson's complaint cut to one line: the field's path, the problem, and where the parser was. */
    static String describe(JsonProcessingException e) {
        String problem = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage();
        int newline = problem.indexOf('\n');
        problem = newline < 0 ? problem : problem.substring(0, newline);
        problem = problem.replaceAll(" \\(for [^)]*\\)", "").replace("`", "").strip();
        if (problem.length() > 160) {
            problem = problem.substring(0, 160) + "...";
        }
        if (e instanceof JsonParseException || !(e instanceof JsonMappingException m)) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            return "malformed JSON: " + problem + where;
        }
        if (m.getPath().isEmpty()) {
            return "unexpected JSON: " + problem;
        }
        StringBuilder field = new StringBuilder();
        for (JsonMappingException.Reference r : m.getPath()) {
            if (r.getFieldName() != null) {
                field.append(field.length() == 0 ? "" : ".").append(r.getFieldName());
            } else {
                field.append('[').append(r.getIndex()).append(']');
            }
        }
        return "field " + field + ": " + problem;
    }

    static void json(HttpServerExchange exchange, int status, Object value) throws IOException {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(JSON.writeValueAsString(value));
    }

    /** A {name} from the route's path template. */
    static String pathParameter(HttpServerExchange exchange, String name) {
        PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
        return match == null ? "" : match.getParameters().getOrDefault(name, "");
    }

    static String query(HttpServerExchange exchange, String name) {
        var values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? "" : values.getFirst();
    }
}

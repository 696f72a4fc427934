package dev.faas.gateway.lambda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.faas.common.Printable;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.PathTemplateMatch;
import java.nio.ByteBuffer;

/** The door's answers: JSON with {@code x-amzn-RequestId}, errors in Lambda's shape; and its path parameters. */
final class Replies {
    static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);
    static final HttpString REQUEST_ID = new HttpString("x-amzn-RequestId");
    static final HttpString ERROR_TYPE = new HttpString("x-amzn-ErrorType");

    private Replies() {}

    static void json(HttpServerExchange exchange, int status, String requestId, Object value) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an answer", e);
        }
        send(exchange, status, requestId, "application/json", body);
    }

    static void error(HttpServerExchange exchange, String requestId, LambdaError e) {
        if (exchange.isResponseStarted()) {
            return;
        }
        exchange.getResponseHeaders().put(ERROR_TYPE, e.type);
        e.headers.forEach((name, value) -> exchange.getResponseHeaders().put(new HttpString(name), value));
        json(exchange, e.status, requestId, e.body());
    }

    static void send(HttpServerExchange exchange, int status, String requestId, String contentType, byte[] body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(REQUEST_ID, requestId);
        if (contentType != null) {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        }
        if (body.length == 0) {
            exchange.endExchange(); // Undertow writes Content-Length: 0 itself, and none on a 204
        } else {
            exchange.getResponseSender().send(ByteBuffer.wrap(body));
        }
    }

    static String parameter(HttpServerExchange exchange, String name) {
        PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
        return match == null ? "" : match.getParameters().getOrDefault(name, "");
    }

    /** A caller's text made safe to echo in one line. */
    static String printable(String s) {
        return Printable.of(s, 170);
    }
}

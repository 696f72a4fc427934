package dev.faas.gateway.blueprint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.PathTemplateMatch;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON answers of the Blueprint routes, and their path parameters. */
final class Replies {
    /** The door's one mapper: unknown fields are ignored and floats are not ints, as the spec's clients expect. */
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.ACCEPT_FLOAT_AS_INT, false);

    private Replies() {}

    static void json(HttpServerExchange exchange, int status, Object value) {
        String body;
        try {
            body = JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an answer", e);
        }
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(body);
    }

    static void error(HttpServerExchange exchange, BlueprintError e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", e.getMessage());
        m.put("code", e.code);
        m.put("details", e.details);
        Object id = e.details.get("function_id");
        if (id != null) {
            m.put("function_id", id); // the spec's own examples carry it beside error
        }
        json(exchange, e.status, m);
    }

    static String parameter(HttpServerExchange exchange, String name) {
        PathTemplateMatch match = exchange.getAttachment(PathTemplateMatch.ATTACHMENT_KEY);
        return match == null ? "" : match.getParameters().getOrDefault(name, "");
    }
}

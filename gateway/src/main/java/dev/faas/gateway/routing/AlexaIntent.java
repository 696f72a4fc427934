package dev.faas.gateway.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Reads the function name from an Alexa skill request: {@code request.intent.name}, verbatim, when
 * {@code session.sessionId}, {@code session.application.applicationId} and the intent name are all non-empty strings.
 */
public final class AlexaIntent {
    public static final String EXPECTED =
            "expected an X-Function header or an Alexa intent request (JSON with session.sessionId, "
                    + "session.application.applicationId and request.intent.name)";
    private static final ObjectMapper JSON = new ObjectMapper();

    private AlexaIntent() {}

    /** The intent name, or null when the body is not JSON or not an Alexa intent request. */
    public static String intentName(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
        if (root == null || !root.isObject()) {
            return null;
        }
        String session = text(root.at("/session/sessionId"));
        String app = text(root.at("/session/application/applicationId"));
        String intent = text(root.at("/request/intent/name"));
        return session.isEmpty() || app.isEmpty() || intent.isEmpty() ? null : intent;
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : "";
    }
}

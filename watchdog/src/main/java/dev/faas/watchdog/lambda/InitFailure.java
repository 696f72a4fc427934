package dev.faas.watchdog.lambda;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Why the last runtime start failed: what a call is answered (503) while no runtime is ready.
 *
 * @param errorType Runtime.ExitError, Runtime.InvalidEntrypoint, or the type the runtime posted
 * @param detail    after "RequestId: id Error: " when the runtime did not post a body
 * @param posted    the error object the runtime posted to init/error, or null
 */
record InitFailure(String errorType, String detail, byte[] posted) {
    /** The runtime exited before it first asked for an invocation. */
    static InitFailure exited(String how) {
        return new InitFailure("Runtime.ExitError", "Runtime exited with error: " + how, null);
    }

    /** fprocess could not be started. */
    static InitFailure notStarted(String reason) {
        return new InitFailure("Runtime.InvalidEntrypoint", reason, null);
    }

    /** What the runtime posted to init/error: its error object, or its text wrapped in one. */
    static InitFailure posted(byte[] body, String typeHeader) {
        String text = new String(body, StandardCharsets.UTF_8);
        Map<String, Object> object = Json.objectOrNull(text);
        String type = typeHeader != null && !typeHeader.isBlank() ? typeHeader.trim()
                : object != null && object.get("errorType") instanceof String s ? s : "Runtime.InitError";
        byte[] json = object != null ? body : Json.error(type, text);
        return new InitFailure(type, object != null && object.get("errorMessage") instanceof String m ? m : text, json);
    }

    byte[] body(String requestId) {
        if (posted != null) {
            return posted;
        }
        return Json.object("errorType", errorType, "errorMessage", "RequestId: " + requestId + " Error: " + detail);
    }
}

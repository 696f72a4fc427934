package dev.faas.gateway.blueprint;

import java.util.Map;

/** An answer in the spec's error shape: {@code {error, code, details}} with its status. */
final class BlueprintError extends Exception {
    final int status;
    final String code;
    final Map<String, Object> details;

    BlueprintError(int status, String code, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.details = Map.copyOf(details);
    }

    static BlueprintError invalid(String message, Map<String, Object> details) {
        return new BlueprintError(400, "INVALID_REQUEST", message, details);
    }

    static BlueprintError notFound(String id) {
        return new BlueprintError(404, "NOT_FOUND", "Function not found", Map.of("function_id", id));
    }
}

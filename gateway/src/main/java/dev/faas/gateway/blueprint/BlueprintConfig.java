package dev.faas.gateway.blueprint;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code X-Blueprint-Config}: base64 of JSON {@code {memory_mb, timeout_secs, max_concurrency, env_vars}}, each
 * within the spec's ranges (memory 128 MB–10 GB in 64 MB steps, timeout 1–900 s, concurrency 1–1000); a value out
 * of range is a 400 naming the field and its range, not a silent default.
 */
record BlueprintConfig(
        @JsonProperty("memory_mb") Integer memoryMb,
        @JsonProperty("timeout_secs") Integer timeoutSecs,
        @JsonProperty("max_concurrency") Integer maxConcurrency,
        @JsonProperty("env_vars") Map<String, String> envVars) {
    static final int DEFAULT_MEMORY_MB = 512;
    static final int DEFAULT_TIMEOUT_SECS = 300;
    static final int DEFAULT_CONCURRENCY = 10;
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    BlueprintConfig {
        memoryMb = memoryMb == null ? DEFAULT_MEMORY_MB : memoryMb;
        timeoutSecs = timeoutSecs == null ? DEFAULT_TIMEOUT_SECS : timeoutSecs;
        maxConcurrency = maxConcurrency == null ? DEFAULT_CONCURRENCY : maxConcurrency;
        envVars = envVars == null ? Map.of() : Map.copyOf(envVars);
    }

    static BlueprintConfig parse(String header) throws BlueprintError {
        BlueprintConfig c;
        if (header == null || header.isBlank()) {
            c = new BlueprintConfig(null, null, null, null);
        } else {
            byte[] json;
            try {
                json = Base64.getDecoder().decode(header.strip());
            } catch (IllegalArgumentException e) {
                throw BlueprintError.invalid("X-Blueprint-Config is not base64", Map.of("header", "X-Blueprint-Config"));
            }
            try {
                c = Replies.JSON.readValue(json, BlueprintConfig.class);
            } catch (java.io.IOException e) {
                String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
                String why = message == null ? "unreadable" : message.lines().findFirst().orElse("");
                throw BlueprintError.invalid("X-Blueprint-Config is not the config JSON: " + why,
                        Map.of("header", "X-Blueprint-Config"));
            }
            if (c == null) {
                throw BlueprintError.invalid("X-Blueprint-Config is null", Map.of("header", "X-Blueprint-Config"));
            }
        }
        range("memory_mb", c.memoryMb(), 128, 10240);
        if (c.memoryMb() % 64 != 0) {
            throw BlueprintError.invalid("memory_mb must be a multiple of 64", Map.of("field", "memory_mb",
                    "value", c.memoryMb(), "step", 64));
        }
        range("timeout_secs", c.timeoutSecs(), 1, 900);
        range("max_concurrency", c.maxConcurrency(), 1, 1000);
        for (String key : c.envVars().keySet()) {
            if (!ENV_KEY.matcher(key).matches()) {
                throw BlueprintError.invalid("env_vars key is not a variable name", Map.of("field", "env_vars",
                        "key", key.length() > 64 ? key.substring(0, 64) : key));
            }
        }
        return c;
    }

    private static void range(String field, int value, int min, int max) throws BlueprintError {
        if (value < min || value > max) {
            throw BlueprintError.invalid(field + " must be between " + min + " and " + max, Map.of("field", field,
                    "value", value, "min", min, "max", max));
        }
    }
}

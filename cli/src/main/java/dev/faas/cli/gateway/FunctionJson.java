package dev.faas.cli.gateway;

import dev.faas.cli.output.Json;
import dev.faas.cli.stack.FunctionSpec;
import dev.faas.cli.stack.Resources;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A function of the file as the gateway takes it: OpenFaaS's deployment JSON for /system/functions, and the
 * builder's X-Function-Config header (the same settings, less the image the builder makes, plus build args).
 * Unset optional values are left out rather than sent as null.
 */
public final class FunctionJson {
    private FunctionJson() {
    }

    public static Map<String, Object> deployment(FunctionSpec f) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("service", f.name());
        json.put("image", f.image());
        json.putAll(settings(f));
        if (f.readOnlyRootFilesystem()) {
            json.put("readOnlyRootFilesystem", true);
        }
        return json;
    }

    public static Map<String, Object> buildConfig(FunctionSpec f) {
        Map<String, Object> json = settings(f);
        json.put("buildArgs", f.buildArgs());
        return json;
    }

    /** The X-Function-Config header's value: base64 of the build config's JSON. */
    public static String buildConfigHeader(FunctionSpec f) {
        return Base64.getEncoder().encodeToString(Json.compact(buildConfig(f)).getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Object> settings(FunctionSpec f) {
        Map<String, Object> json = new LinkedHashMap<>();
        if (f.fprocess() != null) {
            json.put("envProcess", f.fprocess());
        }
        json.put("envVars", f.environment());
        json.put("labels", f.labels());
        json.put("annotations", f.annotations());
        json.put("secrets", f.secrets());
        json.put("constraints", f.constraints());
        putResources(json, "limits", f.limits());
        putResources(json, "requests", f.requests());
        return json;
    }

    private static void putResources(Map<String, Object> json, String key, Resources r) {
        if (r == null || r.isEmpty()) {
            return;
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (r.memory() != null) {
            values.put("memory", r.memory());
        }
        if (r.cpu() != null) {
            values.put("cpu", r.cpu());
        }
        json.put(key, values);
    }
}

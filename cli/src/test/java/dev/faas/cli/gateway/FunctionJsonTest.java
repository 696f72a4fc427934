package dev.faas.cli.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faas.cli.output.Json;
import dev.faas.cli.stack.FunctionSpec;
import dev.faas.cli.stack.Resources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunctionJsonTest {
    private static final FunctionSpec FN = new FunctionSpec("fn", "python3", Path.of("fn"), "faas/fn", "python3 index.py",
            Map.of("A", "1"), Map.of("com.openfaas.scale.max", "3"), Map.of("owner", "me"), List.of("api-key"),
            List.of("node.role == manager"), new Resources("128m", "0.5"), Resources.NONE, Map.of("V", "2"), false, true);

    @Test
    void theDeploymentIsOpenFaasJson() throws IOException {
        JsonNode json = Json.parse(Json.compact(FunctionJson.deployment(FN)));
        assertEquals("fn", json.path("service").asText());
        assertEquals("faas/fn", json.path("image").asText());
        assertEquals("python3 index.py", json.path("envProcess").asText());
        assertEquals("1", json.path("envVars").path("A").asText());
        assertEquals("3", json.path("labels").path("com.openfaas.scale.max").asText());
        assertEquals("me", json.path("annotations").path("owner").asText());
        assertEquals("api-key", json.path("secrets").path(0).asText());
        assertEquals("node.role == manager", json.path("constraints").path(0).asText());
        assertEquals("128m", json.path("limits").path("memory").asText());
        assertEquals("0.5", json.path("limits").path("cpu").asText());
        assertFalse(json.has("requests"), "unset, so left out");
        assertFalse(json.has("buildArgs"));
        assertEquals(true, json.path("readOnlyRootFilesystem").asBoolean());
    }

    @Test
    void theBuildConfigHeaderIsBase64OfTheSettingsAndBuildArgs() throws IOException {
        JsonNode json = Json.parse(new String(Base64.getDecoder().decode(FunctionJson.buildConfigHeader(FN)),
                StandardCharsets.UTF_8));
        assertEquals(List.of("envProcess", "envVars", "labels", "annotations", "secrets", "constraints", "limits",
                "buildArgs"), iterable(json.fieldNames()));
        assertEquals("2", json.path("buildArgs").path("V").asText());
        assertFalse(json.has("image"));
    }

    @Test
    void aNamedFunctionSendsEmptySettings() throws IOException {
        JsonNode json = Json.parse(Json.compact(FunctionJson.buildConfig(FunctionSpec.named("x"))));
        assertEquals("{\"envVars\":{},\"labels\":{},\"annotations\":{},\"secrets\":[],\"constraints\":[],\"buildArgs\":{}}",
                json.toString());
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}

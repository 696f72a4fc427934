package dev.faas.gateway.blueprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlueprintConfigTest {
    private static String header(String json) {
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void noHeaderIsTheDefaults() throws Exception {
        BlueprintConfig c = BlueprintConfig.parse(null);
        assertEquals(512, c.memoryMb());
        assertEquals(300, c.timeoutSecs());
        assertEquals(10, c.maxConcurrency());
    }

    @Test
    void aConfigWithinTheSpecsRangesIsTaken() throws Exception {
        BlueprintConfig c = BlueprintConfig.parse(header(
                "{\"memory_mb\":256,\"timeout_secs\":5,\"max_concurrency\":100,\"env_vars\":{\"MODE\":\"x\"}}"));
        assertEquals(256, c.memoryMb());
        assertEquals(5, c.timeoutSecs());
        assertEquals(Map.of("MODE", "x"), c.envVars());
    }

    @Test
    void valuesOutsideTheRangesAre400sNamingTheField() {
        for (String json : new String[] {"{\"memory_mb\":64}", "{\"memory_mb\":200}", "{\"memory_mb\":10304}",
                "{\"timeout_secs\":0}", "{\"timeout_secs\":901}", "{\"max_concurrency\":1001}",
                "{\"env_vars\":{\"A B\":\"x\"}}"}) {
            BlueprintError e = assertThrows(BlueprintError.class, () -> BlueprintConfig.parse(header(json)), json);
            assertEquals(400, e.status, json);
            String field = json.substring(2, json.indexOf('"', 2));
            assertTrue(e.getMessage().contains(field), json + " -> " + e.getMessage());
        }
    }

    @Test
    void notBase64OrNotJsonIsA400() {
        assertEquals(400, assertThrows(BlueprintError.class, () -> BlueprintConfig.parse("%%%")).status);
        assertEquals(400, assertThrows(BlueprintError.class, () -> BlueprintConfig.parse(header("{memory"))).status);
    }
}

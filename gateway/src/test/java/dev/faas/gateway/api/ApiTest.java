package dev.faas.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.faas.gateway.provider.FunctionDeployment;
import dev.faas.gateway.provider.ManagementException.Reason;
import org.junit.jupiter.api.Test;

class ApiTest {
    private static String problem(String json, Class<?> type) {
        JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> Api.JSON.readValue(json, type));
        String message = Api.describe(e);
        assertFalse(message.contains("\n"), "one line: " + message);
        assertFalse(message.contains("at [Source"), "no parser internals: " + message);
        assertTrue(message.length() < 260, message);
        return message;
    }

    @Test
    void malformedJsonSaysWhere() {
        String m = problem("{\"service\": \"x\",\n \"image\": ", FunctionDeployment.class);
        assertTrue(m.startsWith("malformed JSON: "), m);
        assertTrue(m.contains("line 2"), m);
    }

    @Test
    void aWrongTypeNamesTheField() {
        String m = problem("{\"service\": \"x\", \"envVars\": [1]}", FunctionDeployment.class);
        assertTrue(m.startsWith("field envVars: "), m);
        String nested = problem("{\"limits\": {\"memory\": {\"a\": 1}}}", FunctionDeployment.class);
        assertTrue(nested.startsWith("field limits.memory: "), nested);
        String replicas = problem("{\"replicas\": \"many\"}", ScaleHandler.ScaleRequest.class);
        assertTrue(replicas.startsWith("field replicas: "), replicas);
        String fraction = problem("{\"replicas\": 1.5}", ScaleHandler.ScaleRequest.class);
        assertTrue(fraction.startsWith("field replicas: "), fraction);
    }

    @Test
    void unknownFieldsFromNewerClientsAreIgnored() throws Exception {
        FunctionDeployment d = Api.JSON.readValue("{\"service\": \"x\", \"image\": \"i\", \"registryAuth\": \"abc\"}",
                FunctionDeployment.class);
        assertEquals("x", d.service());
    }

    @Test
    void everyReasonHasItsStatus() {
        assertEquals(400, Api.status(Reason.INVALID));
        assertEquals(404, Api.status(Reason.NOT_FOUND));
        assertEquals(409, Api.status(Reason.CONFLICT));
        assertEquals(501, Api.status(Reason.UNSUPPORTED));
        assertEquals(503, Api.status(Reason.UNAVAILABLE));
        assertEquals(503, Api.status(Reason.TIMED_OUT), "given up, nothing done: try again");
        assertEquals(500, Api.status(Reason.FAILED));
    }
}

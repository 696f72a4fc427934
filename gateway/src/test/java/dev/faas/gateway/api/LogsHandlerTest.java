package dev.faas.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.gateway.provider.LogSource;
import dev.faas.gateway.provider.ManagementException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogsHandlerTest {
    private static String refusal(String name, String tail, String follow, String since) {
        ManagementException e = assertThrows(ManagementException.class,
                () -> LogsHandler.query(name, tail, follow, since, ""));
        return e.getMessage();
    }

    @Test
    void defaultsAreAllLinesNoFollowFromTheStart() throws Exception {
        assertEquals(new LogSource.Query("fn", -1, false, null, ""), LogsHandler.query("fn", "", "", "", ""));
    }

    @Test
    void parsesEveryParameter() throws Exception {
        LogSource.Query q = LogsHandler.query("fn", "20", "true", "2024-01-31T12:00:00Z", "abc");
        assertEquals(new LogSource.Query("fn", 20, true, Instant.parse("2024-01-31T12:00:00Z"), "abc"), q);
    }

    @Test
    void eachBadParameterIsNamed() {
        assertTrue(refusal("", "", "", "").contains("name is required"));
        assertTrue(refusal("a b", "", "", "").contains("not a valid name"));
        assertTrue(refusal("fn", "lots", "", "").startsWith("tail"));
        assertTrue(refusal("fn", "-2", "", "").startsWith("tail"));
        assertTrue(refusal("fn", "", "maybe", "").startsWith("follow"));
        assertTrue(refusal("fn", "", "", "yesterday").startsWith("since"));
    }
}

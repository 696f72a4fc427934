package dev.faas.gateway.api;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.faas.gateway.config.GatewayConfig;
import dev.faas.gateway.provider.ManagementException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamespaceTest {
    private final Namespace namespace = new Namespace(GatewayConfig.from(Map.of()).functionNamespace());

    @Test
    void noNamespaceAndTheReportedOneAreAccepted() {
        assertEquals("openfaas-fn", namespace.name());
        assertDoesNotThrow(() -> namespace.check(null));
        assertDoesNotThrow(() -> namespace.check(""));
        assertDoesNotThrow(() -> namespace.check("openfaas-fn"));
    }

    @Test
    void anyOtherNamespaceIsInvalidAndTheAnswerNamesTheOneThereIs() {
        ManagementException e = assertThrows(ManagementException.class, () -> namespace.check("team-a"));
        assertEquals(400, Api.status(e.reason()));
        assertEquals("namespace \"team-a\" does not exist: the only namespace is \"openfaas-fn\" (or leave it out)",
                e.getMessage());
    }

    @Test
    void theNameIsASetting() {
        Namespace own = new Namespace(GatewayConfig.from(Map.of("function_namespace", "fn")).functionNamespace());
        assertDoesNotThrow(() -> own.check("fn"));
        assertThrows(ManagementException.class, () -> own.check("openfaas-fn"));
    }
}

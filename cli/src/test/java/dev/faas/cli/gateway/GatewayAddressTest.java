package dev.faas.cli.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.faas.cli.CliFailure;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayAddressTest {
    private static final Map<String, String> ENV = Map.of("OPENFAAS_URL", "http://env:8080");

    @Test
    void theFlagThenTheEnvironmentThenTheFileThenTheDefault() {
        assertEquals(URI.create("http://flag:1"), GatewayAddress.resolve("http://flag:1", ENV, "http://file:3"));
        assertEquals(URI.create("http://env:8080"), GatewayAddress.resolve(null, ENV, "http://file:3"));
        assertEquals(URI.create("http://file:3"), GatewayAddress.resolve(null, Map.of(), "http://file:3"));
        assertEquals(URI.create("http://127.0.0.1:8080"), GatewayAddress.resolve(null, Map.of(), null));
    }

    @Test
    void aSchemeIsAddedAndTrailingSlashesGo() {
        assertEquals(URI.create("http://127.0.0.1:9000"), GatewayAddress.resolve("127.0.0.1:9000/", Map.of(), null));
        assertEquals(URI.create("https://gw.example/faas"), GatewayAddress.resolve("https://gw.example/faas//", Map.of(), null));
        assertThrows(CliFailure.class, () -> GatewayAddress.resolve("ftp://x", Map.of(), null));
        assertThrows(CliFailure.class, () -> GatewayAddress.resolve("http://", Map.of(), null));
    }
}

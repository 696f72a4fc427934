package dev.faas.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gateway reads durations with the watchdog's grammar (dev.faas.common.Durations), as OpenFaaS does. */
class DurationSettingsTest {
    @Test
    void everyDurationTheWatchdogAcceptsTheGatewayAcceptsToo() {
        GatewayConfig c = GatewayConfig.from(Map.of("upstream_timeout", "1m30s", "read_timeout", "1.5s",
                "write_timeout", "90", "upstream_connect_timeout", "250ms"));
        assertEquals(Duration.ofSeconds(90), c.upstreamTimeout());
        assertEquals(Duration.ofMillis(1500), c.readTimeout());
        assertEquals(Duration.ofSeconds(90), c.writeTimeout());
        assertEquals(Duration.ofMillis(250), c.upstreamConnectTimeout());
    }

    @Test
    void aBadDurationNamesTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.from(Map.of("upstream_timeout", "1m-30s")));
        assertTrue(e.getMessage().startsWith("upstream_timeout=1m-30s"), e.getMessage());
    }
}

package dev.faas.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {
    @Test
    void everySettingHasADefault() {
        GatewayConfig c = GatewayConfig.from(Map.of());
        assertEquals(8080, c.port());
        assertEquals(Duration.ofSeconds(60), c.upstreamTimeout());
        assertEquals(Duration.ofSeconds(2), c.upstreamConnectTimeout());
        assertEquals(10L << 20, c.maxBody());
        assertEquals("swarm", c.provider());
        assertEquals("functions", c.functionsNetwork());
        assertEquals(Duration.ofSeconds(10), c.headTimeout());
        assertEquals(10_000, c.maxConnections());
        assertEquals(64 * 1024, c.requestBuffer());
        assertEquals(Duration.ofSeconds(30), c.bodyTimeout());
        assertEquals(Duration.ofMinutes(2), c.imagePullTimeout());
    }

    @Test
    void imagePullTimeoutIsItsOwnDurationNotDockerTimeout() {
        GatewayConfig c = GatewayConfig.from(Map.of("image_pull_timeout", "10m", "docker_timeout", "3s"));
        assertEquals(Duration.ofMinutes(10), c.imagePullTimeout());
        assertEquals(Duration.ofSeconds(3), c.dockerTimeout());
        assertEquals(Duration.ofSeconds(90), GatewayConfig.from(Map.of("image_pull_timeout", "1m30s"))
                .imagePullTimeout());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.from(Map.of("image_pull_timeout", "forever")));
        assertTrue(bad.getMessage().startsWith("image_pull_timeout=forever"), bad.getMessage());
    }

    /** A longer body_timeout would never be reached: the call would end first as a 504 or a silent close. */
    @Test
    void bodyTimeoutIsAtMostTheUpstreamAndReadTimeouts() {
        assertEquals(Duration.ofSeconds(5), GatewayConfig.from(Map.of("upstream_timeout", "5s")).bodyTimeout());
        assertEquals(Duration.ofSeconds(4), GatewayConfig.from(Map.of("body_timeout", "1m", "read_timeout", "4s"))
                .bodyTimeout());
        assertEquals(Duration.ofMinutes(2), GatewayConfig.from(Map.of("body_timeout", "2m", "upstream_timeout", "0",
                "read_timeout", "0")).bodyTimeout(), "0 is no limit");
        assertEquals(0, GatewayConfig.from(Map.of("request_buffer", "0")).requestBuffer());
        assertThrows(IllegalArgumentException.class, () -> GatewayConfig.from(Map.of("body_timeout", "0")));
    }

    @Test
    void durationsAndSizesReadHumanUnits() {
        GatewayConfig c = GatewayConfig.from(Map.of("upstream_timeout", "1500ms", "read_timeout", "2m",
                "write_timeout", "7", "max_body", "512k"));
        assertEquals(Duration.ofMillis(1500), c.upstreamTimeout());
        assertEquals(Duration.ofMinutes(2), c.readTimeout());
        assertEquals(Duration.ofSeconds(7), c.writeTimeout());
        assertEquals(512 * 1024, c.maxBody());
    }

    @Test
    void aBadValueFailsNamingTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GatewayConfig.from(Map.of("upstream_timeout", "soon")));
        assertTrue(e.getMessage().startsWith("upstream_timeout=soon"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GatewayConfig.from(Map.of("provider", "k8s")));
        assertThrows(IllegalArgumentException.class, () -> GatewayConfig.from(Map.of("port", "-1")));
    }

    @Test
    void zeroIsRefusedWhereItWouldStopTheGatewayWorking() {
        for (String name : new String[] {"io_threads", "upstream_connections", "resync_interval", "docker_timeout",
                "image_pull_timeout"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GatewayConfig.from(Map.of(name, "0")), name);
            assertTrue(e.getMessage().startsWith(name), e.getMessage());
        }
    }
}

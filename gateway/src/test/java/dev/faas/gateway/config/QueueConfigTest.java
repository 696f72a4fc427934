package dev.faas.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueConfigTest {
    private static QueueConfig queue(Map<String, String> env) {
        return GatewayConfig.from(env).queue();
    }

    @Test
    void everyQueueSettingHasADefault() {
        QueueConfig q = queue(Map.of());
        assertEquals("", q.natsUrl());
        assertEquals(32L << 20, q.maxBody());
        assertEquals(8, q.maxInflight());
        assertEquals(5, q.maxAttempts());
        assertEquals(Duration.ofSeconds(1), q.retryFirst());
        assertEquals(Duration.ofSeconds(30), q.retryMax());
        assertEquals(Duration.ofHours(1), q.maxAge());
        assertEquals(Duration.ofSeconds(30), q.ackWait());
        assertEquals(8, q.callbackAttempts());
        assertEquals(List.of(), q.callbackAllow());
        assertEquals(Duration.ofSeconds(5), q.publishTimeout());
    }

    @Test
    void queuedCallsAreOffWithoutANatsUrl() {
        assertFalse(queue(Map.of()).enabled());
        assertFalse(queue(Map.of("nats_url", "")).enabled());
        assertFalse(queue(Map.of("nats_url", "   ")).enabled());
        QueueConfig on = queue(Map.of("nats_url", " nats://nats:4222 "));
        assertTrue(on.enabled());
        assertEquals("nats://nats:4222", on.natsUrl());
    }

    @Test
    void everySettingIsRead() {
        QueueConfig q = queue(Map.ofEntries(Map.entry("async_max_body", "100m"), Map.entry("async_max_inflight", "2"),
                Map.entry("async_max_attempts", "10"), Map.entry("async_retry_first", "500ms"),
                Map.entry("async_retry_max", "2m"), Map.entry("async_max_age", "24h"),
                Map.entry("async_ack_wait", "1m30s"), Map.entry("async_callback_attempts", "3"),
                Map.entry("async_publish_timeout", "2s")));
        assertEquals(100L << 20, q.maxBody());
        assertEquals(2, q.maxInflight());
        assertEquals(10, q.maxAttempts());
        assertEquals(Duration.ofMillis(500), q.retryFirst());
        assertEquals(Duration.ofMinutes(2), q.retryMax());
        assertEquals(Duration.ofHours(24), q.maxAge());
        assertEquals(Duration.ofSeconds(90), q.ackWait());
        assertEquals(3, q.callbackAttempts());
        assertEquals(Duration.ofSeconds(2), q.publishTimeout());
    }

    @Test
    void theCallbackAllowListIsCommaSeparatedLowerCasedAndWithoutBlanks() {
        assertEquals(List.of("hooks.internal", "10.0.0.5", "nats"),
                queue(Map.of("async_callback_allow", " Hooks.Internal , ,10.0.0.5,,NATS, ")).callbackAllow());
        assertEquals(List.of("one"), queue(Map.of("async_callback_allow", "one")).callbackAllow());
        assertEquals(List.of(), queue(Map.of("async_callback_allow", " , ")).callbackAllow());
    }

    @Test
    void aRetryMaxBelowTheFirstWaitIsRaisedToIt() {
        QueueConfig q = queue(Map.of("async_retry_first", "10s", "async_retry_max", "2s"));
        assertEquals(Duration.ofSeconds(10), q.retryFirst());
        assertEquals(Duration.ofSeconds(10), q.retryMax());
        assertEquals(Duration.ofMinutes(1), queue(Map.of("async_retry_first", "1m")).retryMax(), "above the default");
        assertEquals(Duration.ofSeconds(30), queue(Map.of("async_retry_first", "30s")).retryMax());
    }

    @Test
    void aBadQueueValueFailsNamingTheVariable() {
        Map<String, String> bad = Map.ofEntries(Map.entry("async_max_body", "lots"),
                Map.entry("async_max_inflight", "-1"), Map.entry("async_max_attempts", "five"),
                Map.entry("async_retry_first", "soon"), Map.entry("async_retry_max", "1m-"),
                Map.entry("async_max_age", "forever"), Map.entry("async_ack_wait", "x"),
                Map.entry("async_callback_attempts", "1.5"), Map.entry("async_publish_timeout", "later"));
        bad.forEach((name, value) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> queue(Map.of(name, value)), name + "=" + value);
            assertTrue(e.getMessage().startsWith(name + "=" + value), e.getMessage());
        });
    }

    @Test
    void zeroIsRefusedWhereItWouldStopQueuedCallsWorking() {
        for (String name : new String[] {"async_max_inflight", "async_max_attempts", "async_retry_first",
                "async_retry_max", "async_max_age", "async_ack_wait", "async_callback_attempts",
                "async_publish_timeout"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> queue(Map.of(name, "0")), name);
            assertTrue(e.getMessage().startsWith(name), e.getMessage());
        }
    }

    @Test
    void aSizeTooLargeToCountFailsNamingTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> queue(Map.of("async_max_body", "99999999999g")));
        assertTrue(e.getMessage().startsWith("async_max_body=99999999999g"), e.getMessage());
    }
}

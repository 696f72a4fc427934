package dev.faas.cli.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.faas.cli.CliFailure;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LogQueryTest {
    private static final Clock NOON = Clock.fixed(Instant.parse("2024-01-31T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void sinceIsADurationBackOrATime() {
        assertEquals(Instant.parse("2024-01-31T11:50:00Z"), LogQuery.since("10m", NOON));
        assertEquals(Instant.parse("2024-01-31T10:30:00Z"), LogQuery.since("1h30m", NOON));
        assertEquals(Instant.parse("2024-01-30T22:00:00Z"), LogQuery.since("2024-01-31T00:00:00+02:00", NOON));
        assertNull(LogQuery.since(null, NOON));
        assertThrows(CliFailure.class, () -> LogQuery.since("yesterday", NOON));
    }

    @Test
    void theQueryHasOpenFaasParameters() {
        assertEquals("/system/logs?name=fn&follow=true&since=2024-01-31T11%3A50%3A00Z&tail=20",
                new LogQuery("fn", true, Instant.parse("2024-01-31T11:50:00Z"), 20).pathAndQuery());
        assertEquals("/system/logs?name=fn&follow=false", new LogQuery("fn", false, null, null).pathAndQuery());
    }
}

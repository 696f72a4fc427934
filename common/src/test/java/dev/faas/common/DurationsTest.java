package dev.faas.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void aBareNumberIsSecondsAsTheClassicWatchdogTookIt() {
        assertEquals(Duration.ofSeconds(5), Durations.parse("5"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5"));
        assertEquals(Duration.ZERO, Durations.parse("0"));
        assertEquals(Duration.ofMillis(500), Durations.parse(".5"));
    }

    @Test
    void goDurationsWithEveryUnitAndSeveralParts() {
        assertEquals(Duration.ofSeconds(90), Durations.parse("1m30s"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofHours(2), Durations.parse(" 2h "));
        assertEquals(Duration.ofMinutes(150), Durations.parse("2h30m"));
        assertEquals(Duration.ofNanos(1_500), Durations.parse("1us500ns"));
        assertEquals(Duration.ofNanos(2_000), Durations.parse("2µs"));
        assertEquals(Duration.ofMillis(1), Durations.parse("0.001s"), "exact: no floating point rounding");
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.s500ms"), "Go takes a trailing dot");
    }

    @Test
    void anythingElseIsRefusedWithExamples() {
        for (String bad : new String[] {"", "s", "5x", "-1s", "+1s", "1 s", "5s3", "1m-30s", "1e3s", "five", "1..5s",
            "9".repeat(70)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
            assertTrue(e.getMessage().contains("examples") || e.getMessage().contains("longer"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Durations.parse("999999999h")).getMessage()
                .contains("longer"));
    }

    @Test
    void formatGivesTheShortestExactSpelling() {
        assertEquals("1s", Durations.format(Duration.ofSeconds(1)));
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertEquals("1500ns", Durations.format(Duration.ofNanos(1500)));
    }
}

package dev.faas.watchdog.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void bareNumberIsSeconds() {
        assertEquals(Duration.ofSeconds(5), Durations.parse("t", "5"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("t", "1.5"));
        assertEquals(Duration.ZERO, Durations.parse("t", "0"));
    }

    @Test
    void unitsAndGoStyleCompoundsAreAccepted() {
        assertEquals(Duration.ofSeconds(5), Durations.parse("t", "5s"));
        assertEquals(Duration.ofMillis(500), Durations.parse("t", "500ms"));
        assertEquals(Duration.ofMinutes(1), Durations.parse("t", "1m"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("t", "1m30s"));
        assertEquals(Duration.ofHours(2), Durations.parse("t", " 2h "));
    }

    @Test
    void malformedValueNamesTheSettingAndShowsValidForms() {
        for (String bad : new String[] {"", "soon", "5x", "-1s", "5s junk", "s"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> Durations.parse("exec_timeout", bad), bad);
            assertEquals("exec_timeout: '" + bad + "' is not a duration (examples: 5, 5s, 500ms, 1.5s, 1m30s)",
                    e.getMessage());
        }
    }

    @Test
    void formatRepeatsTheShortestExactSpelling() {
        assertEquals("1s", Durations.format(Duration.ofSeconds(1)));
        assertEquals("500ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
    }
}

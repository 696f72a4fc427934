package dev.faas.watchdog.config;

import java.time.Duration;

/**
 * The watchdog's settings and its X-Timeout header read durations with the one grammar the gateway uses too
 * ({@link dev.faas.common.Durations}: 5, 500ms, 1.5s, 1m30s, as the classic watchdog and Go accept them); a bad
 * value is a {@link ConfigException} naming the setting.
 */
public final class Durations {
    private Durations() {}

    public static Duration parse(String name, String raw) {
        try {
            return dev.faas.common.Durations.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name + ": " + e.getMessage());
        }
    }

    /** The shortest exact spelling, so messages repeat what the operator would have written: 1s, 500ms, 90s. */
    public static String format(Duration d) {
        return dev.faas.common.Durations.format(d);
    }
}

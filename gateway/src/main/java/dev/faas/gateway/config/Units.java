package dev.faas.gateway.config;

import dev.faas.common.Durations;
import java.time.Duration;
import java.util.Locale;

/** Parsing of the human units used in settings: durations and byte sizes. */
final class Units {
    private Units() {}

    /** The watchdog's grammar too ({@link Durations}): 5, 500ms, 1.5s, 1m30s. */
    static Duration duration(String text) {
        return Durations.parse(text);
    }

    static long bytes(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        if (v.endsWith("b")) {
            v = v.substring(0, v.length() - 1);
        }
        long unit = 1;
        if (!v.isEmpty() && "kmg".indexOf(v.charAt(v.length() - 1)) >= 0) {
            unit = 1L << (10 * ("kmg".indexOf(v.charAt(v.length() - 1)) + 1));
            v = v.substring(0, v.length() - 1);
        }
        long n = Long.parseLong(v);
        if (n < 0) {
            throw new IllegalArgumentException(text);
        }
        return Math.multiplyExact(n, unit);
    }
}

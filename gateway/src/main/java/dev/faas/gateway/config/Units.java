package dev.faas.gateway.config;

import java.time.Duration;
import java.util.Locale;

/** Parsing of the human units used in settings: durations and byte sizes. */
final class Units {
    private Units() {}

    static Duration duration(String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < v.length() && Character.isDigit(v.charAt(split))) {
            split++;
        }
        if (split == 0) {
            throw new IllegalArgumentException(text);
        }
        long n = Long.parseLong(v.substring(0, split));
        return switch (v.substring(split)) {
            case "", "s" -> Duration.ofSeconds(n);
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException(text);
        };
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

package dev.faas.watchdog.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations the way the classic watchdog accepted them: a bare number is seconds ({@code 5}), otherwise a
 * Go-style duration made of number+unit parts ({@code 500ms}, {@code 5s}, {@code 1m}, {@code 1m30s}, {@code 1.5s}).
 */
public final class Durations {
    private static final Pattern BARE_SECONDS = Pattern.compile("\\d+(\\.\\d+)?");
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private Durations() {}

    public static Duration parse(String name, String raw) {
        String value = raw.trim();
        if (BARE_SECONDS.matcher(value).matches()) {
            return ofSeconds(Double.parseDouble(value));
        }
        Matcher part = PART.matcher(value);
        double seconds = 0;
        int end = 0;
        while (part.lookingAt()) {
            seconds += Double.parseDouble(part.group(1)) * unitSeconds(part.group(2));
            end = part.end();
            part.region(end, value.length());
        }
        if (end == 0 || end != value.length()) {
            throw new ConfigException(name + " must be a duration like 5, 5s, 500ms or 1m (got '" + raw + "')");
        }
        return ofSeconds(seconds);
    }

    /** The shortest exact spelling, so messages repeat what the operator would have written: 1s, 500ms, 90s. */
    public static String format(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
    }

    private static double unitSeconds(String unit) {
        switch (unit) {
            case "ms": return 0.001;
            case "s": return 1;
            case "m": return 60;
            default: return 3600;
        }
    }

    private static Duration ofSeconds(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}

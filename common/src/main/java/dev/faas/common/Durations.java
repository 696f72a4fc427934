package dev.faas.common;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of every setting and header of the gateway and the watchdog: Go's (what OpenFaaS and
 * its watchdogs accept), a sequence of decimal numbers each with a unit ({@code 300ms}, {@code 1.5s},
 * {@code 1m30s}, {@code 2h}; units ns, us, µs, ms, s, m, h), or a bare number of seconds as the classic watchdog
 * took it ({@code 5}, {@code 1.5}). No sign: a negative time is never meant. Exact (no floating point), to the
 * nanosecond.
 */
public final class Durations {
    private static final Pattern BARE_SECONDS = Pattern.compile("\\d+(\\.\\d+)?|\\.\\d+");
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
    /** Longer than anyone means, short enough that the arithmetic never overflows. */
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private Durations() {}

    /**
     * @throws IllegalArgumentException with a message that shows examples (the caller adds the setting's name)
     */
    public static Duration parse(String text) {
        String value = text.strip();
        if (value.length() > 64) {
            throw invalid(text);
        }
        if (BARE_SECONDS.matcher(value).matches()) {
            return nanos(new BigDecimal(value.startsWith(".") ? "0" + value : value).movePointRight(9), text);
        }
        Matcher part = PART.matcher(value);
        BigDecimal total = BigDecimal.ZERO;
        int end = 0;
        while (part.lookingAt()) {
            String number = part.group(1);
            BigDecimal n = new BigDecimal(number.startsWith(".") ? "0" + number : number.endsWith(".")
                    ? number.substring(0, number.length() - 1) : number);
            total = total.add(n.multiply(BigDecimal.valueOf(unitNanos(part.group(2)))));
            end = part.end();
            part.region(end, value.length());
        }
        if (end == 0 || end != value.length()) {
            throw invalid(text);
        }
        return nanos(total, text);
    }

    /** The shortest exact spelling, so messages repeat what the operator would have written: 1s, 500ms, 90s. */
    public static String format(Duration d) {
        if (d.toNanosPart() % 1_000_000 != 0) {
            return d.toNanos() + "ns";
        }
        long millis = d.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
        };
    }

    private static Duration nanos(BigDecimal nanos, String text) {
        if (nanos.compareTo(MAX_NANOS) > 0) {
            throw new IllegalArgumentException("'" + text + "' is longer than any duration allowed (about 292 years)");
        }
        return Duration.ofNanos(nanos.longValue());
    }

    private static IllegalArgumentException invalid(String text) {
        String shown = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return new IllegalArgumentException("'" + shown.replaceAll("\\p{Cntrl}", "?")
                + "' is not a duration (examples: 5, 5s, 500ms, 1.5s, 1m30s)");
    }
}

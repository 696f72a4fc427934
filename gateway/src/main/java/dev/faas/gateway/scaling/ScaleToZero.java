package dev.faas.gateway.scaling;

import dev.faas.common.Durations;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * A function's opt-in to idle → zero, from OpenFaaS's labels: {@code com.openfaas.scale.zero=true} and
 * {@code com.openfaas.scale.zero-duration} (the idle time, e.g. {@code 15m}; default: the gateway's
 * scale_zero_duration). As in OpenFaaS, com.openfaas.scale.min is then the replicas it comes back with, not a floor.
 */
public final class ScaleToZero {
    public static final String ZERO = "com.openfaas.scale.zero";
    public static final String DURATION = "com.openfaas.scale.zero-duration";

    private ScaleToZero() {}

    public static boolean optedIn(Map<String, String> labels) {
        return "true".equalsIgnoreCase(labels.getOrDefault(ZERO, "").trim());
    }

    /** The idle time after which an opted-in function goes to zero; a bad label falls back to the default. */
    public static Duration idleTime(Map<String, String> labels, Duration fallback) {
        String text = labels.get(DURATION);
        Duration d = text == null || text.isBlank() ? null : positive(text);
        return d == null ? fallback : d;
    }

    /** Refuses labels a deploy may not set. @throws IllegalArgumentException naming the label */
    public static void check(Map<String, String> labels) {
        String zero = labels.get(ZERO);
        if (zero != null && !zero.trim().toLowerCase(Locale.ROOT).matches("true|false")) {
            throw new IllegalArgumentException("label " + ZERO + " must be true or false");
        }
        String text = labels.get(DURATION);
        if (text != null && positive(text) == null) {
            throw new IllegalArgumentException("label " + DURATION + " must be a duration longer than 0, e.g. 15m,"
                    + " 90s or 1h");
        }
    }

    /** The duration, or null when it is not one or not longer than 0. */
    private static Duration positive(String text) {
        try {
            Duration d = Durations.parse(text.trim());
            return d.isZero() || d.isNegative() ? null : d;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

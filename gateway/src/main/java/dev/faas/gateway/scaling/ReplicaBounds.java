package dev.faas.gateway.scaling;

import java.util.Map;

/**
 * A function's scaling limits, from its labels (OpenFaaS's names and defaults). A label that is not a whole number
 * in range falls back to its default, as OpenFaaS does, so one typo never blocks scaling.
 *
 * @param min         {@code com.openfaas.scale.min} (default 1): where a resolved alert takes the function back to
 * @param max         {@code com.openfaas.scale.max} (default 20, never below min): no scaling goes above it
 * @param factor      {@code com.openfaas.scale.factor} (default 20, 0-100): an alert's step, in percent of max;
 *                    0 turns alert scaling off for the function
 * @param minLabelled whether min was set by a label; without one, scale requests may go down to zero
 */
public record ReplicaBounds(int min, int max, int factor, boolean minLabelled) {
    public static final String MIN = "com.openfaas.scale.min";
    public static final String MAX = "com.openfaas.scale.max";
    public static final String FACTOR = "com.openfaas.scale.factor";
    static final int DEFAULT_MIN = 1;
    static final int DEFAULT_MAX = 20;
    static final int DEFAULT_FACTOR = 20;

    public static ReplicaBounds fromLabels(Map<String, String> labels) {
        Integer min = number(labels.get(MIN), 0, Integer.MAX_VALUE);
        Integer max = number(labels.get(MAX), 1, Integer.MAX_VALUE);
        Integer factor = number(labels.get(FACTOR), 0, 100);
        int lower = min == null ? DEFAULT_MIN : min;
        int upper = Math.max(lower, max == null ? DEFAULT_MAX : max);
        return new ReplicaBounds(lower, upper, factor == null ? DEFAULT_FACTOR : factor, min != null);
    }

    /** The lowest count a scale request may set: the labelled minimum, else zero (scale to zero stays possible). */
    public int floor() {
        return minLabelled ? min : 0;
    }

    private static Integer number(String text, int low, int high) {
        if (text == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(text.trim());
            return n < low || n > high ? null : n;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

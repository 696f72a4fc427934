package dev.faas.gateway.scaling;

import java.util.Map;

/**
 * A function's scaling limits, from its labels (OpenFaaS's names and defaults), never above the gateway's
 * {@code max_replicas} ceiling. A deploy or update is checked strictly first ({@link #check}: out of range or min
 * above max is refused); a label that is still not a whole number in range (a service made by other tools) falls
 * back to its default, as OpenFaaS does, so one typo never blocks scaling.
 *
 * @param min         {@code com.openfaas.scale.min} (default 1): where a resolved alert takes the function back to
 * @param max         {@code com.openfaas.scale.max} (default 20, never below min): no scaling goes above it
 * @param factor      {@code com.openfaas.scale.factor} (default 20, 0-100): an alert's step, in percent of max;
 *                    0 turns alert scaling off for the function
 * @param minLabelled whether min was set by a label and is a floor; without one, or for a function that opted in
 *                    to scale to zero ({@link ScaleToZero}), scale requests may go down to zero
 */
public record ReplicaBounds(int min, int max, int factor, boolean minLabelled) {
    public static final String MIN = "com.openfaas.scale.min";
    public static final String MAX = "com.openfaas.scale.max";
    public static final String FACTOR = "com.openfaas.scale.factor";
    static final int DEFAULT_MIN = 1;
    static final int DEFAULT_MAX = 20;
    static final int DEFAULT_FACTOR = 20;

    public static ReplicaBounds fromLabels(Map<String, String> labels, int ceiling) {
        Integer min = number(labels.get(MIN), 0, ceiling);
        Integer max = number(labels.get(MAX), 1, ceiling);
        Integer factor = number(labels.get(FACTOR), 0, 100);
        int lower = min == null ? Math.min(DEFAULT_MIN, ceiling) : min;
        int upper = Math.max(lower, max == null ? Math.min(DEFAULT_MAX, ceiling) : max);
        return new ReplicaBounds(lower, upper, factor == null ? DEFAULT_FACTOR : factor,
                min != null && !ScaleToZero.optedIn(labels));
    }

    /**
     * Refuses scaling labels a deploy may not set: not a whole number, out of range (min 0 to ceiling, max 1 to
     * ceiling, factor 0 to 100), or min above max.
     *
     * @throws IllegalArgumentException saying which label and what is allowed
     */
    public static void check(Map<String, String> labels, int ceiling) {
        Integer min = strict(labels, MIN, 0, ceiling);
        Integer max = strict(labels, MAX, 1, ceiling);
        strict(labels, FACTOR, 0, 100);
        if (min != null && max != null && min > max) {
            throw new IllegalArgumentException("label " + MIN + "=" + min + " is above " + MAX + "=" + max);
        }
    }

    private static Integer strict(Map<String, String> labels, String label, int low, int high) {
        String text = labels.get(label);
        if (text == null) {
            return null;
        }
        Integer n = number(text, low, high);
        if (n == null) {
            String why = label.equals(FACTOR) ? "" : " (the gateway's max_replicas is " + high + ")";
            String shown = (text.length() > 20 ? text.substring(0, 20) + "..." : text).replaceAll("\\p{Cntrl}", "?");
            throw new IllegalArgumentException("label " + label + "=\"" + shown + "\" must be a whole number from "
                    + low + " to " + high + why);
        }
        return n;
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

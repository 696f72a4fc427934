package dev.faas.gateway.scaling;

/** The replica arithmetic of scale requests and alerts. Pure, so every rule is unit-tested. */
public final class Scaling {
    private Scaling() {}

    /** A scale request's outcome: the count to set, and a note for the caller when it differs from the request. */
    public record Clamped(int requested, int replicas, String note) {
        public boolean clamped() {
            return requested != replicas;
        }
    }

    public static Clamped request(int requested, ReplicaBounds bounds) {
        if (requested > bounds.max()) {
            return new Clamped(requested, bounds.max(), "replicas clamped to " + bounds.max() + " (label "
                    + ReplicaBounds.MAX + ")");
        }
        if (requested < bounds.floor()) {
            return new Clamped(requested, bounds.floor(), "replicas raised to " + bounds.floor() + " (label "
                    + ReplicaBounds.MIN + ")");
        }
        return new Clamped(requested, requested, "");
    }

    /**
     * Where an alert takes a function now at {@code current} replicas: firing adds ceil(max * factor / 100), capped
     * at max; resolved goes back to min, but never below 1 from a running function (zero belongs to the idle check:
     * a resolved alert means fewer calls, not none) and never up from 0. With factor 0 the function opted out:
     * nothing changes either way.
     */
    public static int afterAlert(boolean firing, int current, ReplicaBounds bounds) {
        if (bounds.factor() == 0) {
            return current;
        }
        if (!firing) {
            return current <= 0 ? 0 : Math.max(1, bounds.min());
        }
        int step = (int) Math.ceil(bounds.max() * bounds.factor() / 100.0);
        return (int) Math.min((long) bounds.max(), Math.max(current, 0L) + step);
    }
}

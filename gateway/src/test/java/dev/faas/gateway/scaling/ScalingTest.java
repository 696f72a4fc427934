package dev.faas.gateway.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ScalingTest {
    private static final int CEILING = 100;

    private static ReplicaBounds bounds(String min, String max, String factor) {
        Map<String, String> labels = new java.util.HashMap<>();
        if (min != null) {
            labels.put(ReplicaBounds.MIN, min);
        }
        if (max != null) {
            labels.put(ReplicaBounds.MAX, max);
        }
        if (factor != null) {
            labels.put(ReplicaBounds.FACTOR, factor);
        }
        return ReplicaBounds.fromLabels(labels, CEILING);
    }

    @Test
    void withoutLabelsTheOpenFaasDefaultsApply() {
        ReplicaBounds b = ReplicaBounds.fromLabels(Map.of(), CEILING);
        assertEquals(new ReplicaBounds(1, 20, 20, false), b);
        assertEquals(0, b.floor(), "scale to zero stays possible without a min label");
    }

    @Test
    void badLabelValuesFallBackToTheirDefaults() {
        assertEquals(new ReplicaBounds(1, 20, 20, false), bounds("one", "-3", "150"));
        assertEquals(20, bounds(null, null, "-1").factor());
        assertEquals(6, bounds("6", "4", null).max(), "max never below min");
    }

    @Test
    void firingAddsTheFactorOfMaxRoundedUpAndStopsAtMax() {
        ReplicaBounds b = bounds("1", "5", "40");
        assertEquals(3, Scaling.afterAlert(true, 1, b), "1 + ceil(5 * 0.4)");
        assertEquals(5, Scaling.afterAlert(true, 3, b));
        assertEquals(5, Scaling.afterAlert(true, 5, b));
        assertEquals(5, Scaling.afterAlert(true, 9, b), "above max comes back to max");
        assertEquals(4, Scaling.afterAlert(true, 0, bounds(null, null, null)), "default: ceil(20 * 20%) = 4");
        assertEquals(1, Scaling.afterAlert(true, 0, bounds(null, "3", "1")), "a tiny factor still moves one");
    }

    @Test
    void resolvedGoesBackToMin() {
        assertEquals(2, Scaling.afterAlert(false, 5, bounds("2", "5", null)));
        assertEquals(1, Scaling.afterAlert(false, 5, bounds(null, null, null)));
    }

    @Test
    void factorZeroTurnsAlertScalingOffBothWays() {
        ReplicaBounds off = bounds("1", "10", "0");
        assertEquals(3, Scaling.afterAlert(true, 3, off));
        assertEquals(3, Scaling.afterAlert(false, 3, off));
    }

    @Test
    void aScaleRequestAboveMaxIsClampedAndSaysSo() {
        Scaling.Clamped c = Scaling.request(7, bounds(null, "4", null));
        assertEquals(4, c.replicas());
        assertTrue(c.clamped());
        assertTrue(c.note().contains("4") && c.note().contains(ReplicaBounds.MAX), c.note());
    }

    @Test
    void aScaleRequestBelowALabelledMinIsRaisedButZeroIsFineWithoutOne() {
        Scaling.Clamped raised = Scaling.request(0, bounds("2", null, null));
        assertEquals(2, raised.replicas());
        assertTrue(raised.note().contains(ReplicaBounds.MIN));
        Scaling.Clamped zero = Scaling.request(0, bounds(null, null, null));
        assertEquals(0, zero.replicas());
        assertFalse(zero.clamped());
        assertEquals("", zero.note());
    }

    @Test
    void noLabelTakesAFunctionAboveTheGatewaysCeiling() {
        assertEquals(3, ReplicaBounds.fromLabels(Map.of(ReplicaBounds.MAX, "50"), 3).max(),
                "a label above the ceiling (made by other tools) falls back to the default, capped");
        assertEquals(2, ReplicaBounds.fromLabels(Map.of(), 2).max(), "the default max of 20 is capped too");
        assertEquals(5, Scaling.request(10_000, ReplicaBounds.fromLabels(Map.of(ReplicaBounds.MAX, "5"), 5))
                .replicas());
    }

    @Test
    void aDeploysScalingLabelsAreCheckedStrictly() {
        ReplicaBounds.check(Map.of(ReplicaBounds.MIN, "0", ReplicaBounds.MAX, "100", ReplicaBounds.FACTOR, "0"), 100);
        String tooMany = assertThrows(IllegalArgumentException.class,
                () -> ReplicaBounds.check(Map.of(ReplicaBounds.MIN, "10000"), 100)).getMessage();
        assertTrue(tooMany.contains(ReplicaBounds.MIN) && tooMany.contains("0 to 100"), tooMany);
        String inverted = assertThrows(IllegalArgumentException.class,
                () -> ReplicaBounds.check(Map.of(ReplicaBounds.MIN, "3", ReplicaBounds.MAX, "1"), 100)).getMessage();
        assertTrue(inverted.contains("above"), inverted);
        assertThrows(IllegalArgumentException.class, () -> ReplicaBounds.check(Map.of(ReplicaBounds.MAX, "0"), 100));
        assertThrows(IllegalArgumentException.class, () -> ReplicaBounds.check(Map.of(ReplicaBounds.MAX, "two"), 100));
        assertThrows(IllegalArgumentException.class,
                () -> ReplicaBounds.check(Map.of(ReplicaBounds.FACTOR, "101"), 100));
    }
}

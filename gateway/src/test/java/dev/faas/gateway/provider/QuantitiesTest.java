package dev.faas.gateway.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class QuantitiesTest {
    @Test
    void memoryTakesOpenFaasAndKubernetesStyleSuffixes() {
        assertEquals(128L << 20, Quantities.memoryBytes("128m"));
        assertEquals(128L << 20, Quantities.memoryBytes("128Mi"));
        assertEquals(128L << 20, Quantities.memoryBytes("128MB"));
        assertEquals(1L << 30, Quantities.memoryBytes("1G"));
        assertEquals(3L << 29, Quantities.memoryBytes("1.5g"));
        assertEquals(4096, Quantities.memoryBytes("4096"));
    }

    @Test
    void memoryRefusesNonsenseWithAnExample() {
        for (String bad : new String[] {"", "lots", "-1m", "0", "12q"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quantities.memoryBytes(bad));
            assertEquals(true, e.getMessage().contains("128m"), e.getMessage());
        }
    }

    @Test
    void cpuTakesCoresOrMillicores() {
        assertEquals(500_000_000L, Quantities.nanoCpus("0.5"));
        assertEquals(500_000_000L, Quantities.nanoCpus("500m"));
        assertEquals(2_000_000_000L, Quantities.nanoCpus("2"));
        assertThrows(IllegalArgumentException.class, () -> Quantities.nanoCpus("half"));
        assertThrows(IllegalArgumentException.class, () -> Quantities.nanoCpus("0"));
        assertEquals(333_333_333L, Quantities.nanoCpus("0.3333333333"), "finer than a nanocore is cut off");
    }

    /** A deploy request must not be able to make the gateway compute a number of a billion digits. */
    @Test
    void hugeOrTinyExponentsAreRefusedAtOnce() {
        assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
            for (String bad : new String[] {"1e999999999", "1e-999999999", "1e7", "1e-10"}) {
                assertThrows(IllegalArgumentException.class, () -> Quantities.nanoCpus(bad), bad);
            }
            for (String bad : new String[] {"1e999999999", "1e-999999999", "1e999999999m"}) {
                assertThrows(IllegalArgumentException.class, () -> Quantities.memoryBytes(bad), bad);
            }
        });
    }
}

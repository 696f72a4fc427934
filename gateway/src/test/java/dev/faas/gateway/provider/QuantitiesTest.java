package dev.faas.gateway.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    }
}

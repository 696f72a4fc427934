package dev.faas.gateway.build;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DockerfilesTest {
    @Test
    void baseImagesComeFromArgDefaultsOrTheBuildsArgumentsAndSkipStagesAndScratch() {
        String file = "ARG BUILDER_IMAGE=faas/java-builder\nARG WATCHDOG_IMAGE=\"faas/watchdog\"\n"
                + "FROM ${BUILDER_IMAGE} AS build\nRUN make\nFROM build AS test\nFROM scratch AS empty\n"
                + "from $WATCHDOG_IMAGE\nCOPY --from=build /a /b\n";
        assertEquals(List.of("faas/java-builder", "faas/watchdog"), Dockerfiles.baseImages(file, Map.of()));
        assertEquals(List.of("faas/java-builder", "my/watchdog:1"),
                Dockerfiles.baseImages(file, Map.of("WATCHDOG_IMAGE", "my/watchdog:1")));
    }
}

package dev.faas.gateway.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentTagTest {
    @TempDir
    Path dir;

    @Test
    void theSameContentHasTheSameTagAndEveryPartOfItCounts() throws Exception {
        Files.writeString(dir.resolve("Dockerfile"), "FROM faas/watchdog\n");
        Path script = Files.writeString(dir.resolve("run.sh"), "echo hi\n");
        String first = ContentTag.of(dir, Map.of(), Map.of("faas/watchdog", "sha256:1"));
        assertEquals(first, ContentTag.of(dir, Map.of(), Map.of("faas/watchdog", "sha256:1")));
        assertEquals(16, first.length());
        assertNotEquals(first, ContentTag.of(dir, Map.of(), Map.of("faas/watchdog", "sha256:2")), "a rebuilt base");
        assertNotEquals(first, ContentTag.of(dir, Map.of("A", "1"), Map.of("faas/watchdog", "sha256:1")), "an argument");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        String executable = ContentTag.of(dir, Map.of(), Map.of("faas/watchdog", "sha256:1"));
        assertNotEquals(first, executable, "the execute bit");
        Files.writeString(script, "echo ho\n");
        assertNotEquals(executable, ContentTag.of(dir, Map.of(), Map.of("faas/watchdog", "sha256:1")), "a byte");
    }
}

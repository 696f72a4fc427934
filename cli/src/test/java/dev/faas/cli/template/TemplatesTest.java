package dev.faas.cli.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.cli.CliFailure;
import dev.faas.cli.Exit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplatesTest {
    @TempDir
    Path dir;

    @Test
    void theRepositorysTemplatesAreBundled() {
        try (Templates templates = Templates.bundled()) {
            assertTrue(templates.names().contains("java-http"), templates.names().toString());
            List<String> copied = templates.copySkeleton("java-http", dir.resolve("hello"));
            assertEquals(List.of("Handler.java"), copied);
            assertTrue(Files.readString(dir.resolve("hello/Handler.java")).contains("class Handler"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theSkeletonIsCopiedWithScriptsMadeExecutable() throws IOException {
        Path root = dir.resolve("templates");
        Files.createDirectories(root.resolve("shell/function/lib"));
        Files.writeString(root.resolve("shell/function/handler.sh"), "#!/bin/sh\ncat\n");
        Files.writeString(root.resolve("shell/function/lib/data.txt"), "x");
        Files.writeString(root.resolve("shell/template.yml"), "welcome_message: Write handler.sh\n");
        Files.writeString(root.resolve("shell/Dockerfile"), "FROM x\n");
        Templates templates = new Templates(root);
        assertEquals(List.of("shell"), templates.names());
        assertEquals("Write handler.sh", templates.welcomeMessage("shell"));
        Path target = dir.resolve("fn");
        assertEquals(List.of("handler.sh", "lib/data.txt"), templates.copySkeleton("shell", target));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("handler.sh"))));
        assertTrue(Files.isRegularFile(target.resolve("lib/data.txt")));
        assertTrue(!Files.exists(target.resolve("Dockerfile")), "only function/ is the user's");
        assertEquals(Exit.USAGE, assertThrows(CliFailure.class, () -> templates.copySkeleton("cobol", dir.resolve("c"))).exit());
    }
}

package dev.faas.gateway.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against the repository's own templates/, as the gateway image ships them. */
class BuildContextsTest {
    private static final Path TEMPLATES = Path.of("..", "templates").toAbsolutePath().normalize();

    @TempDir
    Path work;
    private Path upload;
    private final BuildContexts contexts = new BuildContexts(TEMPLATES);

    @BeforeEach
    void upload() throws Exception {
        upload = Files.createDirectory(work.resolve("upload"));
    }

    @Test
    void theShippedTemplatesAreListed() {
        assertTrue(contexts.templates().containsAll(List.of("bootstrap", "java-http", "lambda", "node", "python3", "shell")),
                contexts.templates().toString());
    }

    @Test
    void aDockerfileAtTheRootIsBuiltAsItIs() throws Exception {
        Files.writeString(upload.resolve("Dockerfile"), "FROM faas/watchdog\n");
        BuildContexts.Prepared p = contexts.prepare(upload, "", work);
        assertEquals(upload, p.context());
        assertEquals("dockerfile", p.lang());
    }

    @Test
    void aBootstrapAtTheRootGoesIntoTheBootstrapTemplateExecutable() throws Exception {
        Files.writeString(upload.resolve("bootstrap"), "#!/bin/sh\ncat\n");
        BuildContexts.Prepared p = contexts.prepare(upload, "", work);
        assertEquals("bootstrap", p.lang());
        assertTrue(Files.isRegularFile(p.context().resolve("Dockerfile")));
        assertTrue(Files.isExecutable(p.context().resolve("function/bootstrap")));
    }

    @Test
    void aLambdaCustomRuntimeWithoutABootstrapIsA400() throws Exception {
        Files.writeString(upload.resolve("function.sh"), "handler() { echo hi; }\n");
        BuildException without = assertThrows(BuildException.class, () -> contexts.prepare(upload, "lambda", work));
        assertTrue(without.getMessage().contains("the lambda template needs an executable named bootstrap"),
                without.getMessage());
    }

    @Test
    void aLambdaCustomRuntimeZipGoesIntoTheLambdaTemplateWithItsBootstrapExecutable() throws Exception {
        Files.writeString(upload.resolve("bootstrap"), "#!/bin/sh\nexec my-runtime\n");
        BuildContexts.Prepared p = contexts.prepare(upload, "lambda", work);
        assertEquals("lambda", p.lang());
        assertTrue(Files.readString(p.context().resolve("Dockerfile")).contains("mode=lambda"));
        assertTrue(Files.isExecutable(p.context().resolve("function/bootstrap")));
    }

    @Test
    void aHandlerReplacesTheTemplatesSkeleton() throws Exception {
        Files.writeString(upload.resolve("handler.py"), "def handle(req):\n    return 'mine'\n");
        BuildContexts.Prepared p = contexts.prepare(upload, "python3", work);
        assertEquals("def handle(req):\n    return 'mine'\n", Files.readString(p.context().resolve("function/handler.py")));
        assertTrue(Files.isRegularFile(p.context().resolve("index.py")));
    }

    @Test
    void anUnknownTemplateOrAnUploadWithNeitherIsA400NamingTheTemplates() throws Exception {
        Files.writeString(upload.resolve("main.c"), "int main(){}");
        BuildException none = assertThrows(BuildException.class, () -> contexts.prepare(upload, "", work));
        assertEquals(400, none.status());
        assertTrue(none.getMessage().contains("python3"), none.getMessage());
        BuildException unknown = assertThrows(BuildException.class, () -> contexts.prepare(upload, "cobol", work));
        assertTrue(unknown.getMessage().contains("no template \"cobol\""), unknown.getMessage());
        assertThrows(BuildException.class, () -> contexts.prepare(upload, "../etc", work));
    }
}

package dev.faas.cli.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.cli.CliFailure;
import dev.faas.cli.stack.FunctionsFileEditor.NewFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionsFileEditorTest {
    private static final NewFunction HELLO = new NewFunction("hello", "python3", "./hello", "hello:latest");

    @TempDir
    Path dir;

    @Test
    void aNewFileHoldsTheFunctionAndTheGateway() throws IOException {
        FunctionsFile f = reread(FunctionsFileEditor.newFile("http://10.0.0.1:8080", HELLO));
        assertEquals("http://10.0.0.1:8080", f.provider().gateway());
        assertEquals("python3", f.functions().get("hello").lang());
        assertEquals(dir.resolve("hello"), f.functions().get("hello").handler());
        assertEquals("hello:latest", f.functions().get("hello").image());
    }

    @Test
    void theFunctionGoesAtTheEndOfTheFunctionsSectionAndCommentsStay() throws IOException {
        String before = """
                # my functions
                version: 1.0
                functions:
                    # the first one
                    first:
                        lang: node
                        handler: ./first
                        image: first:latest

                # where they run
                provider:
                    name: openfaas
                """;
        String after = FunctionsFileEditor.withFunction(before, HELLO);
        assertTrue(after.contains("# my functions\n") && after.contains("    # the first one\n")
                && after.contains("# where they run\nprovider:"), after);
        assertTrue(after.contains("        image: first:latest\n\n    hello:\n        lang: python3\n"), after);
        FunctionsFile f = reread(after);
        assertEquals(List.of("first", "hello"), List.copyOf(f.functions().keySet()));
        assertEquals("openfaas", f.provider().name());
    }

    @Test
    void aFileWithoutFunctionsOrWithAnEmptyMapGetsThem() throws IOException {
        assertEquals(List.of("hello"), List.copyOf(reread(FunctionsFileEditor.withFunction(
                "version: 1.0\nprovider:\n  name: openfaas\n", HELLO)).functions().keySet()));
        assertEquals(List.of("hello"), List.copyOf(reread(FunctionsFileEditor.withFunction(
                "version: 1.0\nfunctions: {}\n", HELLO)).functions().keySet()));
    }

    @Test
    void aLayoutItCannotEditIsRefusedWithTheBlockToPaste() {
        CliFailure e = assertThrows(CliFailure.class,
                () -> FunctionsFileEditor.withFunction("functions: {a: {image: x}}\n", HELLO));
        assertTrue(e.getMessage().contains("hello:\n    lang: python3"), e.getMessage());
        assertThrows(CliFailure.class, () -> FunctionsFileEditor.withFunction("functions:\n  hello: {image: x}\n", HELLO),
                "a second key of the same name would hide the first");
    }

    private FunctionsFile reread(String text) throws IOException {
        Path file = dir.resolve("stack.yml");
        Files.writeString(file, text);
        return new FunctionsFileReader(Map.of()).read(file);
    }
}

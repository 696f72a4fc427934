package dev.faas.cli.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.faas.cli.CliFailure;
import dev.faas.cli.Exit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionsFileReaderTest {
    @TempDir
    Path dir;

    private FunctionsFile read(String yaml) throws IOException {
        return read(yaml, Map.of());
    }

    private FunctionsFile read(String yaml, Map<String, String> env) throws IOException {
        Path file = dir.resolve("stack.yml");
        Files.writeString(file, yaml);
        return new FunctionsFileReader(env).read(file);
    }

    @Test
    void readsFaasCliExampleWithEveryKey() throws IOException {
        FunctionsFile f = read("""
                version: 1.0
                provider:
                  name: openfaas
                  gateway: http://127.0.0.1:8080
                functions:
                  url-ping:
                    lang: python3
                    handler: ./url-ping
                    image: alexellis/faas-url-ping:0.2
                    fprocess: python3 index.py
                    environment:
                      write_debug: true
                      read_timeout: 10s
                      count: 3
                    labels:
                      com.openfaas.scale.min: 2
                      team: web
                    annotations:
                      topic: cron-function
                    secrets:
                      - api-key
                    constraints:
                      - "node.role == manager"
                    limits:
                      memory: 128m
                      cpu: 0.5
                    requests:
                      memory: 64m
                    build_args:
                      ADDITIONAL_PACKAGE: curl
                    readonly_root_filesystem: true
                """);
        assertEquals("1.0", f.version());
        assertEquals(new Provider("openfaas", "http://127.0.0.1:8080"), f.provider());
        FunctionSpec fn = f.functions().get("url-ping");
        assertEquals("python3", fn.lang());
        assertEquals(dir.resolve("url-ping"), fn.handler());
        assertEquals("alexellis/faas-url-ping:0.2", fn.image());
        assertEquals("python3 index.py", fn.fprocess());
        assertEquals(Map.of("write_debug", "true", "read_timeout", "10s", "count", "3"), fn.environment());
        assertEquals(Map.of("com.openfaas.scale.min", "2", "team", "web"), fn.labels());
        assertEquals(Map.of("topic", "cron-function"), fn.annotations());
        assertEquals(List.of("api-key"), fn.secrets());
        assertEquals(List.of("node.role == manager"), fn.constraints());
        assertEquals(new Resources("128m", "0.5"), fn.limits());
        assertEquals(new Resources("64m", null), fn.requests());
        assertEquals(Map.of("ADDITIONAL_PACKAGE", "curl"), fn.buildArgs());
        assertTrue(fn.readOnlyRootFilesystem());
        assertEquals("python3", fn.templateOrNull());
        assertTrue(f.warnings().isEmpty(), f.warnings().toString());
    }

    @Test
    void environmentFilesWinOverEnvironmentAndLaterFilesOverEarlierOnes() throws IOException {
        Files.createDirectories(dir.resolve("env"));
        Files.writeString(dir.resolve("env/common.yml"), "environment:\n  A: from-common\n  B: from-common\n");
        Files.writeString(dir.resolve("env/prod.yml"), "environment:\n  B: from-prod\n  C: 3\n");
        FunctionsFile f = read("""
                functions:
                  fn:
                    image: x
                    environment:
                      A: inline
                      D: inline
                    environment_file:
                      - env/common.yml
                      - env/prod.yml
                """);
        assertEquals(Map.of("A", "from-common", "B", "from-prod", "C", "3", "D", "inline"),
                f.functions().get("fn").environment());
    }

    @Test
    void anEnvironmentFileWithoutAnEnvironmentMapIsAUsageError() throws IOException {
        Files.writeString(dir.resolve("bad.yml"), "A: 1\n");
        CliFailure e = assertThrows(CliFailure.class,
                () -> read("functions:\n  fn:\n    image: x\n    environment_file: [bad.yml]\n"));
        assertEquals(Exit.USAGE, e.exit());
        assertTrue(e.getMessage().contains("has no environment: map"), e.getMessage());
    }

    @Test
    void unknownKeysAreWarnedAboutAndIgnored() throws IOException {
        FunctionsFile f = read("""
                version: 1.0
                configuration:
                  templates:
                    - name: golang-middleware
                provider:
                  name: openfaas
                  colour: blue
                functions:
                  fn:
                    image: x
                    build_options: [dev]
                    flavour: mint
                    limits:
                      gpu: 1
                """);
        assertEquals("x", f.functions().get("fn").image());
        assertEquals(5, f.warnings().size(), f.warnings().toString());
        assertTrue(f.warnings().stream().anyMatch(w -> w.endsWith("functions.fn.flavour is not a key faas knows; ignored")));
        assertTrue(f.warnings().stream().anyMatch(w -> w.endsWith("functions.fn.limits.gpu is not a key faas knows; ignored")));
        assertTrue(f.warnings().stream().anyMatch(w -> w.endsWith("provider.colour is not a key faas knows; ignored")));
        assertTrue(f.warnings().stream().anyMatch(w -> w.endsWith("configuration is not used by faas; ignored")));
        assertTrue(f.warnings().stream().anyMatch(w -> w.endsWith("functions.fn.build_options is not used by faas; ignored")));
    }

    @Test
    void variablesAreSubstitutedWithTheirDefaultsWhenUnset() throws IOException {
        FunctionsFile f = read("""
                provider:
                  gateway: ${GW:-http://127.0.0.1:8080}
                functions:
                  fn:
                    image: ${REPO}/fn:${TAG:-latest}
                    fprocess: sh -c 'echo $HOME'
                """, Map.of("REPO", "registry.local"));
        assertEquals("http://127.0.0.1:8080", f.provider().gateway());
        assertEquals("registry.local/fn:latest", f.functions().get("fn").image());
        assertEquals("sh -c 'echo $HOME'", f.functions().get("fn").fprocess(), "a bare $NAME stays as written");
    }

    @Test
    void aFunctionWithoutAHandlerIsDeployedOnly() throws IOException {
        FunctionSpec fn = read("functions:\n  fn:\n    image: faas/x\n").functions().get("fn");
        assertNull(fn.handler());
        assertFalse(fn.isBuiltFromSource());
        assertFalse(read("functions:\n  fn:\n    handler: ./fn\n    skip_build: true\n").functions().get("fn")
                .isBuiltFromSource());
    }

    @Test
    void aDockerfileFunctionHasNoTemplate() throws IOException {
        assertNull(read("functions:\n  fn:\n    lang: dockerfile\n    handler: ./fn\n").functions().get("fn")
                .templateOrNull());
    }

    @Test
    void badFilesAreUsageErrorsThatSayWhere() throws IOException {
        assertEquals(Exit.USAGE, assertThrows(CliFailure.class, () -> read("functions: [a, b]\n")).exit());
        assertEquals(Exit.USAGE, assertThrows(CliFailure.class, () -> read("functions:\n  fn: {image: [1]}\n")).exit());
        assertEquals(Exit.USAGE, assertThrows(CliFailure.class, () -> read("functions:\n  'a b': {image: x}\n")).exit());
        CliFailure yaml = assertThrows(CliFailure.class, () -> read("functions:\n  fn: {image: x\n"));
        assertTrue(yaml.getMessage().contains("is not valid YAML"), yaml.getMessage());
        CliFailure missing = assertThrows(CliFailure.class,
                () -> new FunctionsFileReader(Map.of()).read(dir.resolve("nope.yml")));
        assertTrue(missing.getMessage().contains("pass the functions file with -f"), missing.getMessage());
    }

    @Test
    void namesAndFiltersSelectFunctionsInTheFilesOrder() throws IOException {
        FunctionsFile f = read("functions:\n  api-a: {image: a}\n  web: {image: w}\n  api-b: {image: b}\n");
        assertEquals(List.of("api-a", "web", "api-b"), names(f.select(List.of(), null)));
        assertEquals(List.of("web", "api-a"), names(f.select(List.of("web", "api-a"), null)));
        assertEquals(List.of("api-a", "api-b"), names(f.select(List.of(), "api-*")));
        assertEquals(Exit.USAGE, assertThrows(CliFailure.class, () -> f.select(List.of("nope"), null)).exit());
        assertEquals(Exit.USAGE, assertThrows(CliFailure.class, () -> f.select(List.of(), "zzz*")).exit());
    }

    @Test
    void theRepositorysSampleFunctionsFileReadsCleanAndEveryHandlerHasItsSources() {
        Path samples = Path.of("../sample-functions/functions.yml");
        FunctionsFile f = new FunctionsFileReader(Map.of()).read(samples);
        assertTrue(f.warnings().isEmpty(), f.warnings().toString());
        assertEquals(List.of("catservice", "echoit", "wordcount", "base64", "HostnameIntent", "sleep", "nodeinfo",
                "hello-java"), List.copyOf(f.functions().keySet()));
        for (FunctionSpec fn : f.functions().values()) {
            assertTrue(fn.isBuiltFromSource(), fn.name());
            String expected = fn.lang().equals(FunctionSpec.DOCKERFILE) ? "Dockerfile" : "Handler.java";
            assertTrue(Files.isRegularFile(fn.handler().resolve(expected)), fn.name() + ": " + fn.handler());
        }
    }

    private static List<String> names(List<FunctionSpec> functions) {
        return functions.stream().map(FunctionSpec::name).toList();
    }
}

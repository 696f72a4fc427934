package dev.faas.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The faas CLI (cli/faas, the launcher of cli/target/faas.jar) as a user runs it against a real stack
 * (scripts/up.sh): the sample functions built and deployed from sample-functions/functions.yml, a function made
 * from each template with `faas new`, a program uploaded, an unchanged second `up`, a failing build that leaves the
 * running version answering, and every other command once. It needs the gateway's builder (POST /system/builds).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The functions this test deploys itself (the stack's own samples are removed by its bring-down). */
    private static final List<String> OWN = List.of("cli-python3", "cli-node", "cli-shell", "cli-java-http", "cli-lambda",
            "cli-upload", "cli-broken");
    /** How to call each sample and a part of its answer. */
    private static final Map<String, String[]> SAMPLES = Map.of(
            "catservice", new String[] {"hello faas", "hello faas"},
            "echoit", new String[] {"x", "Http_Method=POST"},
            "wordcount", new String[] {"one two three", "3"},
            "base64", new String[] {"hello faas", "aGVsbG8gZmFhcw=="},
            "HostnameIntent", new String[] {"", "My hostname is "},
            "sleep", new String[] {"0", "slept 0s"},
            "nodeinfo", new String[] {"", "cpus: "},
            "hello-java", new String[] {"faas", "Hello, faas"});

    /** What one run of the CLI did: its exit code, and its stdout and stderr apart (stdout may be JSON). */
    record Run(int exit, String out, String err) {
        String both() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private static BringUp stack;
    private static Path work;
    private static Map<String, String> env;
    private static final List<String> images = new ArrayList<>();

    @BeforeAll
    static void bringUpAStack() throws IOException {
        stack = new BringUp("cli");
        stack.upOrFail();
        work = Files.createTempDirectory("faas-cli-it");
        env = new HashMap<>(Map.of("OPENFAAS_URL", "http://127.0.0.1:" + stack.gatewayPort,
                "FAAS_PASSWORD", stack.password(), "HOME", work.resolve("home").toString()));
    }

    @AfterAll
    static void removeWhatItMade() throws IOException {
        try {
            if (stack != null) {
                for (String f : work == null ? List.<String>of() : OWN) { // best effort: some are gone already
                    faas(work, null, "rm", f);
                }
                stack.close();
            }
        } finally {
            for (String image : images) {
                Cli.run(Path.of("."), Map.of(), Duration.ofSeconds(30), "docker", "image", "rm", "-f", image);
            }
            if (work != null) {
                try (Stream<Path> all = Files.walk(work)) {
                    all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Test
    @Order(1)
    void loginChecksAndKeepsTheCredentialsPrivately() throws IOException {
        Map<String, String> noEnvPassword = new HashMap<>(env);
        noEnvPassword.remove("FAAS_PASSWORD");
        Run wrong = faas(work, noEnvPassword, "not-the-password\n", Duration.ofSeconds(30), "login", "-u", "admin", "--password-stdin");
        assertEquals(4, wrong.exit(), wrong.both());
        Run ok = faas(work, noEnvPassword, stack.password() + "\n", Duration.ofSeconds(30), "login", "-u", "admin", "--password-stdin");
        assertEquals(0, ok.exit(), ok.both());
        Path config = work.resolve("home/.faas/config.yml");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        Run list = faas(work, noEnvPassword, null, Duration.ofSeconds(30), "list");
        assertEquals(0, list.exit(), "the stored credentials are used: " + list.both());
        assertEquals(3, faas(work, Map.of("OPENFAAS_URL", "http://127.0.0.1:" + BringUp.freePort()), null,
                Duration.ofSeconds(30), "list").exit(), "nothing listens there");
        assertEquals(2, faas(work, null, "list", "--no-such-option").exit());
    }

    @Test
    @Order(2)
    void upOfTheSampleFunctionsFileBuildsAndDeploysThemAndEveryOneAnswers() {
        Run up = faas(ProjectFiles.root(), null, null, Duration.ofMinutes(15), "up", "-f", "sample-functions/functions.yml");
        assertEquals(0, up.exit(), up.both());
        SAMPLES.forEach((f, probe) -> assertAnswers(f, probe[0], probe[1]));
    }

    @Test
    @Order(3)
    void aSecondUpWithNothingChangedBuildsNothing() throws IOException {
        Run again = faas(ProjectFiles.root(), null, null, Duration.ofMinutes(5), "--json", "up", "-f",
                "sample-functions/functions.yml", "catservice", "hello-java");
        assertEquals(0, again.exit(), again.both());
        for (JsonNode r : JSON.readTree(again.out())) {
            assertFalse(r.path("built").asBoolean(true), again.both());
            assertEquals("unchanged", r.path("action").asText(), again.both());
        }
    }

    @ParameterizedTest
    @Order(4)
    @CsvSource({"python3, faas", "node, faas", "shell, Hello from shell: faas", "java-http, 'Hello, faas'",
            "lambda, Echoing request"})
    void aFunctionMadeWithNewFromEachTemplateIsUpAndAnswers(String lang, String expected) throws IOException {
        String name = "cli-" + lang;
        Run made = faas(work, null, "new", name, "--lang", lang);
        assertEquals(0, made.exit(), made.both());
        long started = System.nanoTime();
        Run up = faas(work, null, null, Duration.ofMinutes(5), "--json", "up", name);
        assertEquals(0, up.exit(), up.both());
        keepImages(up);
        assertAnswers(name, "faas", expected);
        System.out.printf("CliIT: faas up -> first successful call, template %s: %.1fs%n", lang,
                (System.nanoTime() - started) / 1e9);
    }

    @Test
    @Order(5)
    void anUploadedProgramAnswers() throws IOException {
        Path program = Files.writeString(work.resolve("program"), "#!/bin/sh\nprintf 'uploaded: '\ncat\n");
        long started = System.nanoTime();
        Run upload = faas(work, null, null, Duration.ofMinutes(5), "upload", "cli-upload", program.toString());
        assertEquals(0, upload.exit(), upload.both());
        assertTrue(upload.out().contains("faas invoke cli-upload"), "it says how to call it: " + upload.both());
        assertAnswers("cli-upload", "from-the-test", "from-the-test");
        System.out.printf("CliIT: faas upload -> first successful call of a program: %.1fs%n",
                (System.nanoTime() - started) / 1e9);
    }

    @Test
    @Order(6)
    void aBuildThatFailsExitsFiveWithTheLogsEndAndTheRunningVersionStillAnswers() throws IOException {
        Path dir = Files.createDirectories(work.resolve("broken"));
        Files.writeString(work.resolve("broken.yml"),
                "functions:\n  cli-broken:\n    lang: dockerfile\n    handler: ./broken\n    image: cli-broken\n");
        Files.writeString(dir.resolve("Dockerfile"), "FROM faas/watchdog\nENV fprocess=cat\n");
        Run first = faas(work, null, null, Duration.ofMinutes(5), "--json", "-f", "broken.yml", "up");
        assertEquals(0, first.exit(), first.both());
        keepImages(first);
        assertAnswers("cli-broken", "still here", "still here");

        Files.writeString(dir.resolve("Dockerfile"), "FROM faas/watchdog\nRUN false\nENV fprocess=cat\n");
        Run broken = faas(work, null, null, Duration.ofMinutes(5), "-f", "broken.yml", "up");
        assertEquals(5, broken.exit(), broken.both());
        assertTrue(broken.err().contains("RUN false"), "the log's end is shown: " + broken.both());
        assertAnswers("cli-broken", "still here", "still here");
    }

    @Test
    @Order(7)
    void everyOtherCommandOnce() throws IOException {
        Run echo = faas(work, env, "", Duration.ofSeconds(30), "invoke", "echoit", "--header", "X-Test=1", "--query", "a=b");
        assertEquals(0, echo.exit(), echo.both());
        assertTrue(echo.out().contains("Http_X_Test=1") && echo.out().contains("a=b"), echo.both());
        Run failing = faas(work, env, "", Duration.ofSeconds(30), "invoke", "hello-java", "--path", "/fail");
        assertEquals(1, failing.exit(), failing.both());
        assertTrue(failing.err().contains("answered 500"), failing.both());
        Run queued = faas(work, env, "later", Duration.ofSeconds(30), "invoke", "catservice", "--async");
        assertEquals(0, queued.exit(), queued.both());
        Run meta = faas(work, env, "x", Duration.ofSeconds(30), "--json", "invoke", "catservice");
        assertEquals(200, JSON.readTree(meta.out()).path("status").asInt(), meta.both());

        Run list = faas(work, null, "--json", "list");
        List<String> names = new ArrayList<>();
        JSON.readTree(list.out()).forEach(f -> names.add(f.path("name").asText()));
        assertTrue(names.containsAll(List.of("catservice", "cli-shell")), list.both());
        assertTrue(faas(work, null, "ls", "--verbose").out().contains("cli-shell"));
        Run describe = faas(work, null, "describe", "cli-shell");
        assertTrue(describe.exit() == 0 && describe.out().contains("Status:"), describe.both());
        assertEquals("cli-shell", JSON.readTree(faas(work, null, "--json", "describe", "cli-shell").out()).path("name").asText());
        Run logs = faas(work, null, "--json", "logs", "cli-shell", "--tail", "5", "--since", "1h");
        assertEquals(0, logs.exit(), logs.both());
        for (String line : logs.out().lines().filter(l -> !l.isBlank()).toList()) {
            assertEquals("cli-shell", JSON.readTree(line).path("name").asText(), line);
        }
        Run scale = faas(work, null, "scale", "cli-shell", "--replicas", "2");
        assertEquals(0, scale.exit(), scale.both());
        assertEquals(2, JSON.readTree(faas(work, null, "--json", "describe", "cli-shell").out()).path("replicas").asInt());

        assertEquals(0, faas(work, null, "secret", "create", "cli-secret", "--from-literal", "s3cret").exit());
        assertTrue(faas(work, null, "secret", "list").out().lines().anyMatch("cli-secret"::equals));
        assertEquals(0, faas(work, null, "secret", "remove", "cli-secret").exit());

        assertEquals(0, faas(work, null, "remove", "cli-shell").exit());
        assertEquals(1, faas(work, null, "describe", "cli-shell").exit(), "gone");
        JsonNode version = JSON.readTree(faas(work, null, "--json", "version").out());
        assertFalse(version.path("gateway").path("info").isNull(), version.toString());
    }

    /** The function answers 2xx through `faas invoke` with {@code expected} in its body, within a minute. */
    private static void assertAnswers(String function, String body, String expected) {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Run last;
        do {
            last = faas(work, env, body, Duration.ofSeconds(30), "invoke", function);
            if (last.exit() == 0 && last.out().contains(expected)) {
                return;
            }
            sleep(1000);
        } while (System.nanoTime() < until);
        throw new AssertionError(function + " did not answer with '" + expected + "':\n" + last.both());
    }

    private static void keepImages(Run jsonUp) throws IOException {
        for (JsonNode r : JSON.readTree(jsonUp.out())) {
            if (!r.path("image").asText().isEmpty()) {
                images.add(r.path("image").asText());
            }
        }
    }

    private static Run faas(Path dir, String stdin, String... args) {
        return faas(dir, env, stdin, Duration.ofSeconds(60), args);
    }

    /** Runs cli/faas in {@code dir} with {@code environment} (null: the stack's) and {@code stdin}, then stdin closed. */
    private static Run faas(Path dir, Map<String, String> environment, String stdin, Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of(ProjectFiles.file("cli/faas").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().keySet().removeAll(List.of("OPENFAAS_URL", "FAAS_PASSWORD", "FAAS_USER"));
        pb.environment().putAll(new LinkedHashMap<>(environment == null ? env : environment));
        try {
            Process p = pb.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("faas " + String.join(" ", args) + " took over " + timeout.toSeconds()
                        + "s:\n" + out.getNow("") + err.getNow(""));
            }
            return new Run(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("cannot run faas " + String.join(" ", args) + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(lost: " + e + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

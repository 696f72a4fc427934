package dev.faas.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The README's bring-up command, scripts/up.sh, run for real as a stack of its own: a unique stack name, free ports
 * and a private directory for the generated password, so a user's own stack on this machine is never touched.
 * The images were built just before the tests (scripts/test.sh), so the script deploys them without building again
 * (FAAS_SKIP_BUILD=1); everything else is what a user runs. {@link #close} is scripts/down.sh --purge.
 */
final class BringUp implements AutoCloseable {

    /** The sample functions the stack deploys, by the names callers use (the Alexa sample is its intent's name). */
    static final List<String> FUNCTIONS = List.of(
            "catservice", "echoit", "wordcount", "base64", "HostnameIntent", "sleep", "nodeinfo", "hello-java",
            "hello-lambda-shell", "hello-lambda-java");

    final String stack;
    final int gatewayPort;
    final int prometheusPort;
    final int registryPort;
    private final Path secretsDir;

    BringUp(String prefix) {
        this.stack = prefix + "-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 25, 1L << 30), 36);
        this.gatewayPort = freePort();
        this.prometheusPort = freePort();
        this.registryPort = freePort();
        try {
            this.secretsDir = Files.createTempDirectory(stack + "-secrets");
        } catch (IOException e) {
            throw new IllegalStateException("no temporary directory: " + e);
        }
    }

    /** Runs scripts/up.sh for this stack, with {@code overrides} on top of its settings. */
    Cli.Result up(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(Map.of(
                "FAAS_STACK", stack,
                "GATEWAY_PORT", Integer.toString(gatewayPort),
                "PROMETHEUS_PORT", Integer.toString(prometheusPort),
                "REGISTRY_PORT", Integer.toString(registryPort),
                "FAAS_SECRETS_DIR", secretsDir.toString(),
                "FAAS_SKIP_BUILD", "1",
                // The CLI goes next to the password, not into the machine's PATH.
                "FAAS_CLI_DIR", secretsDir.resolve("bin").toString(),
                "FAAS_UP_TIMEOUT", "150"));
        env.putAll(overrides);
        return Cli.run(ProjectFiles.root(), env, Duration.ofSeconds(240), "scripts/up.sh");
    }

    Cli.Result up() {
        return up(Map.of());
    }

    /** scripts/up.sh that must succeed: its output. */
    String upOrFail() {
        Cli.Result r = up();
        if (!r.ok()) {
            throw new AssertionError("scripts/up.sh failed (exit " + r.exitCode() + "):\n" + r.output());
        }
        return r.output();
    }

    String password() {
        try {
            return Files.readString(secretsDir.resolve(stack).resolve("basic-auth-password")).trim();
        } catch (IOException e) {
            throw new AssertionError("scripts/up.sh kept no password in " + secretsDir + ": " + e);
        }
    }

    /** The Blueprint routes' Bearer key scripts/up.sh made and kept beside the password. */
    String blueprintKey() {
        try {
            return Files.readString(secretsDir.resolve(stack).resolve("blueprint-api-key")).trim();
        } catch (IOException e) {
            throw new AssertionError("scripts/up.sh kept no Blueprint key in " + secretsDir + ": " + e);
        }
    }

    /** The AWS credentials file scripts/up.sh wrote for the Lambda Invoke API's access key. */
    Path lambdaCredentials() {
        Path file = secretsDir.resolve(stack).resolve("lambda-credentials");
        if (!Files.isReadable(file)) {
            throw new AssertionError("scripts/up.sh kept no Lambda credentials at " + file);
        }
        return file;
    }

    String service(String function) {
        return stack + "_" + function;
    }

    /** What `docker service ls` shows in its REPLICAS column for a service of this stack: "running/desired". */
    String replicas(String service) {
        return Arrays.stream(Cli.docker("service", "ls", "--filter", "name=" + service(service),
                        "--format", "{{.Name}} {{.Replicas}}").split("\n"))
                .filter(l -> l.startsWith(service(service) + " ")).map(l -> l.substring(l.indexOf(' ') + 1).trim())
                .findFirst().orElse("(no service)");
    }

    int desiredReplicas(String service) {
        return Integer.parseInt(Cli.docker("service", "inspect", "--format",
                "{{.Spec.Mode.Replicated.Replicas}}", service(service)));
    }

    /** scripts/down.sh --purge: the stack, its configs, secrets and stored password; fails when something stays. */
    @Override
    public void close() {
        Cli.Result r = Cli.run(ProjectFiles.root(), Map.of("FAAS_STACK", stack, "FAAS_SECRETS_DIR", secretsDir.toString()),
                Duration.ofSeconds(120), "scripts/down.sh", "--purge");
        try {
            Files.deleteIfExists(secretsDir.resolve(stack));
            deleteTree(secretsDir.resolve("bin"));
            Files.deleteIfExists(secretsDir);
        } catch (IOException e) {
            System.err.println("BringUp: cannot remove " + secretsDir + ": " + e);
        }
        String left = String.join(" ", Cli.docker("service", "ls", "-q", "--filter", "label=com.docker.stack.namespace=" + stack),
                Cli.docker("config", "ls", "-q", "--filter", "label=com.docker.stack.namespace=" + stack),
                Cli.docker("volume", "ls", "-q", "--filter", "name=" + stack + "_"),
                Cli.docker("secret", "ls", "-q", "--filter", "name=" + stack + "_")).trim();
        if (!r.ok() || !left.isEmpty()) {
            throw new AssertionError("scripts/down.sh --purge left the stack " + stack + " behind (" + left + "):\n" + r.output());
        }
    }

    /** The CLI scripts/up.sh installed for this stack, or where it would be. */
    Path cli() {
        return secretsDir.resolve("bin").resolve("faas");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port: " + e);
        }
    }
}

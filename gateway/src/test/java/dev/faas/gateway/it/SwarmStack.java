package dev.faas.gateway.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A uniquely named stack for one test class: the gateway (docker.sock mounted, published with mode host on a free
 * port, called at 127.0.0.1) and function services on an attachable overlay network of its own. Removed with
 * everything it created, also when the tests fail.
 */
final class SwarmStack implements AutoCloseable {
    final String name;
    final String network;
    final int port;
    private final StringBuilder services = new StringBuilder();
    private final StringBuilder secrets = new StringBuilder();
    private final java.util.List<Path> secretFiles = new java.util.ArrayList<>();
    private boolean logKept;

    SwarmStack(String prefix) {
        String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 35), 36);
        this.name = prefix + suffix;
        this.network = name + "-fn";
        this.port = freePort();
    }

    String function(String shortName) {
        return shortName + "-" + name;
    }

    String service(String shortName) {
        return name + "_" + function(shortName);
    }

    SwarmStack gateway(String env) {
        return gateway(env, java.util.List.of());
    }

    /** The gateway with stack secrets (see {@link #secret}) mounted under /run/secrets by their short names. */
    SwarmStack gateway(String env, java.util.List<String> secretNames) {
        services.append("""
                  gateway:
                    image: faas/gateway
                    environment: {functions_network: %s, %s}
                    volumes: ["/var/run/docker.sock:/var/run/docker.sock"]
                    ports: [{target: 8080, published: %d, protocol: tcp, mode: host}]
                    networks: [functions]
                    secrets: [%s]
                    deploy: {endpoint_mode: dnsrr, labels: {dev.faas.test: "%s"}}
                """.formatted(network, env, port, String.join(", ", secretNames), name));
        return this;
    }

    /** A stack secret (Swarm names it {@code <stack>_<shortName>}; removed with the stack). */
    SwarmStack secret(String shortName, String value) throws IOException {
        Path file = Files.createTempFile(name, ".secret");
        Files.writeString(file, value);
        secretFiles.add(file);
        secrets.append("  %s: {file: %s}\n".formatted(shortName, file));
        return this;
    }

    SwarmStack function(String shortName, String image, int replicas, String env) {
        services.append("""
                  %s:
                    image: %s
                    environment: {%s}
                    networks: [functions]
                    deploy:
                      replicas: %d
                      endpoint_mode: dnsrr
                      labels: {function: "true", dev.faas.test: "%s"}
                """.formatted(function(shortName), image, env, replicas, name));
        return this;
    }

    void deploy() throws IOException {
        String compose = "version: \"3.8\"\nservices:\n" + services + """
                networks:
                  functions:
                    driver: overlay
                    attachable: true
                    name: %s
                    labels: {dev.faas.test: "%s"}
                """.formatted(network, name) + (secrets.length() == 0 ? "" : "secrets:\n" + secrets);
        Path file = Files.createTempFile(name, ".yml");
        Files.writeString(file, compose);
        try {
            Cli.run("docker", "stack", "deploy", "--resolve-image", "never", "-c", file.toString(), name);
        } finally {
            Files.deleteIfExists(file);
            for (Path f : secretFiles) {
                Files.deleteIfExists(f);
            }
        }
    }

    /**
     * Keeps the gateway's log in target/ (beside the failsafe reports): a failure there is explained by it. Called
     * before anything of the stack is removed (a removed service has no logs any more); once is enough.
     */
    void keepGatewayLog() {
        if (logKept) {
            return;
        }
        logKept = true;
        try {
            Files.writeString(Path.of("target", name + "-gateway.log"),
                    Cli.quietly("docker", "service", "logs", "--timestamps", name + "_gateway"));
        } catch (IOException e) {
            // the log is a help, not a result
        }
    }

    @Override
    public void close() {
        keepGatewayLog();
        Cli.quietly("docker", "stack", "rm", name);
        // The network goes once its tasks are gone; wait briefly so the next run starts clean.
        for (int i = 0; i < 60; i++) {
            if (Cli.quietly("docker", "network", "ls", "-q", "--filter", "name=" + network).isEmpty()) {
                return;
            }
            sleep(500);
        }
        Cli.quietly("docker", "network", "rm", network);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}

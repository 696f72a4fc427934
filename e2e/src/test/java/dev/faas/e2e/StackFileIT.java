package dev.faas.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * stack.yml and stack.grafana.yml as the Docker CLI reads them ({@code docker stack config}: merge, interpolation,
 * schema), checked for the rules of this platform: no virtual IPs, host-mode ports, every image from a variable,
 * every sample function deployed. Deploying them is the end-to-end test's job.
 */
class StackFileIT {

    @Test
    void bothStackFilesTogetherAreValidForDockerStackDeploy() {
        String merged = stackConfig(Map.of(), "stack.yml", "stack.grafana.yml");
        assertTrue(services(merged).containsKey("grafana"), merged);
        assertTrue(services(merged).containsKey("gateway"), merged);
    }

    @Test
    void everyServiceUsesDnsrrAndEveryPortIsPublishedInHostMode() {
        Map<String, String> services = services(stackConfig(Map.of(), "stack.yml", "stack.grafana.yml"));
        services.forEach((name, block) -> {
            assertTrue(block.contains("endpoint_mode: dnsrr"), name + " must not get a virtual IP:\n" + block);
            long ports = block.lines().filter(l -> l.trim().startsWith("published:")).count();
            long hostMode = block.lines().filter(l -> l.trim().equals("- mode: host")).count();
            assertEquals(ports, hostMode, name + " publishes a port outside host mode:\n" + block);
        });
    }

    /** Read from the files themselves: the CLI validates before it could show the variables. */
    @Test
    void everyImageComesFromAVariableWithADefault() throws IOException {
        for (String file : List.of("stack.yml", "stack.grafana.yml")) {
            List<String> images = Files.readAllLines(ProjectFiles.file(file)).stream()
                    .filter(l -> l.trim().startsWith("image:")).toList();
            assertFalse(images.isEmpty(), file);
            images.forEach(image -> assertTrue(image.matches(".*\\$\\{[A-Z_]+:-[^}]+}.*"),
                    file + ": image is not ${VAR:-default}: " + image.trim()));
        }
    }

    @Test
    void localImagesReplaceTheUpstreamOnesThroughTheVariables() {
        String local = stackConfig(Map.of("PROMETHEUS_IMAGE", "faas/prometheus",
                "ALERTMANAGER_IMAGE", "faas/alertmanager"), "stack.yml");
        Map<String, String> services = services(local);
        assertTrue(services.get("prometheus").contains("image: faas/prometheus"), services.get("prometheus"));
        assertTrue(services.get("alertmanager").contains("image: faas/alertmanager"), services.get("alertmanager"));
        String online = stackConfig(Map.of(), "stack.yml");
        assertTrue(services(online).get("prometheus").contains("image: prom/prometheus:v2.42.0"), online);
    }

    @Test
    void everySampleFunctionIsDeployedAsALabelledFunction() throws IOException {
        Map<String, String> services = services(stackConfig(Map.of(), "stack.yml"));
        List<String> samples;
        try (Stream<Path> dirs = Files.list(ProjectFiles.root().resolve("sample-functions"))) {
            samples = dirs.filter(d -> Files.isRegularFile(d.resolve("Dockerfile")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        }
        assertFalse(samples.isEmpty());
        for (String sample : samples) {
            String block = services.values().stream().filter(b -> b.contains("image: faas/" + sample + ":"))
                    .findFirst().orElseThrow(() -> new AssertionError("no service runs sample-functions/" + sample));
            assertTrue(block.contains("function: \"true\""), sample + " lacks the function=true label:\n" + block);
            assertTrue(block.contains("com.openfaas.scale.min:"), sample + " lacks scale labels:\n" + block);
        }
    }

    /** Output of {@code docker stack config} for these files (relative to the repository root). */
    private static String stackConfig(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of("docker", "stack", "config"));
        for (String arg : args) {
            if (arg.startsWith("--")) {
                command.add(arg);
            } else {
                command.addAll(List.of("-c", arg));
            }
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(ProjectFiles.root().toFile())
                    .redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "docker stack config did not finish");
            assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run the docker CLI (is Docker installed? scripts/docker-ready.sh): " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** The services of a `docker stack config` output: name -> its indented YAML block. */
    private static Map<String, String> services(String config) {
        Map<String, String> services = new LinkedHashMap<>();
        String current = null;
        boolean inServices = false;
        for (String line : config.split("\n")) {
            if (!line.startsWith(" ")) {
                inServices = line.equals("services:");
                current = null;
            } else if (inServices && line.startsWith("  ") && !line.startsWith("   ")) {
                current = line.trim().replace(":", "");
                services.put(current, "");
            } else if (inServices && current != null) {
                services.merge(current, line + "\n", String::concat);
            }
        }
        return services;
    }
}
